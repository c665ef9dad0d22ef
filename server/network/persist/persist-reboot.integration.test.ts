// The persistence files proved the only way that counts: on the tier-2 Debian lab VM, a
// lab is built with Labdeck's own plans, the rendered files are written to the real /etc
// (the VM is disposable; its overlay is discarded), the VM reboots, and the host that
// comes back has the same bridge, ports, addresses, NAT, forwarding, table names, routes
// and rules. At boot they are loaded the way a Debian host does it (the recipe installs
// them): networking.service runs `ifup -a` over interfaces.d/labdeck (bridge-utils'
// hook handles bridge_ports), netfilter-persistent restores rules.v4, systemd-sysctl
// reads sysctl.d, iproute2 reads rt_tables.d.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labVmsSupported, startLabVm, type LabVm } from "../../../scripts/lab-vm";
import { SshPool } from "../../ssh/pool";
import type { SshTarget } from "../../ssh/types";
import { diffNetworks } from "../drift/diff-networks";
import type { THostNetwork } from "../network-model";
import { ZNetOp, type TNetOpInput } from "../ops";
import { buildNetworkPlan } from "../plan/build-plan";
import { readNetwork } from "../read-network";
import { RT_TABLES_FILE } from "../read-commands";
import { persistencePlanSteps } from "./persistence-steps";
import { renderPersistence } from "./render-persistence";

const support = labVmsSupported();
const BOOT_TIMEOUT_MS = 4 * 60_000;

describe.skipIf(!support.ok)(`persistence files across a reboot of the lab VM${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let vm: LabVm;
  let target: SshTarget;
  const pool = new SshPool();

  async function exec(argv: string[], stdin?: string) {
    const r = await pool.exec(target, argv, stdin === undefined ? {} : { stdin });
    if (r.outcome !== "exited" || r.exitStatus !== 0) throw new Error(`${argv.join(" ")}: ${r.outcome} ${r.exitStatus} ${r.stderr}`);
    return r;
  }
  const read = () => readNetwork(({ argv }) => pool.exec(target, argv), { rtTablesFile: RT_TABLES_FILE });

  beforeAll(async () => {
    vm = await startLabVm({ name: `persist-reboot-${process.pid}`, lvmDiskBytes: 64 * 2 ** 20 });
    target = vm.target();
  }, BOOT_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await pool.closeAll();
    await vm?.stop();
  }, 60_000);

  it(
    "brings back the same bridge, TAP ports, addresses, NAT, forwarding, tables, routes and rules",
    async () => {
      const before = await read();
      const uplink = before.ssh?.interface;
      if (!uplink) throw new Error("no SSH interface read on the VM");
      const ops: TNetOpInput[] = [
        { op: "tap.create", name: "labtap0", user: "nobody" },
        { op: "bridge.create", name: "labbr0", stp: true, forwardDelayCs: 400, helloTimeCs: 100, maxAgeCs: 1200 },
        { op: "address.add", dev: "labbr0", cidr: "10.77.0.1/24" },
        { op: "port.attach", port: "labtap0", bridge: "labbr0" },
        { op: "tap.create", name: "labtap1", bridge: "labbr0" },
        { op: "forward.set", enabled: true },
        { op: "nat.add", source: "10.77.0.0/24", outInterface: uplink },
        { op: "rttable.add", id: 120, name: "lab" },
        { op: "route.add", table: "lab", dst: "default", via: "10.77.0.254" },
        { op: "iprule.add", priority: 2000, from: "10.77.0.0/24", table: "lab" },
      ];
      const plan = buildNetworkPlan(
        before,
        ops.map((o) => ZNetOp.parse(o)),
        { workDir: `${vm.runDir}/network/reboot-test`, rtTablesFile: RT_TABLES_FILE },
      );
      for (const s of plan.steps) await exec(s.argv, s.stdin ?? undefined);
      const applied = await read();

      for (const s of persistencePlanSteps(renderPersistence(applied), { root: "/" })) await exec(s.argv, s.stdin ?? undefined);

      // The connection dies with the reboot; the pool must not reuse it.
      await pool.exec(target, ["systemctl", "reboot"]).catch(() => undefined);
      pool.drop(target.hostId);
      const after = await waitForHost(() => read(), BOOT_TIMEOUT_MS);

      const lab = (n: THostNetwork) => ({
        bridge: n.links.find((l) => l.name === "labbr0")?.bridge,
        ports: n.links
          .filter((l) => l.master === "labbr0")
          .map((l) => l.name)
          .sort(),
        addresses: n.links
          .find((l) => l.name === "labbr0")
          ?.addresses.filter((a) => a.family === "inet")
          .map((a) => a.cidr),
        owner: n.links.find((l) => l.name === "labtap0")?.tun?.user,
        forward: n.ipForward,
        tables: n.rtTables.filter((t) => t.id === 120),
        routes: n.routes.filter((r) => r.tableId === 120).map((r) => `${r.dst} via ${r.gateway}`),
        rules: n.rules.filter((r) => r.priority === 2000).map((r) => `${r.from} lookup ${r.table}`),
      });
      expect(lab(applied)).toMatchObject({
        ports: ["labtap0", "labtap1"],
        addresses: ["10.77.0.1/24"],
        forward: true,
        routes: ["default via 10.77.0.254"],
        rules: ["10.77.0.0/24 lookup lab"],
      });
      expect(lab(after)).toEqual(lab(applied));
      // Everything else the drift view compares (NAT, FORWARD pair, every link) came back too.
      const drift = diffNetworks(applied, after).filter((i) => !(i.kind === "iptables-rule" && /counters/.test(i.summary)));
      expect(drift.map((i) => i.summary)).toEqual([]);
    },
    BOOT_TIMEOUT_MS + 60_000,
  );
});

/** Retries `read` until the rebooted VM answers (sshd is up only once the boot is far along). */
async function waitForHost<T>(read: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // Give the old system time to go down, so the first answer is from the new boot.
  await new Promise((r) => setTimeout(r, 5000));
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
