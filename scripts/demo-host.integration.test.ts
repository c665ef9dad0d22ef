// The demo host outlives the process that started it, is found again from its state file,
// keeps its keys across stop/start, and stop removes it from the machine.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SshPool } from "../server/ssh/pool";
import { demoHostStatus, startDemoHost, stopDemoHost } from "./demo-host";
import { labHostsSupported } from "./lab-host";
import { namespaceExists } from "./lab-host/netns";
import { listSlots } from "./lab-host/slots";

const support = labHostsSupported();

describe.skipIf(!support.ok)(`demo host${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let dataDir = "";
  afterAll(async () => {
    if (dataDir !== "") {
      await stopDemoHost(dataDir, { purge: true });
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("starts, answers over SSH, restarts with the same identity and stops completely", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "labdeck-demo-"));
    expect(await demoHostStatus(dataDir)).toEqual({ running: false, leftovers: false });

    const name = `demo-t${process.pid}`;
    const info = await startDemoHost(dataDir, { name });
    expect(await startDemoHost(dataDir, { name })).toEqual(info);
    expect(await demoHostStatus(dataDir)).toEqual({ running: true, ...info });

    const pool = new SshPool();
    try {
      const r = await pool.exec(
        {
          hostId: "demo",
          name: "demo",
          address: info.address,
          port: info.port,
          username: info.username,
          privateKey: await readFile(info.privateKeyFile, "utf8"),
          pinnedFingerprint: info.hostKeyFingerprint,
        },
        ["hostname"],
      );
      expect(r.exitStatus).toBe(0);
    } finally {
      await pool.closeAll();
    }

    expect(await stopDemoHost(dataDir)).toEqual({ stopped: true });
    expect(await namespaceExists(info.namespace)).toBe(false);
    expect(await demoHostStatus(dataDir)).toEqual({ running: false, leftovers: false });

    const again = await startDemoHost(dataDir, { name });
    expect(again.hostKeyFingerprint).toBe(info.hostKeyFingerprint);
    expect(again.privateKeyFile).toBe(info.privateKeyFile);
    await stopDemoHost(dataDir, { purge: true });
    expect(await namespaceExists(again.namespace)).toBe(false);
    expect((await listSlots()).filter((s) => s.owner?.namespace === again.namespace)).toEqual([]);
  });
});
