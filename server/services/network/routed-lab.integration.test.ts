import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../../scripts/lab-host";
import type { TNetOpInput } from "../../network/ops";
import { useTempDataDir } from "../../test-support/temp-data";
import { until } from "../../test-support/waits";

// A routed lab built from scratch the way the editor builds it: a bridge 192.168.2.1/24,
// two tiny guests dragged onto it (their TAPs are made when they start), MASQUERADE out
// of the uplink with ip_forward on, and a DNAT port forward. The guests answer on their
// consoles (ping each other, the bridge, and the machine beyond the uplink through NAT),
// and a TCP connection from outside the host reaches a guest's service.

let lab: LabHost;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;
let images: string;
const actor = { userId: null, username: "tester" };
const GREETING = "hello from labdeck tiny guest";

async function load() {
  const { db } = await import("../../db");
  const { runtime, runtimeDeps } = await import("../../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    guests: await import("../guest-service"),
    actions: await import("../guest-actions"),
    change: await import("./network-change"),
    rollback: await import("./network-rollback"),
  };
}

/** Types a line into a guest's serial console over SSH and waits for `expected`. */
async function consoleRun(socket: string, line: string, expected: string, ms = 20_000): Promise<void> {
  const { hostTarget } = await import("../host-target");
  const stream = await ctx.rt.ssh.openStreamLocal(await hostTarget(ctx.db, ctx.rt.secret, hostId), socket);
  let seen = "";
  stream.on("data", (c: Buffer) => (seen += c.toString("utf8")));
  try {
    stream.write(`${line}\n`);
    await until(`"${expected}" on the console`, async () => (seen.includes(expected) ? true : undefined), ms);
  } finally {
    stream.destroy();
  }
}

/** One line from a TCP service, opened from the test machine: outside the lab host. */
function readBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let got = "";
    sock.setTimeout(5000, () => sock.destroy(new Error("timeout")));
    sock.on("data", (c) => {
      got += c.toString("utf8");
      if (got.includes("\n")) {
        sock.destroy();
        resolve(got);
      }
    });
    sock.on("error", reject);
    sock.on("close", () => resolve(got));
  });
}

const guestDef = (name: string) => ({
  name,
  accel: "tcg" as const,
  machine: "pc",
  memoryMiB: 256,
  boot: {
    kind: "kernel" as const,
    kernel: `${images}/vmlinuz`,
    initrd: `${images}/initramfs.cpio.gz`,
    append: `console=ttyS0 quiet panic=-1 labdeck.ip=192.168.2.${name === "lab-a" ? 10 : 11}/24 labdeck.gw=192.168.2.1`,
  },
  nics: [{ model: "virtio" as const, network: { kind: "user" as const, forwards: [] } }],
});

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../../scripts/lab-host");
  const { installTinyGuest } = await import("../../../scripts/guest-image/install");
  lab = await startLabHost();
  images = `${lab.runDir}/images`;
  await installTinyGuest(lab.runDir);
  ctx = await load();
  const { addPinnedLabHost } = await import("../../test-support/inventory-host");
  hostId = await addPinnedLabHost(ctx.deps, lab, "routed-lab");
}, 120_000);

afterAll(async () => {
  await ctx?.rt.ssh.closeAll();
  await lab?.stop();
});

describe("a routed lab built from scratch", () => {
  it("bridge, two guests, NAT and a port forward: the guests talk, and the outside reaches a guest", async () => {
    const a = await ctx.guests.createGuest(ctx.deps, { hostId, definition: guestDef("lab-a") });
    const b = await ctx.guests.createGuest(ctx.deps, { hostId, definition: guestDef("lab-b") });

    const ops: TNetOpInput[] = [
      { op: "bridge.create", name: "labbr0", stp: false },
      { op: "address.add", dev: "labbr0", cidr: "192.168.2.1/24" },
      { op: "forward.set", enabled: true },
      { op: "nat.add", source: "192.168.2.0/24", outInterface: "eth0" },
      { op: "portforward.add", protocol: "tcp", hostPort: 8022, inInterface: "eth0", toAddress: "192.168.2.10", toPort: 22 },
    ];
    const guestLinks = [
      { guestId: a.id, nic: 0, bridge: "labbr0" },
      { guestId: b.id, nic: 0, bridge: "labbr0" },
    ];
    const res = await ctx.change.runChange(ctx.deps, { hostId, ops: ops as never, guestLinks });
    await ctx.rt.jobs.idle();
    expect((await ctx.db.job.findUniqueOrThrow({ where: { id: res.jobId ?? "" } })).status).toBe("succeeded");
    await ctx.rollback.confirmChange(ctx.deps, { changeId: res.changeId ?? "" });
    expect((await ctx.guests.getGuest(ctx.db, a.id)).definition.nics[0]?.network).toEqual({ kind: "tap", bridge: "labbr0" });

    for (const g of [a, b]) {
      const { jobId } = await ctx.actions.runGuestAction(ctx.deps, { id: g.id, action: "start" });
      await ctx.rt.jobs.idle();
      expect((await ctx.db.job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("succeeded");
    }
    const ports = JSON.parse((await lab.execInNs(["bridge", "-j", "link", "show"])).stdout) as { ifname: string; master?: string }[];
    expect(ports.filter((p) => p.master === "labbr0")).toHaveLength(2);

    const { guestRunFiles } = await import("../../hypervisors/qemu/guest-definition");
    const sockA = guestRunFiles(lab.runDir, "lab-a").serialSocket;
    const sockB = guestRunFiles(lab.runDir, "lab-b").serialSocket;
    await until("lab-a's banner", async () =>
      (await lab.execInNs(["cat", guestRunFiles(lab.runDir, "lab-a").serialLog])).stdout.includes("labdeck tiny guest ready")
        ? true
        : undefined,
    );
    await until("lab-b's banner", async () =>
      (await lab.execInNs(["cat", guestRunFiles(lab.runDir, "lab-b").serialLog])).stdout.includes("labdeck tiny guest ready")
        ? true
        : undefined,
    );

    await consoleRun(sockA, "ping -c1 -W5 192.168.2.11 >/dev/null && echo a-to-b-$((1+1))", "a-to-b-2");
    await consoleRun(sockB, "ping -c1 -W5 192.168.2.10 >/dev/null && echo b-to-a-$((2+1))", "b-to-a-3");
    await consoleRun(sockB, "ping -c1 -W5 192.168.2.1 >/dev/null && echo b-to-br-$((3+1))", "b-to-br-4");
    // The machine beyond the uplink has no route to 192.168.2.0/24: only MASQUERADE brings the answer back.
    await consoleRun(sockA, `ping -c1 -W5 ${lab.gateway} >/dev/null && echo nat-ok-$((4+1))`, "nat-ok-5");

    const banner = await until("the DNAT port forward to answer", async () => {
      const line = await readBanner(lab.address, 8022).catch(() => "");
      return line.includes(GREETING) ? line : undefined;
    });
    expect(banner).toContain(GREETING);
  }, 180_000);
});
