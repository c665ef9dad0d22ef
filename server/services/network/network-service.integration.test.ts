import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../../scripts/lab-host";
import type { TNetOpInput } from "../../network/ops";
import { useTempDataDir } from "../../test-support/temp-data";
import { errorOf, until } from "../../test-support/waits";

// The topology workflow through the services and the real job runner on a lab host:
// preview, apply with the rollback armed on the host, confirm over a new connection,
// let an unconfirmed change roll back by itself, refuse a change that cuts the session,
// then drift (a change made behind Labdeck's back), adopt and revert. Effects are read
// from the kernel inside the namespace, not from Labdeck's own model.

let lab: LabHost;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;
const actor = { userId: null, username: "tester" };

async function load() {
  const { db } = await import("../../db");
  const { runtime, runtimeDeps } = await import("../../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    change: await import("./network-change"),
    rollback: await import("./network-rollback"),
    view: await import("./network-view"),
  };
}

async function inNs(argv: string[]): Promise<string> {
  const r = await lab.execInNs(argv);
  return r.stdout;
}

/** iptables-save without what changes by itself: counters (the SSH session's packets) and the date lines. */
async function rulesNow(table: string): Promise<string> {
  return (await inNs(["iptables-save", "-t", table]))
    .split("\n")
    .filter((l) => !l.startsWith("#"))
    .map((l) => l.replace(/\[\d+:\d+\]/g, ""))
    .join("\n");
}

async function bridgeOf(name: string): Promise<{ stp: number; address: string[] } | null> {
  const r = await lab.execInNs(["ip", "-j", "-d", "addr", "show", "dev", name]);
  if (r.code !== 0) return null;
  const [link] = JSON.parse(r.stdout) as {
    linkinfo?: { info_data?: { stp_state?: number } };
    addr_info?: { family: string; local: string; prefixlen: number }[];
  }[];
  return {
    stp: link?.linkinfo?.info_data?.stp_state ?? -1,
    address: (link?.addr_info ?? []).filter((a) => a.family === "inet").map((a) => `${a.local}/${a.prefixlen}`),
  };
}

async function runAndWait(ops: TNetOpInput[], rollbackSeconds?: number) {
  const res = await ctx.change.runChange(ctx.deps, { hostId, ops: ops as never, rollbackSeconds });
  await ctx.rt.jobs.idle();
  const job = res.jobId ? await ctx.db.job.findUniqueOrThrow({ where: { id: res.jobId } }) : null;
  return { ...res, job };
}

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../../scripts/lab-host");
  lab = await startLabHost();
  ctx = await load();
  const { addPinnedLabHost } = await import("../../test-support/inventory-host");
  hostId = await addPinnedLabHost(ctx.deps, lab, "net-host");
}, 60_000);

afterAll(async () => {
  await ctx?.rt.ssh.closeAll();
  await lab?.stop();
});

const LAB_OPS: TNetOpInput[] = [
  { op: "bridge.create", name: "labbr0", stp: false, forwardDelayCs: 0 },
  { op: "address.add", dev: "labbr0", cidr: "192.168.2.1/24" },
  { op: "tap.create", name: "labtap1", bridge: "labbr0" },
  { op: "forward.set", enabled: true },
  { op: "nat.add", source: "192.168.2.0/24", outInterface: "eth0" },
];

describe("network changes on a real host", () => {
  it("reads the host's network with the SSH interface and no recorded topology yet", async () => {
    const view = await ctx.view.networkView(ctx.deps, hostId);
    expect(view.network.ssh?.interface).toBe("eth0");
    expect(view.network.links.map((l) => l.name)).toContain("eth0");
    expect(view.drift.recordedAt).toBeNull();
    expect(view.pending).toBeNull();
  });

  it("previews a lab without touching the host", async () => {
    const p = await ctx.change.previewChange(ctx.deps, { hostId, ops: LAB_OPS as never });
    expect(p.nothingToDo).toBe(false);
    expect(p.ssh.ok).toBe(true);
    expect(p.rollback.needed).toBe(true);
    expect(p.script).toContain("ip link add name labbr0 type bridge");
    expect(p.script).toContain("MASQUERADE");
    expect(await bridgeOf("labbr0")).toBeNull();
  });

  it("applies it with a rollback armed, and keeps it when confirmed over a new connection", async () => {
    const res = await runAndWait(LAB_OPS, 60);
    expect(res.job?.status).toBe("succeeded");
    expect(await bridgeOf("labbr0")).toEqual({ stp: 0, address: ["192.168.2.1/24"] });
    const ports = JSON.parse(await inNs(["bridge", "-j", "link", "show"])) as { ifname: string; master: string }[];
    expect(ports.find((p) => p.ifname === "labtap1")?.master).toBe("labbr0");
    expect((await inNs(["cat", "/proc/sys/net/ipv4/ip_forward"])).trim()).toBe("1");
    expect(await inNs(["iptables-save", "-t", "nat"])).toMatch(/-A POSTROUTING -s 192\.168\.2\.0\/24 -o eth0 .*-j MASQUERADE/);

    const change = await ctx.db.networkChange.findUniqueOrThrow({ where: { id: res.changeId ?? "" } });
    expect(change.state).toBe("armed");
    expect(await ctx.db.networkRecord.count()).toBe(0);
    expect(await ctx.rollback.confirmChange(ctx.deps, { changeId: change.id })).toEqual({ state: "confirmed" });
    const record = await ctx.db.networkRecord.findUniqueOrThrow({ where: { hostId } });
    expect(record.networkJson).toContain("labbr0");
    // Confirmed: the timer is gone, so the host keeps the change past the deadline.
    const view = await ctx.view.networkView(ctx.deps, hostId);
    expect(view.drift.items).toEqual([]);
  });

  it("changes nothing when the same edits are applied again", async () => {
    const p = await ctx.change.previewChange(ctx.deps, { hostId, ops: LAB_OPS as never });
    expect(p.nothingToDo).toBe(true);
    expect(p.ops.every((o) => o.status === "in-place")).toBe(true);
    const before = await rulesNow("nat");
    const res = await runAndWait(LAB_OPS);
    expect(res.jobId).toBeNull();
    expect(await rulesNow("nat")).toBe(before);
  });

  it("routes one source through a second gateway: a named table, a route in it, and an ip rule", async () => {
    const ops: TNetOpInput[] = [
      { op: "rttable.add", id: 100, name: "second" },
      { op: "route.add", table: "second", dst: "default", via: "192.168.2.254", dev: "labbr0" },
      { op: "iprule.add", priority: 1000, from: "10.9.9.9", table: "second" },
    ];
    const res = await runAndWait(ops);
    expect(res.job?.status).toBe("succeeded");
    await ctx.rollback.confirmChange(ctx.deps, { changeId: res.changeId ?? "" });
    expect(await inNs(["ip", "route", "show", "table", "100"])).toContain("default via 192.168.2.254 dev labbr0");
    expect(await inNs(["ip", "rule", "show"])).toMatch(/1000:\s+from 10\.9\.9\.9 lookup 100/);
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(`${lab.dir}/etc-root/etc/iproute2/rt_tables.d/labdeck.conf`, "utf8")).toBe("100 second\n");
    const view = await ctx.view.networkView(ctx.deps, hostId);
    expect(view.network.rtTables).toContainEqual({ id: 100, name: "second" });
    expect(view.network.routesByTable.second?.[0]?.gateway).toBe("192.168.2.254");
    expect(view.drift.items).toEqual([]);
    expect((await ctx.change.previewChange(ctx.deps, { hostId, ops: ops as never })).nothingToDo).toBe(true);
  });

  it("refuses a change that would cut Labdeck's own SSH session, and runs nothing", async () => {
    const before = await rulesNow("filter");
    const err = await errorOf(
      runAndWait([
        {
          op: "rule.append",
          table: "filter",
          chain: "INPUT",
          rule: { protocol: "tcp", inInterface: "eth0", destinationPort: 22, target: { kind: "DROP" } },
        },
      ]),
    );
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/SSH/);
    expect(err.message).toMatch(/eth0|22/);
    expect(await rulesNow("filter")).toBe(before);
  });

  it("lets the host roll an unconfirmed change back by itself", async () => {
    const rule = {
      protocol: "tcp" as const,
      inInterface: "labbr0",
      destinationPort: 2222,
      comment: "unconfirmed",
      target: { kind: "REJECT" as const },
    };
    const res = await runAndWait([{ op: "rule.append", table: "filter", chain: "FORWARD", rule }], 10);
    expect(res.job?.status).toBe("succeeded");
    expect(await inNs(["iptables-save", "-t", "filter"])).toContain("unconfirmed");
    // Labdeck drops its connection: the rollback is the host's, not Labdeck's.
    ctx.rt.ssh.drop(hostId);
    await until(
      "the host to restore its rules",
      async () => ((await inNs(["iptables-save", "-t", "filter"])).includes("unconfirmed") ? undefined : true),
      30_000,
    );
    const state = await until("Labdeck to learn of the rollback", async () => {
      const s = await ctx.rollback.refreshChange(ctx.deps, res.changeId ?? "");
      return s === "rolled-back" ? s : undefined;
    });
    expect(state).toBe("rolled-back");
    const err = await errorOf(ctx.rollback.confirmChange(ctx.deps, { changeId: res.changeId ?? "" }));
    expect(err.code).toBe("CONFLICT");
  }, 60_000);

  it("flags a change made behind Labdeck's back as drift, and reverts it", async () => {
    await lab.execInNs(["ip", "link", "add", "rogue0", "type", "bridge"]);
    await lab.execInNs(["ip", "link", "set", "labbr0", "type", "bridge", "stp_state", "1"]);
    const view = await ctx.view.networkView(ctx.deps, hostId);
    const keys = view.drift.items.map((i) => `${i.change} ${i.summary}`);
    expect(keys.some((k) => k.startsWith("added") && k.includes("rogue0"))).toBe(true);
    expect(keys.some((k) => k.startsWith("changed") && k.includes("labbr0"))).toBe(true);

    const p = await ctx.view.revertPreview(ctx.deps, { hostId });
    expect(p.script).toContain("ip link del dev rogue0");
    const res = await ctx.view.revertNetwork(ctx.deps, { hostId });
    await ctx.rt.jobs.idle();
    expect((await ctx.db.job.findUniqueOrThrow({ where: { id: res.jobId ?? "" } })).status).toBe("succeeded");
    if (res.changeId && (await ctx.db.networkChange.findUniqueOrThrow({ where: { id: res.changeId } })).state === "armed") {
      await ctx.rollback.confirmChange(ctx.deps, { changeId: res.changeId });
    }
    expect(await bridgeOf("rogue0")).toBeNull();
    expect((await bridgeOf("labbr0"))?.stp).toBe(0);
    expect((await ctx.view.networkView(ctx.deps, hostId)).drift.items).toEqual([]);
  }, 60_000);

  it("adopts the host's network as the recorded topology", async () => {
    await lab.execInNs(["ip", "link", "add", "kept0", "type", "bridge"]);
    expect((await ctx.view.networkView(ctx.deps, hostId)).drift.items.length).toBeGreaterThan(0);
    await ctx.view.adoptNetwork(ctx.deps, { hostId });
    expect((await ctx.view.networkView(ctx.deps, hostId)).drift.items).toEqual([]);
  });

  it("renders persistence and writes it under the host's persistence root only", async () => {
    const p = await ctx.view.persistencePreview(ctx.deps, { hostId });
    expect(p.root).toBe(`${lab.dir}/etc-root`);
    const paths = p.files.map((f) => f.path);
    expect(paths).toContain("/etc/iptables/rules.v4");
    const interfaces = p.files.find((f) => f.path.includes("interfaces.d"));
    expect(interfaces?.content).toContain("labbr0");
    const res = await ctx.view.writePersistence(ctx.deps, { hostId });
    await ctx.rt.jobs.idle();
    expect((await ctx.db.job.findUniqueOrThrow({ where: { id: res.jobId } })).status).toBe("succeeded");
    const { readFile } = await import("node:fs/promises");
    const rules = await readFile(`${lab.dir}/etc-root/etc/iptables/rules.v4`, "utf8");
    expect(rules).toContain("MASQUERADE");
    expect((await lab.execInNs(["iptables-restore", "--test", `${lab.dir}/etc-root/etc/iptables/rules.v4`])).code).toBe(0);
  });

  it("saves the canvas layout for the whole team", async () => {
    await ctx.view.saveLayout(ctx.deps, { scope: hostId, positions: { "link:labbr0": { x: 10, y: 20 } } });
    expect((await ctx.view.networkView(ctx.deps, hostId)).layout).toEqual({ "link:labbr0": { x: 10, y: 20 } });
  });
});
