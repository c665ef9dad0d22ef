// SshPool against real lab hosts (sshd in network namespaces). Needs root; see
// scripts/lab-host. Each test uses its own sleep duration so process checks never confuse
// one test's leftovers with another's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../scripts/lab-host";
import { LabdeckError } from "../errors";
import { SshPool } from "./pool";

const support = labHostsSupported();

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function running(host: LabHost, ...argv: string[]): Promise<boolean> {
  return (await host.processes()).some((p) => argv.every((a, i) => p.argv[i] === a));
}

describe.skipIf(!support.ok)(`SshPool exec on lab hosts${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let host: LabHost;
  let pool: SshPool;

  beforeAll(async () => {
    host = await startLabHost();
    pool = new SshPool();
  });
  afterAll(async () => {
    await pool?.closeAll();
    await host?.stop();
  });

  it("returns stdout, stderr and the exit status", async () => {
    const r = await pool.exec(labHostTarget(host), ["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r).toMatchObject({ outcome: "exited", exitStatus: 3, exitSignal: null, stdout: "out\n", stderr: "err\n" });
    expect(Number.isInteger(r.durationMs) && r.durationMs >= 0).toBe(true);
  });

  it("delivers every argv element intact", async () => {
    const words = ["a b", "it's", '"q"', "$HOME", "`id`", "$(id)", "line1\nline2", "", "-n", "*", "é😀", "\\", "a;b|c"];
    const r = await pool.exec(labHostTarget(host), ["printf", "%s\\0", ...words]);
    expect(r.exitStatus).toBe(0);
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(words);
  });

  it("streams output to callbacks and feeds stdin", async () => {
    const chunks: string[] = [];
    const r = await pool.exec(labHostTarget(host), ["cat"], {
      stdin: "hello\nworld\n",
      onStdout: (c) => chunks.push(c.toString()),
    });
    expect(r.stdout).toBe("hello\nworld\n");
    expect(chunks.join("")).toBe("hello\nworld\n");
    const noStdin = await pool.exec(labHostTarget(host), ["wc", "-c"]);
    expect(noStdin.stdout.trim()).toBe("0");
  });

  it("survives a streaming callback that throws", async () => {
    const r = await pool.exec(labHostTarget(host), ["echo", "still here"], {
      onStdout: () => {
        throw new Error("consumer bug");
      },
    });
    expect(r).toMatchObject({ outcome: "exited", exitStatus: 0, stdout: "still here\n" });
  });

  it("reports a command killed by a signal", async () => {
    const r = await pool.exec(labHostTarget(host), ["sh", "-c", "kill -TERM $$"]);
    expect(r).toMatchObject({ outcome: "exited", exitStatus: null, exitSignal: "SIGTERM" });
  });

  it("keeps the tail of oversized output and says how much was dropped", async () => {
    const small = new SshPool({ maxOutputBytes: 1000 });
    try {
      const r = await small.exec(labHostTarget(host), ["sh", "-c", "head -c 5000 /dev/zero | tr '\\0' a; printf END"]);
      expect(r.stdout).toHaveLength(1000);
      expect(r.stdout.endsWith("aEND")).toBe(true);
      expect(r.truncated).toEqual({ stdout: 4003, stderr: 0 });
    } finally {
      await small.closeAll();
    }
  });

  it("kills the remote command on timeout", async () => {
    const started = Date.now();
    const r = await pool.exec(labHostTarget(host), ["sleep", "3000"], { timeoutMs: 300 });
    expect(r.outcome).toBe("timeout");
    expect(r.exitStatus).toBeNull();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await running(host, "sleep", "3000")).toBe(false);
  });

  it("kills the whole remote process group on cancel", async () => {
    const ac = new AbortController();
    const pending = pool.exec(labHostTarget(host), ["sh", "-c", "sleep 3001 & sleep 3002; wait"], { signal: ac.signal });
    await waitFor(() => running(host, "sleep", "3002"));
    ac.abort();
    const r = await pending;
    expect(r.outcome).toBe("cancelled");
    expect(r.exitStatus).toBeNull();
    expect(await running(host, "sleep", "3001")).toBe(false);
    expect(await running(host, "sleep", "3002")).toBe(false);
  });

  it("reports cancelled without running anything when the signal is already aborted", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await pool.exec(labHostTarget(host), ["touch", `${host.runDir}/never`], { signal: ac.signal });
    expect(r.outcome).toBe("cancelled");
    const check = await host.execInNs(["test", "-e", `${host.runDir}/never`]);
    expect(check.code).toBe(1);
  });

  it("queues execs above the channel cap and runs them all", async () => {
    const capped = new SshPool({ maxChannelsPerHost: 8 });
    const target = labHostTarget(host, { hostId: "capped" });
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, capped.stats("capped")?.inUse ?? 0);
    }, 5);
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => capped.exec(target, ["sh", "-c", `sleep 0.1; echo ${i}`])));
      expect(results.map((r) => r.outcome)).toEqual(Array(40).fill("exited"));
      expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
      expect(peak).toBeGreaterThan(1);
      expect(peak).toBeLessThanOrEqual(8);
    } finally {
      clearInterval(sampler);
      await capped.closeAll();
    }
  });

  it("times out an exec still waiting in the queue without running it", async () => {
    const single = new SshPool({ maxChannelsPerHost: 1 });
    const target = labHostTarget(host, { hostId: "single" });
    try {
      const blocker = single.exec(target, ["sleep", "1"]);
      const queued = await single.exec(target, ["touch", `${host.runDir}/queued`], { timeoutMs: 200 });
      expect(queued.outcome).toBe("timeout");
      expect((await blocker).exitStatus).toBe(0);
      expect((await host.execInNs(["test", "-e", `${host.runDir}/queued`])).code).toBe(1);
    } finally {
      await single.closeAll();
    }
  });

  it("reconnects when the connection parameters change and after drop()", async () => {
    const target = labHostTarget(host, { hostId: "params" });
    expect((await pool.exec(target, ["true"])).exitStatus).toBe(0);
    expect(pool.stats("params")?.connected).toBe(true);
    pool.drop("params");
    expect(pool.stats("params")).toBeNull();
    expect((await pool.exec(target, ["true"])).exitStatus).toBe(0);
    const err = await pool.exec({ ...target, username: "nobody-here" }, ["true"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabdeckError);
    expect((err as LabdeckError).code).toBe("SSH_AUTH");
    expect((await pool.exec(target, ["true"])).exitStatus).toBe(0);
  });

  it("refuses a NUL in argv before connecting", async () => {
    const err = await pool.exec(labHostTarget(host), ["echo", "a\0b"]).catch((e: unknown) => e);
    expect((err as LabdeckError).code).toBe("BAD_INPUT");
  });
});

describe.skipIf(!support.ok)("SshPool when sshd allows fewer sessions than the cap", () => {
  let host: LabHost;
  let pool: SshPool;
  beforeAll(async () => {
    host = await startLabHost({ maxSessions: 3 });
    pool = new SshPool({ maxChannelsPerHost: 8 });
  });
  afterAll(async () => {
    await pool?.closeAll();
    await host?.stop();
  });

  it("queues instead of failing and learns the server's limit", async () => {
    const target = labHostTarget(host);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => pool.exec(target, ["sh", "-c", `sleep 0.05; echo ${i}`])));
    expect(results.filter((r) => r.outcome === "exited" && r.exitStatus === 0)).toHaveLength(40);
    expect(pool.stats(target.hostId)?.limit).toBe(3);
  });

  it("still kills timed-out commands that hold every session of the host", async () => {
    const fresh = new SshPool({ maxChannelsPerHost: 8 });
    const target = labHostTarget(host, { hostId: "saturated" });
    try {
      const started = Date.now();
      const results = await Promise.all([3010, 3011, 3012].map((n) => fresh.exec(target, ["sleep", String(n)], { timeoutMs: 300 })));
      expect(results.map((r) => r.outcome)).toEqual(["timeout", "timeout", "timeout"]);
      // Well under the 5 s kill grace: the kill made room for itself instead of waiting it out.
      expect(Date.now() - started).toBeLessThan(2500);
      for (const n of [3010, 3011, 3012]) expect(await running(host, "sleep", String(n))).toBe(false);
    } finally {
      await fresh.closeAll();
    }
  });
});

describe.skipIf(!support.ok)("SshPool when the connection drops", () => {
  let host: LabHost;
  let pool: SshPool;
  beforeAll(async () => {
    host = await startLabHost();
    pool = new SshPool({ readyTimeoutMs: 3000 });
  });
  afterAll(async () => {
    await pool?.closeAll();
    await host?.stop();
  });

  it("reports connection-lost with no exit status, then reconnects once sshd is back", async () => {
    const target = labHostTarget(host);
    const pending = pool.exec(target, ["sleep", "3020"]);
    await waitFor(() => running(host, "sleep", "3020"));
    await host.killSshd();
    const r = await pending;
    expect(r.outcome).toBe("connection-lost");
    expect(r.exitStatus).toBeNull();

    const down = await pool.exec(target, ["true"]).catch((e: unknown) => e);
    expect((down as LabdeckError).code).toBe("SSH_UNREACHABLE");
    expect((down as LabdeckError).message).toContain(host.address);

    await host.restartSshd();
    const again = await pool.exec(target, ["echo", "back"]);
    expect(again).toMatchObject({ outcome: "exited", exitStatus: 0, stdout: "back\n" });
  });

  it("reconnects by itself when only the session processes die", async () => {
    const target = labHostTarget(host);
    const pending = pool.exec(target, ["sleep", "3021"]);
    await waitFor(() => running(host, "sleep", "3021"));
    await host.dropConnections();
    expect((await pending).outcome).toBe("connection-lost");
    expect(await pool.exec(target, ["echo", "ok"])).toMatchObject({ outcome: "exited", stdout: "ok\n" });
  });
});
