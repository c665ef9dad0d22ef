import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../scripts/lab-host";
import { LabdeckError } from "../errors";
import { useTempDataDir } from "../test-support/temp-data";

// Host inventory against a real sshd: pinning the confirmed key, refusing a key that is
// not the one confirmed, the admin's re-pin after a key change, and edits that reconnect.

let lab: LabHost;
let deps: {
  db: import("../db").Db;
  ssh: import("../ssh/types").SshExecutor;
  secret: Buffer;
  actor: { userId: null; username: string };
  role: "admin";
};
let svc: typeof import("./host-service");
let read: typeof import("./host-read");
let hostId: string;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (err) {
    return err instanceof LabdeckError ? `${err.code}${err.field ? `:${err.field}` : ""}` : String(err);
  }
}

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../scripts/lab-host");
  lab = await startLabHost();
  const { db } = await import("../db");
  const { runtime } = await import("../test-support/runtime");
  svc = await import("./host-service");
  read = await import("./host-read");
  const rt = runtime();
  // An admin: this host's run dir is the lab's, and the roots test below changes roots.
  deps = { db, ssh: rt.ssh, secret: rt.secret, actor: { userId: null, username: "tester" }, role: "admin" as const };
  hostId = (
    await svc.createHost(deps, {
      name: "pin-me",
      address: lab.address,
      runDir: lab.runDir,
      key: { source: "paste", privateKey: lab.privateKey },
    })
  ).id;
});

afterAll(async () => {
  await deps?.ssh.closeAll();
  await lab?.stop();
});

describe("host keys and edits on a real host", () => {
  it("runs nothing before the key is confirmed", async () => {
    expect(await codeOf(read.readFromHost(deps, hostId, ["true"]))).toBe("HOST_KEY_UNKNOWN");
  });

  it("refuses to pin a fingerprint the host does not present, naming the field", async () => {
    const wrong = "SHA256:" + "A".repeat(43);
    expect(await codeOf(svc.pinHostKey(deps, { id: hostId, fingerprint: wrong, repin: false }))).toBe("BAD_INPUT:fingerprint");
    expect((await deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).hostKeyFingerprint).toBeNull();
  });

  it("pins the confirmed key once; a second pin is the admin's re-pin", async () => {
    const scan = await svc.scanHostKey(deps, { id: hostId });
    expect(scan).toMatchObject({ presented: lab.hostKeyFingerprint, pinned: null, matches: false });
    await svc.pinHostKey(deps, { id: hostId, fingerprint: scan.presented, repin: false });
    expect((await read.readFromHost(deps, hostId, ["hostname"])).exitStatus).toBe(0);
    expect(await codeOf(svc.pinHostKey(deps, { id: hostId, fingerprint: scan.presented, repin: false }))).toBe("CONFLICT");
  });

  it("after a key change, refuses until re-pinned, then works again", async () => {
    const old = lab.hostKeyFingerprint;
    const fresh = await lab.rotateHostKey();
    deps.ssh.drop(hostId);
    const err = await read.readFromHost(deps, hostId, ["true"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabdeckError);
    expect((err as LabdeckError).code).toBe("HOST_KEY_MISMATCH");
    expect((err as LabdeckError).message).toContain(old);
    expect((err as LabdeckError).message).toContain(fresh);
    const scan = await svc.scanHostKey(deps, { id: hostId });
    expect(scan).toMatchObject({ presented: fresh, pinned: old, matches: false });
    await svc.pinHostKey(deps, { id: hostId, fingerprint: fresh, repin: true });
    expect((await read.readFromHost(deps, hostId, ["true"])).exitStatus).toBe(0);
    const audit = await deps.db.auditEvent.findFirstOrThrow({ where: { action: "host.repin" } });
    expect(JSON.parse(audit.detailsJson ?? "{}")).toMatchObject({ fingerprint: fresh, previous: old });
  });

  it("an edit of the address takes effect on the next command", async () => {
    await svc.updateHost(deps, { id: hostId, address: "127.0.0.1", port: 1 });
    expect(await codeOf(read.readFromHost(deps, hostId, ["true"]))).toBe("SSH_UNREACHABLE");
    await svc.updateHost(deps, { id: hostId, address: lab.address, port: 22 });
    expect((await read.readFromHost(deps, hostId, ["true"])).exitStatus).toBe(0);
  });

  it("keeps storage roots per host, defaulting to <runDir>/images", async () => {
    const before = await svc.updateHost(deps, { id: hostId });
    expect(before.effectiveRoots).toEqual([`${lab.runDir}/images`]);
    const after = await svc.updateHost(deps, { id: hostId, storageRoots: ["/srv/images", "/srv/iso"] });
    expect(after.effectiveRoots).toEqual(["/srv/images", "/srv/iso"]);
    await expect(svc.updateHost(deps, { id: hostId, storageRoots: ["relative/path"] })).rejects.toThrow(/storageRoots/);
    await svc.updateHost(deps, { id: hostId, storageRoots: [] });
  });

  it("a replaced key is used at once: the host refuses it until it is authorized", async () => {
    await svc.updateHost(deps, { id: hostId, key: { source: "generate" } });
    expect(await codeOf(read.readFromHost(deps, hostId, ["true"]))).toBe("SSH_AUTH");
  });
});
