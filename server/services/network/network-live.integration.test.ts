import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../../scripts/lab-host";
import { useTempDataDir } from "../../test-support/temp-data";
import { until } from "../../test-support/waits";
import type { NetworkLive, NetworkLiveEvent } from "./network-live";

// What the audit log and the host see of the network pages, on a real lab host. The host's
// own sshd log counts what ran there ("Starting session: command …", one line per exec
// channel), independently of Labdeck: a person's read is one audit row holding every
// command the host saw; two pages watching one host cost it one read per interval, with
// no audit row per command; a routing-table file that is absent is "absent", not failed;
// a change made behind Labdeck's back earns one summary row.

let lab: LabHost;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;
const actor = { userId: null, username: "tester" };
const INTERVAL_MS = 500;

async function load() {
  const { db } = await import("../../db");
  const { runtime, runtimeDeps } = await import("../../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    view: await import("./network-view"),
    live: await import("./network-live"),
  };
}

/** Exec channels the host's sshd has started so far. */
async function hostCommands(): Promise<number> {
  return (await lab.sshdLog()).split("\n").filter((l) => l.includes("Starting session: command")).length;
}

async function settledCommands(): Promise<number> {
  // sshd writes its log line as the channel opens; give the last ones a moment to land.
  let last = -1;
  for (;;) {
    const now = await hostCommands();
    if (now === last) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 150));
  }
}

const auditRows = (where: Record<string, unknown> = {}) =>
  ctx.db.auditEvent.findMany({ where: { hostId, ...where }, orderBy: { at: "asc" } });

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../../scripts/lab-host");
  lab = await startLabHost();
  ctx = await load();
  const { addPinnedLabHost } = await import("../../test-support/inventory-host");
  hostId = await addPinnedLabHost(ctx.deps, lab, "live-host");
}, 60_000);

afterAll(async () => {
  await ctx?.rt.ssh.closeAll();
  await lab?.stop();
});

describe("network reads in the audit log", () => {
  it("a person's read of the network page is one audit row holding every command the host ran", async () => {
    // Warm the pooled connection so the count below holds only the read's own commands.
    await ctx.view.networkView(ctx.deps, hostId);
    await ctx.db.auditEvent.deleteMany({ where: { hostId } });
    const before = await settledCommands();
    await ctx.view.networkView(ctx.deps, hostId);
    const ran = (await settledCommands()) - before;

    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ kind: "read", action: "network.read", username: "tester", argvJson: null });
    const commands = (
      JSON.parse(row.detailsJson ?? "{}") as {
        commands: { argv: string[]; outcome: string; exitStatus: number | null; output: string; durationMs: number }[];
      }
    ).commands;
    expect(ran).toBeGreaterThanOrEqual(11);
    expect(commands).toHaveLength(ran);
    expect(commands.map((c) => c.argv.join(" "))).toEqual(
      expect.arrayContaining(["ip -j -d link show", "iptables-save -c", "cat /proc/sys/net/ipv4/ip_forward"]),
    );
    expect(commands.find((c) => c.argv[0] === "iptables-save")).toMatchObject({ outcome: "ok", exitStatus: 0 });
    // A short excerpt of what each command printed travels with it.
    expect(commands.find((c) => c.argv.join(" ") === "ip -j -d link show")?.output).toContain('"ifname":"eth0"');
    expect(commands.every((c) => c.output.length <= 700)).toBe(true);
    // Every command line is searchable.
    expect(row.commandText).toContain("iptables-save -c");
    const { queryAudit } = await import("../audit-query");
    const found = await queryAudit(ctx.db, { hostId, command: "iptables-save" });
    expect(found.items.map((i) => i.id)).toEqual([row.id]);
    expect(found.items[0]?.commands).toHaveLength(ran);
    expect((await queryAudit(ctx.db, { hostId, command: "no-such-command-anywhere" })).items).toHaveLength(0);
  });

  it("a routing-table file the host does not have is absent in the audit, not failed", async () => {
    const file = `${lab.dir}/etc-root/etc/iproute2/rt_tables.d/labdeck.conf`;
    expect((await lab.execInNs(["test", "-e", file])).code).not.toBe(0);
    await ctx.db.auditEvent.deleteMany({ where: { hostId } });
    await ctx.view.networkView(ctx.deps, hostId);
    const [row] = await auditRows();
    expect(row?.outcome).toBe("ok");
    const commands = (
      JSON.parse(row?.detailsJson ?? "{}") as { commands: { argv: string[]; outcome: string; exitStatus: number | null; note?: string }[] }
    ).commands;
    const cat = commands.find((c) => c.argv[0] === "cat" && c.argv[1] === file);
    expect(cat).toMatchObject({ outcome: "absent", exitStatus: 1 });
    expect(cat?.note).toMatch(/optional/);
    expect(commands.some((c) => c.outcome === "failed")).toBe(false);
    const { queryAudit } = await import("../audit-query");
    expect((await queryAudit(ctx.db, { hostId, failedOnly: true })).items).toHaveLength(0);
  });
});

describe("the shared background refresh", () => {
  let live: NetworkLive;
  beforeAll(() => {
    live = new ctx.live.NetworkLive({
      db: ctx.db,
      ssh: ctx.rt.ssh,
      secret: ctx.rt.secret,
      networkBus: ctx.rt.networkBus,
      intervalMs: INTERVAL_MS,
    });
  });
  afterAll(() => live?.close());

  it("reads the host once per interval for two watching pages, with no audit row per command", async () => {
    await ctx.view.networkView(ctx.deps, hostId);
    const perRead = await (async () => {
      const b = await settledCommands();
      await ctx.view.networkView(ctx.deps, hostId);
      return (await settledCommands()) - b;
    })();
    await ctx.db.auditEvent.deleteMany({ where: { hostId } });
    const before = await settledCommands();
    const seen: [NetworkLiveEvent[], NetworkLiveEvent[]] = [[], []];
    const started = Date.now();
    const leave = seen.map((list) => live.subscribe(hostId, (e) => list.push(e)));
    await until("four refreshes on both pages", async () => (seen[0].length >= 4 && seen[1].length >= 4 ? true : undefined), 30_000, 20);
    const elapsed = Date.now() - started;
    for (const l of leave) l();
    await live.idle();
    const ran = (await settledCommands()) - before;

    const reads = live.readsStarted(hostId);
    expect(reads).toBeGreaterThanOrEqual(4);
    // One read per interval at most (the next is scheduled when one ends), whoever watches.
    expect(reads).toBeLessThanOrEqual(Math.floor(elapsed / INTERVAL_MS) + 1);
    // The host saw exactly those reads: not one per page.
    expect(ran).toBe(reads * perRead);
    // Both pages got every read, the very same views.
    expect(seen[0].every((e) => e.reason === "refreshed")).toBe(true);
    expect(seen[1].map((e) => e.at)).toEqual(seen[0].map((e) => e.at));
    expect(seen[0].length).toBe(reads);
    // Nothing changed on the host, so nothing was worth a row.
    expect(await auditRows()).toHaveLength(0);
    // Nobody watches: the refresh stopped.
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 3));
    expect(live.readsStarted(hostId)).toBe(reads);
  }, 60_000);

  it("writes one summary row when the network changes behind Labdeck's back, and none while it stays so", async () => {
    await ctx.db.auditEvent.deleteMany({ where: { hostId } });
    const events: NetworkLiveEvent[] = [];
    const leave = live.subscribe(hostId, (e) => events.push(e));
    try {
      await until("a first refresh", async () => (events.length >= 1 ? true : undefined), 20_000, 20);
      await lab.execInNs(["ip", "link", "add", "name", "sneaky0", "type", "bridge"]);
      const seenAt = events.length;
      const sawIt = () =>
        events.slice(seenAt).some((e) => e.reason === "refreshed" && e.view.network.links.some((l) => l.name === "sneaky0"));
      await until("a refresh that shows the new bridge", async () => (sawIt() ? true : undefined), 20_000, 20);
      const n = events.length;
      await until("two more refreshes", async () => (events.length >= n + 2 ? true : undefined), 20_000, 20);
    } finally {
      leave();
      await live.idle();
      await lab.execInNs(["ip", "link", "del", "sneaky0"]);
    }
    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "read", action: "network.refresh", username: "labdeck", outcome: "ok" });
    const details = JSON.parse(rows[0]?.detailsJson ?? "{}") as { background: string; changes: string[]; commands: unknown[] };
    expect(details.background).toBe("changed");
    expect(details.changes.join("\n")).toContain("sneaky0");
    expect(details.commands.length).toBeGreaterThanOrEqual(11);
  }, 60_000);
});
