import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";
import { until } from "../test-support/waits";

// What a host and QEMU know of a running guest's addresses, on a lab host with two tiny
// guests under TCG: one on a TAP on a bridge (learned from the host's neighbour table once
// traffic flowed), one on user-mode networking with a forward (learned from QEMU's slirp
// table). Also: each person's read of a guest's host is one audit row (the preflight of a
// start, Show commands, the serial log and its search, the unmanaged-QEMU scan, the
// addresses), and the shared background refresh writes none.

let lab: LabHost;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;
const actor = { userId: null, username: "tester" };
const BRIDGE = "ldkbr7";
const TAP_IP = "10.77.0.2";

async function load() {
  const { db } = await import("../db");
  const { runtime, runtimeDeps } = await import("../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    guests: await import("./guest-service"),
    actions: await import("./guest-actions"),
    reads: await import("./guest-reads"),
    addresses: await import("./guest-addresses"),
    live: await import("./guest-addresses-live"),
  };
}

let images: string;
const kernelBoot = (ip: string, gw?: string) => ({
  kind: "kernel" as const,
  kernel: `${images}/vmlinuz`,
  initrd: `${images}/initramfs.cpio.gz`,
  append: `console=ttyS0 quiet panic=-1 labdeck.ip=${ip}${gw ? ` labdeck.gw=${gw}` : ""}`,
});
const base = { accel: "tcg" as const, machine: "pc", memoryMiB: 256, disks: [] };

/** A time after every row written so far (rows are stamped to the millisecond). */
async function mark(): Promise<Date> {
  await new Promise((r) => setTimeout(r, 5));
  const at = new Date();
  await new Promise((r) => setTimeout(r, 5));
  return at;
}

/** Audit rows of this host since `since`, oldest first. */
const rowsSince = (since: Date) => ctx.db.auditEvent.findMany({ where: { hostId, at: { gte: since } }, orderBy: { at: "asc" } });
const commandsOf = (row: { detailsJson: string | null }) =>
  ((JSON.parse(row.detailsJson ?? "{}") as { commands?: { argv: string[] }[] }).commands ?? []).map((c) => c.argv);

async function runJob(id: string, action: "start" | "force-stop") {
  const { jobId } = await ctx.actions.runGuestAction(ctx.deps, { id, action });
  await ctx.rt.jobs.idle();
  const job = await ctx.db.job.findUniqueOrThrow({ where: { id: jobId } });
  expect(job.status, job.error ?? "").toBe("succeeded");
}

let tapGuest = "";
let userGuest = "";
let tapMac = "";

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../scripts/lab-host");
  const { installTinyGuest } = await import("../../scripts/guest-image/install");
  lab = await startLabHost();
  images = `${lab.runDir}/images`;
  await installTinyGuest(lab.runDir);
  ctx = await load();
  const { addPinnedLabHost } = await import("../test-support/inventory-host");
  hostId = await addPinnedLabHost(ctx.deps, lab, "addr-host");
  for (const argv of [
    // A fixed MAC: a bridge that takes its ports' lowest MAC changes address when the TAP
    // leaves, and the kernel then flushes its neighbour table.
    ["ip", "link", "add", BRIDGE, "address", "02:00:00:77:00:01", "type", "bridge"],
    ["ip", "addr", "add", "10.77.0.1/24", "dev", BRIDGE],
    ["ip", "link", "set", BRIDGE, "up"],
    // A second port keeps the bridge's carrier up when the guest's TAP goes: with both, the
    // kernel keeps the guest's neighbour entry, the stale entry a stopped guest leaves behind.
    ["ip", "link", "add", "ldkv7a", "type", "veth", "peer", "name", "ldkv7b"],
    ["ip", "link", "set", "ldkv7b", "up"],
    ["ip", "link", "set", "ldkv7a", "master", BRIDGE, "up"],
  ]) {
    expect((await lab.execInNs(argv)).code).toBe(0);
  }
  const tap = await ctx.guests.createGuest(ctx.deps, {
    hostId,
    definition: { ...base, name: "addrtap", boot: kernelBoot(`${TAP_IP}/24`), nics: [{ network: { kind: "tap", bridge: BRIDGE } }] },
  });
  const user = await ctx.guests.createGuest(ctx.deps, {
    hostId,
    definition: {
      ...base,
      name: "addruser",
      disks: [{ kind: "new-image", path: `${images}/addruser.qcow2`, format: "qcow2", sizeBytes: 64 * 1024 * 1024 }],
      boot: kernelBoot("10.0.2.15/24", "10.0.2.2"),
      nics: [
        {
          network: { kind: "user", restrict: true, forwards: [{ proto: "tcp", hostAddress: "127.0.0.1", hostPort: 10122, guestPort: 22 }] },
        },
      ],
    },
  });
  tapGuest = tap.id;
  userGuest = user.id;
  tapMac = tap.definition.nics[0]?.mac ?? "";
}, 180_000);

afterAll(async () => {
  await ctx?.rt.ssh.closeAll();
  await lab?.stop();
});

describe("addresses learned from outside the guest", () => {
  it("a stopped guest has nothing learned, and reading that runs no command", async () => {
    const since = await mark();
    const read = await ctx.addresses.readGuestAddresses(ctx.deps, hostId);
    expect(read.guests[tapGuest]).toEqual({ running: false, nics: [], problem: null });
    expect(read.guests[userGuest]).toEqual({ running: false, nics: [], problem: null });
    expect(await rowsSince(since)).toEqual([]);
  });

  it("each start's checks are one read row, and no command row is written outside the job", async () => {
    const since = await mark();
    await runJob(tapGuest, "start");
    await runJob(userGuest, "start");
    const rows = await rowsSince(since);
    const preflight = rows.filter((r) => r.kind === "read" && r.action === "guest.preflight");
    expect(preflight).toHaveLength(2);
    expect(commandsOf(preflight[0] ?? { detailsJson: null }).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.kind === "command" && r.jobId === null)).toEqual([]);
  });

  it("the serial log, its search and the unmanaged scan are one read row each", async () => {
    await until(
      "the banners",
      async () => {
        const pages = await Promise.all([tapGuest, userGuest].map((id) => ctx.reads.serialLogPage(ctx.deps, { id })));
        return pages.every((p) => p.text.includes("labdeck tiny guest ready")) ? true : undefined;
      },
      90_000,
      1000,
    );
    const since = await mark();
    await ctx.reads.serialLogPage(ctx.deps, { id: tapGuest });
    expect((await ctx.reads.serialLogSearch(ctx.deps, { id: userGuest, term: "tiny guest ready" })).length).toBeGreaterThan(0);
    await ctx.reads.unmanagedGuests(ctx.deps, { hostId });
    const rows = await rowsSince(since);
    expect(rows.filter((r) => r.kind !== "read")).toEqual([]);
    expect(rows.map((r) => r.action).sort()).toEqual(["guest.serial-log", "guest.serial-search", "guest.unmanaged-scan"]);
    // ps, then /proc/PID/cmdline of each of the two QEMUs: in one row.
    const scan = rows.find((r) => r.action === "guest.unmanaged-scan");
    expect(commandsOf(scan ?? { detailsJson: null }).length).toBeGreaterThanOrEqual(3);
  });

  it("a TAP guest's address comes from the host's neighbour table on its bridge, by its MAC", async () => {
    await until(
      "the TAP guest answers a ping",
      async () => ((await lab.execInNs(["ping", "-c1", "-W2", TAP_IP])).code === 0 ? true : undefined),
      60_000,
      500,
    );
    const since = await mark();
    const read = await ctx.addresses.readGuestAddresses(ctx.deps, hostId);
    const nic = read.guests[tapGuest]?.nics[0];
    expect(read.guests[tapGuest]?.running).toBe(true);
    expect(nic?.addresses).toContainEqual({
      address: TAP_IP,
      family: "inet",
      how: "neighbour",
      detail: expect.stringContaining(`on ${BRIDGE}`) as unknown as string,
    });
    // The entry really is the guest's MAC on that bridge, as the host sees it.
    expect((await lab.execInNs(["ip", "neigh", "show", "dev", BRIDGE, TAP_IP])).stdout).toContain(tapMac);
    // One person's read: one row, with the neighbour read and QEMU's slirp table inside.
    const rows = await rowsSince(since);
    expect(rows.map((r) => `${r.kind} ${r.action}`)).toEqual(["read guest.addresses"]);
    const argvs = commandsOf(rows[0] ?? { detailsJson: null }).map((a) => a.join(" "));
    expect(argvs).toContain(`ip -j neigh show dev ${BRIDGE}`);
    expect(argvs.some((a) => a.startsWith("qmp ") && a.endsWith('human-monitor-command {"command-line":"info usernet"}'))).toBe(true);
  });

  it("a user-mode guest's address and forwards come from QEMU's slirp table", async () => {
    const read = await ctx.addresses.readGuestAddresses(ctx.deps, hostId);
    const nic = read.guests[userGuest]?.nics[0];
    expect(nic?.forwards).toEqual([{ proto: "tcp", hostAddress: "127.0.0.1", hostPort: 10122, guestAddress: "10.0.2.15", guestPort: 22 }]);
    expect(nic?.addresses).toEqual([{ address: "10.0.2.15", family: "inet", how: "slirp", detail: "forward target" }]);
  });

  it("the background refresh is one read per interval for every watcher, and writes no audit row", async () => {
    const live = new ctx.live.GuestAddressesLive({ db: ctx.db, ssh: ctx.rt.ssh, secret: ctx.rt.secret, intervalMs: 300 });
    const since = await mark();
    const a: import("./guest-addresses-live").GuestAddressEvent[] = [];
    const b: typeof a = [];
    const leaveA = live.subscribe(hostId, (e) => a.push(e));
    const leaveB = live.subscribe(hostId, (e) => b.push(e));
    await until("three refreshes", async () => (a.length >= 3 ? true : undefined), 30_000, 100);
    leaveA();
    leaveB();
    await live.idle();
    expect(b.length).toBe(a.length);
    expect(live.readsStarted(hostId)).toBe(a.length);
    const last = a.at(-1);
    expect(last?.reason).toBe("refreshed");
    if (last?.reason === "refreshed") expect(last.addresses.guests[tapGuest]?.nics[0]?.addresses.map((x) => x.address)).toContain(TAP_IP);
    expect(await rowsSince(since)).toEqual([]);
  });

  it("once the guests stop, their stale neighbour entries are not shown as their addresses", async () => {
    await runJob(tapGuest, "force-stop");
    await runJob(userGuest, "force-stop");
    expect((await lab.execInNs(["ip", "neigh", "show", "dev", BRIDGE, TAP_IP])).stdout).toContain(tapMac);
    const read = await ctx.addresses.readGuestAddresses(ctx.deps, hostId);
    expect(read.guests[tapGuest]).toEqual({ running: false, nics: [], problem: null });
    expect(read.guests[userGuest]).toEqual({ running: false, nics: [], problem: null });
  });

  it("Show commands of a start is one read row with its checks inside", async () => {
    const since = await mark();
    await ctx.actions.previewGuestAction(ctx.deps, { id: userGuest, action: "start" });
    const rows = await rowsSince(since);
    expect(rows.map((r) => `${r.kind} ${r.action}`)).toEqual(["read guest.preview"]);
    // ls of the image the start would create, then qemu-img info of it, now that it exists.
    expect(commandsOf(rows[0] ?? { detailsJson: null }).map((a) => a[0])).toEqual(["ls", "qemu-img"]);
  });
});
