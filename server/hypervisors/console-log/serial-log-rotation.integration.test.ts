import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../../scripts/lab-host";
import { readSerialLogPage } from "../../console/serial-log-reader";
import type { SshPool } from "../../ssh/pool";
import { guestRunFiles } from "../qemu/guest-definition";
import { SERIAL_LOG_ROTATE_BYTES, serialLogRotateArgv } from "./serial-log-rotation";

// The start plan's rotation step on a real host (sshd in a network namespace), and what the
// history page is told about it: a log over the limit becomes serial.log.1 (replacing the
// previous one), a small one is left alone, and the page reports the bytes and the time.

const support = labHostsSupported();

describe.skipIf(!support.ok)(`serial log rotation${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let host: LabHost;
  let pool: SshPool;

  beforeAll(async () => {
    host = await startLabHost();
    const { SshPool } = await import("../../ssh/pool");
    pool = new SshPool({});
  });

  afterAll(async () => {
    await pool?.closeAll();
    await host?.stop();
  });

  const sizeOf = async (path: string) => {
    const r = await host.execInNs(["stat", "-c", "%s", "--", path]);
    return r.code === 0 ? Number(r.stdout.trim()) : null;
  };

  it("rotates a log over the limit at start, keeps one previous log, and the history page says what went", async () => {
    const target = labHostTarget(host);
    const files = guestRunFiles(host.runDir, "rot");
    expect((await host.execInNs(["mkdir", "-p", "--", files.dir])).code).toBe(0);
    const big = SERIAL_LOG_ROTATE_BYTES + 4096;
    expect((await host.execInNs(["sh", "-c", 'head -c "$1" /dev/zero | tr "\\0" x > "$2"', "sh", String(big), files.serialLog])).code).toBe(
      0,
    );

    const before = Date.now();
    const r = await pool.exec(target, serialLogRotateArgv(files.serialLog), { timeoutMs: 15_000 });
    expect(r.exitStatus).toBe(0);
    expect(await sizeOf(files.serialLog)).toBeNull();
    expect(await sizeOf(`${files.serialLog}.1`)).toBe(big);

    const page = await readSerialLogPage({ ssh: pool, target, path: files.serialLog });
    expect(page.size).toBe(0);
    expect(page.rotated?.bytes).toBe(big);
    // ctime has whole seconds: the rotation happened within this test.
    expect(page.rotated?.rotatedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(page.rotated?.rotatedAt).toBeLessThanOrEqual(Date.now());

    // A small log (the next run's) is left alone; the previous one stays.
    expect((await host.execInNs(["sh", "-c", 'printf "boot 2\\n" > "$1"', "sh", files.serialLog])).code).toBe(0);
    expect((await pool.exec(target, serialLogRotateArgv(files.serialLog), { timeoutMs: 15_000 })).exitStatus).toBe(0);
    expect(await sizeOf(files.serialLog)).toBe(7);
    expect(await sizeOf(`${files.serialLog}.1`)).toBe(big);
    expect((await readSerialLogPage({ ssh: pool, target, path: files.serialLog })).text).toBe("boot 2\n");

    // Over the limit again: the new log replaces the previous one (only one is kept).
    expect((await pool.exec(target, serialLogRotateArgv(files.serialLog, 4), { timeoutMs: 15_000 })).exitStatus).toBe(0);
    expect(await sizeOf(`${files.serialLog}.1`)).toBe(7);
    expect(await sizeOf(files.serialLog)).toBeNull();
  });

  it("leaves a guest that never started (no log) alone", async () => {
    const files = guestRunFiles(host.runDir, "never");
    const r = await pool.exec(labHostTarget(host), serialLogRotateArgv(files.serialLog), { timeoutMs: 15_000 });
    expect(r.exitStatus).toBe(0);
    expect((await readSerialLogPage({ ssh: pool, target: labHostTarget(host), path: files.serialLog })).rotated).toBeNull();
  });
});
