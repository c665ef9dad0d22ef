import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireBuildLock } from "./build-lock";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ldk-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("build lock", () => {
  it("makes a second caller wait until the first releases", async () => {
    const file = path.join(dir, "k.lock");
    const order: string[] = [];
    const release1 = await acquireBuildLock(file);
    expect((await readFile(file, "utf8")).trim()).toBe(String(process.pid));
    let waited = false;
    const second = acquireBuildLock(file, { onWait: () => (waited = true) }).then((release) => {
      order.push("second");
      return release;
    });
    await new Promise((r) => setTimeout(r, 300));
    order.push("first done");
    await release1();
    const release2 = await second;
    expect(waited).toBe(true);
    expect(order).toEqual(["first done", "second"]);
    await release2();
  });

  it("takes over a lock whose owner died", async () => {
    const file = path.join(dir, "k.lock");
    // The pid of a process that has certainly exited.
    const dead = spawnSync("true").pid;
    await writeFile(file, `${dead}\n`);
    const release = await acquireBuildLock(file, { timeoutMs: 5000 });
    expect((await readFile(file, "utf8")).trim()).toBe(String(process.pid));
    await release();
  });

  it("gives up after its timeout while a live owner holds the lock", async () => {
    const file = path.join(dir, "k.lock");
    await writeFile(file, "1\n");
    await expect(acquireBuildLock(file, { timeoutMs: 500 })).rejects.toThrow(/held by pid 1/);
  });
});
