// openStreamLocal against a real unix socket on a lab host: the path a serial console or a
// QMP monitor takes from the browser to a guest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../scripts/lab-host";
import { LabdeckError } from "../errors";
import { SshPool } from "./pool";

const support = labHostsSupported();

describe.skipIf(!support.ok)(`openStreamLocal${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let host: LabHost;
  let pool: SshPool;
  let socketPath: string;

  beforeAll(async () => {
    host = await startLabHost();
    pool = new SshPool();
    socketPath = `${host.runDir}/echo.sock`;
    host.spawnInNs(["socat", `UNIX-LISTEN:${socketPath},fork`, "EXEC:cat"]);
    const deadline = Date.now() + 5000;
    while ((await host.execInNs(["test", "-S", socketPath])).code !== 0) {
      if (Date.now() > deadline) throw new Error("socat did not create its socket");
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  afterAll(async () => {
    await pool?.closeAll();
    await host?.stop();
  });

  it("echoes bytes through a unix socket on the host", async () => {
    const stream = await pool.openStreamLocal(labHostTarget(host), socketPath);
    const received: Buffer[] = [];
    const payload = Buffer.from([0, 1, 2, 255, ...Buffer.from("héllo\r\n")]);
    const echoed = new Promise<void>((resolve) => {
      stream.on("data", (c: Buffer) => {
        received.push(c);
        if (Buffer.concat(received).length >= payload.length) resolve();
      });
    });
    stream.write(payload);
    await echoed;
    expect(Buffer.concat(received)).toEqual(payload);
    stream.end();
  });

  it("keeps several streams apart and leaves exec working beside them", async () => {
    const target = labHostTarget(host);
    const streams = await Promise.all([1, 2, 3].map(() => pool.openStreamLocal(target, socketPath)));
    const answers = streams.map(
      (s, i) =>
        new Promise<string>((resolve) => {
          s.once("data", (c: Buffer) => resolve(c.toString()));
          s.write(`stream ${i}`);
        }),
    );
    expect(await Promise.all(answers)).toEqual(["stream 0", "stream 1", "stream 2"]);
    expect((await pool.exec(target, ["echo", "beside"])).stdout).toBe("beside\n");
    for (const s of streams) s.end();
  });

  it("reports a missing socket as NOT_FOUND", async () => {
    const e = await pool.openStreamLocal(labHostTarget(host), `${host.runDir}/missing.sock`).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(LabdeckError);
    expect((e as LabdeckError).code).toBe("NOT_FOUND");
  });

  it("refuses a relative socket path as bad input", async () => {
    const e = await pool.openStreamLocal(labHostTarget(host), "echo.sock").catch((err: unknown) => err);
    expect((e as LabdeckError).code).toBe("BAD_INPUT");
  });
});
