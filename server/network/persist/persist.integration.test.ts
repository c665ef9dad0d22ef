// Persistence files written to a real lab host, then used for real: iptables-restore and
// sysctl read them, and the interfaces file's commands rebuild the lab on a second,
// empty host the way ifupdown and bridge-utils would at boot. Everything is written under
// `${host.dir}/etc-root`: namespaces share the machine's filesystem, and its /etc must
// never see these files.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../../scripts/lab-host";
import { SshPool } from "../../ssh/pool";
import type { ExecResult, SshTarget } from "../../ssh/types";
import { diffNetworks } from "../drift/diff-networks";
import type { THostNetwork } from "../network-model";
import { readNetwork } from "../read-network";
import { persistencePlanSteps, underRoot } from "./persistence-steps";
import { PERSIST_PATHS, renderPersistence } from "./render-persistence";

const support = labHostsSupported();

// The lab as a team would build it with Labdeck; tap7 stands for a guest's TAP.
const LAB: string[][] = [
  ["ip", "link", "add", "br0", "type", "bridge", "stp_state", "1", "forward_delay", "250", "hello_time", "300", "max_age", "2500"],
  ["ip", "addr", "add", "192.168.2.1/24", "dev", "br0"],
  ["ip", "addr", "add", "192.168.3.1/24", "dev", "br0"],
  ["ip", "link", "set", "br0", "up"],
  ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap", "user", "nobody"],
  ["ip", "link", "set", "tap0", "master", "br0", "up"],
  ["ip", "tuntap", "add", "dev", "tap7", "mode", "tap"],
  ["ip", "link", "set", "tap7", "master", "br0"],
  ["ip", "route", "add", "10.77.0.0/16", "via", "192.168.2.254", "dev", "br0", "table", "100"],
  ["ip", "route", "add", "10.78.0.0/16", "via", "192.168.2.253", "dev", "br0", "metric", "30"],
  ["ip", "rule", "add", "pref", "1000", "from", "192.168.2.10", "lookup", "100"],
  ["ip", "rule", "add", "pref", "1100", "fwmark", "0x2", "lookup", "100"],
  ["sysctl", "-w", "net.ipv4.ip_forward=1"],
  ["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "192.168.2.0/24", "-o", "eth0", "-j", "MASQUERADE"],
  ["iptables", "-N", "LAB-IN"],
  ["iptables", "-A", "INPUT", "-i", "br+", "-j", "LAB-IN"],
  [
    "iptables",
    "-A",
    "LAB-IN",
    "-p",
    "tcp",
    "-m",
    "multiport",
    "--dports",
    "80,443",
    "-m",
    "comment",
    "--comment",
    `web for the "lab" guests`,
    "-j",
    "ACCEPT",
  ],
  ["iptables", "-A", "FORWARD", "!", "-i", "tap+", "-m", "comment", "--comment", "it's a \\ back", "-j", "LOG", "--log-prefix", "fwd: "],
  ["iptables", "-P", "FORWARD", "DROP"],
  ["iptables", "-t", "mangle", "-A", "PREROUTING", "-i", "br0", "-p", "udp", "--dport", "53", "-j", "MARK", "--set-mark", "2"],
];

describe.skipIf(!support.ok)(`persistence files on a lab host${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  const pool = new SshPool();
  let host: LabHost;
  let target: SshTarget;
  let net: THostNetwork;
  let root: string;

  async function exec(t: SshTarget, argv: string[], stdin?: string): Promise<ExecResult> {
    const r = await pool.exec(t, argv, stdin === undefined ? {} : { stdin });
    if (r.outcome !== "exited" || r.exitStatus !== 0) throw new Error(`${argv.join(" ")}: ${r.outcome} ${r.exitStatus} ${r.stderr}`);
    return r;
  }
  const read = (t: SshTarget) => readNetwork(({ argv }) => pool.exec(t, argv));

  beforeAll(async () => {
    host = await startLabHost();
    target = labHostTarget(host);
    for (const argv of LAB) await exec(target, argv);
    net = await read(target);
    root = path.join(host.dir, "etc-root");
  });

  afterAll(async () => {
    await pool.closeAll();
    await host?.stop();
  });

  it("writes every file atomically, iptables-restore and sysctl accept them, and undo restores what was there", async () => {
    const files = renderPersistence(net, { exclude: new Set(["tap7"]) });
    const rulesV4 = underRoot(root, PERSIST_PATHS.rulesV4);
    // An older rules.v4 is there before; the other files are not.
    await mkdir(path.dirname(rulesV4), { recursive: true });
    await writeFile(rulesV4, "# rules from before\n");

    const steps = persistencePlanSteps(files, { root });
    for (const s of steps) await exec(target, s.argv, s.stdin);

    for (const f of files) {
      const p = underRoot(root, f.path);
      expect((await exec(target, ["cat", p])).stdout).toBe(f.content);
      expect((await exec(target, ["stat", "-c", "%a", p])).stdout.trim()).toBe(f.mode?.replace(/^0/, ""));
    }
    const interfacesDir = path.dirname(underRoot(root, PERSIST_PATHS.interfaces));
    // No temporary copy left anywhere; a backup only where there was a file before.
    expect((await exec(target, ["ls", "-A", interfacesDir])).stdout.split("\n").filter(Boolean)).toEqual(["labdeck"]);
    expect((await exec(target, ["ls", "-A", path.dirname(rulesV4)])).stdout.split("\n").filter(Boolean).sort()).toEqual([
      ".rules.v4.labdeck-old",
      "rules.v4",
    ]);

    await exec(target, ["iptables-restore", "--test", rulesV4]);
    await exec(target, ["sysctl", "-p", underRoot(root, PERSIST_PATHS.sysctl)]);

    // netfilter-persistent at boot: an empty firewall, then the file.
    for (const t of ["filter", "nat", "mangle"]) for (const flag of ["-F", "-X"]) await exec(target, ["iptables", "-t", t, flag]);
    await exec(target, ["iptables", "-P", "FORWARD", "ACCEPT"]);
    await exec(target, ["iptables-restore", rulesV4]);
    const restored = await read(target);
    expect(diffNetworks(net, restored).filter((i) => i.kind.startsWith("iptables"))).toEqual([]);

    for (const s of [...steps].reverse()) if (s.undo) await exec(target, s.undo);
    expect((await exec(target, ["cat", rulesV4])).stdout).toBe("# rules from before\n");
    for (const p of [PERSIST_PATHS.interfaces, PERSIST_PATHS.sysctl, PERSIST_PATHS.rtTables]) {
      expect((await pool.exec(target, ["test", "-e", underRoot(root, p)])).exitStatus).toBe(1);
    }
  });

  it("the interfaces file rebuilds the lab on an empty host, as ifupdown and bridge-utils run it", async () => {
    const files = renderPersistence(net, { exclude: new Set(["tap7"]) });
    const content = (p: string) => files.find((f) => f.path === p)?.content ?? "";
    const fresh = await startLabHost();
    const freshTarget = labHostTarget(fresh);
    try {
      for (const argv of replayInterfaces(content(PERSIST_PATHS.interfaces))) await exec(freshTarget, argv);
      const dir = path.join(fresh.dir, "etc-root");
      for (const s of persistencePlanSteps(files, { root: dir })) await exec(freshTarget, s.argv, s.stdin);
      await exec(freshTarget, ["sysctl", "-p", underRoot(dir, PERSIST_PATHS.sysctl)]);
      await exec(freshTarget, ["iptables-restore", underRoot(dir, PERSIST_PATHS.rulesV4)]);

      const rebuilt = await read(freshTarget);
      // Only the harness's own uplink differs (another /30 per host): nothing of the lab.
      const drift = diffNetworks(net, rebuilt, { ignoreLinks: new Set(["tap7"]) });
      expect(drift.map((i) => i.key).sort()).toEqual(
        [
          `address eth0 ${net.links.find((l) => l.name === "eth0")?.addresses.find((a) => a.family === "inet")?.cidr}`,
          `address eth0 ${rebuilt.links.find((l) => l.name === "eth0")?.addresses.find((a) => a.family === "inet")?.cidr}`,
          "route main default",
        ].sort(),
      );
    } finally {
      pool.drop(freshTarget.hostId);
      await fresh.stop();
    }
  });
});

/**
 * The commands `ifup -a` runs for our stanzas, in file order: pre-up lines, then
 * bridge-utils' if-pre-up.d hook (brctl addbr and the bridge_* options, in the order its
 * script applies them), then the inet method (static: the address), then up lines. Each
 * line is split on spaces: the file must hold plain words only, no shell syntax.
 */
function replayInterfaces(text: string): string[][] {
  const out: string[][] = [];
  const stanzas = text.split("\n\n").filter((s) => s.startsWith("auto "));
  for (const stanza of stanzas) {
    const lines = stanza
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => !l.startsWith("#"));
    const [, name = "", , method] = (lines.find((l) => l.startsWith("iface ")) ?? "").split(" ");
    const opt = (key: string) => lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1);
    const commands = (key: string) => lines.filter((l) => l.startsWith(`${key} `)).map((l) => l.slice(key.length + 1).split(" "));
    out.push(...commands("pre-up"));
    const ports = opt("bridge_ports");
    if (ports !== undefined) {
      out.push(["brctl", "addbr", name]);
      for (const p of ports === "none" ? [] : ports.split(" ")) out.push(["brctl", "addif", name, p]);
      for (const [key, cmd] of [
        ["bridge_hello", "sethello"],
        ["bridge_maxage", "setmaxage"],
        ["bridge_stp", "stp"],
        ["bridge_fd", "setfd"],
      ] as const) {
        const v = opt(key);
        if (v !== undefined) out.push(["brctl", cmd, name, v]);
      }
      out.push(["ip", "link", "set", "dev", name, "up"]);
    }
    const address = opt("address");
    if (method === "static" && address) out.push(["ip", "addr", "add", address, "dev", name], ["ip", "link", "set", "dev", name, "up"]);
    out.push(...commands("up"));
  }
  return out;
}
