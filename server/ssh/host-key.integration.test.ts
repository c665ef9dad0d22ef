// Host key pinning and connection errors against real lab hosts: an unknown or changed key
// must stop the connection during key exchange, before any authentication attempt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../scripts/lab-host";
import { LabdeckError } from "../errors";
import { SshPool } from "./pool";

const support = labHostsSupported();

async function failure(p: Promise<unknown>): Promise<LabdeckError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof LabdeckError)) throw new Error(`expected a LabdeckError, got ${String(e)}`);
  return e;
}

describe.skipIf(!support.ok)(`host keys and connection errors${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let host: LabHost;
  let pool: SshPool;

  beforeAll(async () => {
    host = await startLabHost({ logLevel: "DEBUG1" });
    pool = new SshPool({ readyTimeoutMs: 3000 });
  });
  afterAll(async () => {
    await pool?.closeAll();
    await host?.stop();
  });

  it("fetchHostKey returns what ssh-keygen -lf says about the host key", async () => {
    const info = await pool.fetchHostKey(host.address, host.port);
    expect(info).toEqual({ fingerprint: host.hostKeyFingerprint, algorithm: "ssh-ed25519" });
  });

  it("refuses a host whose key is not pinned yet and reports the key it presented", async () => {
    const e = await failure(pool.exec(labHostTarget(host, { pinnedFingerprint: null }), ["true"]));
    expect(e.code).toBe("HOST_KEY_UNKNOWN");
    expect(e.details).toEqual({ fingerprint: host.hostKeyFingerprint, algorithm: "ssh-ed25519" });
  });

  it("refuses the wrong key for an existing user with SSH_AUTH", async () => {
    const other = await startLabHost();
    try {
      const e = await failure(pool.exec(labHostTarget(host, { privateKey: other.privateKey, hostId: "wrong-key" }), ["true"]));
      expect(e.code).toBe("SSH_AUTH");
      expect(e.message).not.toContain("PRIVATE KEY");
    } finally {
      await other.stop();
    }
  });

  it("reports an unparseable private key without quoting it", async () => {
    const secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-really-a-key-but-secret\n-----END OPENSSH PRIVATE KEY-----\n";
    const e = await failure(pool.exec(labHostTarget(host, { privateKey: secret, hostId: "garbage-key" }), ["true"]));
    expect(e.code).toBe("SSH_AUTH");
    expect(`${e.message} ${String(e.cause)}`).not.toContain("not-really-a-key-but-secret");
  });

  it("reports a closed port as SSH_UNREACHABLE naming the address", async () => {
    const e = await failure(pool.exec(labHostTarget(host, { port: 2222, hostId: "closed-port" }), ["true"]));
    expect(e.code).toBe("SSH_UNREACHABLE");
    expect(e.message).toContain(`${host.address}:2222`);
  });

  it("refuses a changed host key before authentication, naming both fingerprints", async () => {
    const target = labHostTarget(host);
    expect((await pool.exec(target, ["true"])).exitStatus).toBe(0);
    const pinned = host.hostKeyFingerprint;
    const rotated = await host.rotateHostKey();
    expect(rotated).not.toBe(pinned);
    pool.drop(target.hostId);
    const logBefore = (await host.sshdLog()).length;

    const e = await failure(pool.exec({ ...target, pinnedFingerprint: pinned }, ["true"]));
    expect(e.code).toBe("HOST_KEY_MISMATCH");
    expect(e.message).toContain(pinned);
    expect(e.message).toContain(rotated);
    expect(e.details).toMatchObject({ pinned, fingerprint: rotated });

    const log = (await host.sshdLog()).slice(logBefore);
    expect(log).toContain(`Connection from ${host.gateway}`);
    expect(log).not.toMatch(/userauth-request|Accepted|Failed|Postponed|invalid user/i);

    const repinned = await pool.exec({ ...target, pinnedFingerprint: rotated }, ["echo", "ok"]);
    expect(repinned.stdout).toBe("ok\n");
  });

  it("fetchHostKey never offers a user name or key", async () => {
    const logBefore = (await host.sshdLog()).length;
    await pool.fetchHostKey(host.address, host.port);
    await new Promise((r) => setTimeout(r, 100));
    const log = (await host.sshdLog()).slice(logBefore);
    expect(log).toContain("Connection from");
    expect(log).not.toMatch(/userauth-request|labdeck-host-key-probe/);
  });
});
