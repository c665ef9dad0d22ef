// Benchmark: learning two running guests' addresses through Labdeck, beside what a user
// does by hand, in one run. Run as root: `npx tsx bench/guest-addresses.ts [--n 30]`.
// A lab host runs two tiny guests under TCG: one on a TAP on a bridge (pinged once, so the
// host's neighbour table knows it), one on user-mode networking with a forward. Then:
//   labdeck = readHostAddresses: a QMP channel per guest (info usernet / query-status) and
//             `ip -j neigh show dev BRIDGE` over the pooled SshPool connection, parsed
//             (what the shared background refresh does once per host per interval)
//   by hand = OpenSSH with a ControlMaster: `ip -j neigh show dev BRIDGE`, then the QMP
//             handshake and `info usernet` piped through socat to the guest's monitor
// The two are interleaved so background load hits both alike.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { labHostsSupported, startLabHost } from "../scripts/lab-host";
import { installTinyGuest } from "../scripts/guest-image/install";
import { useTempDataDir } from "../server/test-support/temp-data";
import { fmt, openSshArgs, summarize } from "./support";

const BRIDGE = "ldkbrb";

function sshOut(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`ssh exited ${code}: ${err}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { n: { type: "string", default: "30" } } });
  const n = Number(values.n);
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`needs lab hosts: ${support.reason}`);
  const data = await useTempDataDir("labdeck-bench-");
  const lab = await startLabHost({ name: `bench${process.pid}` });
  const dir = await mkdtemp(path.join(tmpdir(), "labdeck-bench-"));
  const { runtime, runtimeDeps } = await import("../server/test-support/runtime");
  const rt = runtime();
  try {
    await installTinyGuest(lab.runDir);
    const deps = runtimeDeps(rt, { userId: null, username: "bench" });
    const { addPinnedLabHost } = await import("../server/test-support/inventory-host");
    const hostId = await addPinnedLabHost(deps, lab, "bench-host");
    for (const argv of [
      ["ip", "link", "add", BRIDGE, "type", "bridge"],
      ["ip", "addr", "add", "10.79.0.1/24", "dev", BRIDGE],
      ["ip", "link", "set", BRIDGE, "up"],
    ])
      await lab.execInNs(argv);
    const guests = await import("../server/services/guest-service");
    const actions = await import("../server/services/guest-actions");
    const images = `${lab.runDir}/images`;
    const boot = (ip: string) => ({
      kind: "kernel" as const,
      kernel: `${images}/vmlinuz`,
      initrd: `${images}/initramfs.cpio.gz`,
      append: `console=ttyS0 quiet panic=-1 labdeck.ip=${ip}`,
    });
    const base = { accel: "tcg" as const, machine: "pc", memoryMiB: 256 };
    const tap = await guests.createGuest(deps, {
      hostId,
      definition: { ...base, name: "bencht", boot: boot("10.79.0.2/24"), nics: [{ network: { kind: "tap", bridge: BRIDGE } }] },
    });
    const user = await guests.createGuest(deps, {
      hostId,
      definition: {
        ...base,
        name: "benchu",
        boot: boot("10.0.2.15/24"),
        nics: [
          {
            network: {
              kind: "user",
              restrict: true,
              forwards: [{ proto: "tcp", hostAddress: "127.0.0.1", hostPort: 10222, guestPort: 22 }],
            },
          },
        ],
      },
    });
    for (const g of [tap, user]) await actions.runGuestAction(deps, { id: g.id, action: "start" });
    await rt.jobs.idle();
    for (let i = 0; i < 60 && (await lab.execInNs(["ping", "-c1", "-W1", "10.79.0.2"])).code !== 0; i++);

    const { readHostAddresses } = await import("../server/services/guest-addresses");
    const sshArgs = await openSshArgs(lab, dir);
    const socket = `${lab.runDir}/guests/benchu/qmp.sock`;
    const qmp = `printf '%s\\n' '{"execute":"qmp_capabilities"}' '{"execute":"human-monitor-command","arguments":{"command-line":"info usernet"}}' | socat -t1 - UNIX-CONNECT:${socket}`;
    const first = await readHostAddresses(deps, hostId);
    const learned = [tap.id, user.id].map((id) => first.guests[id]?.nics[0]?.addresses.map((a) => a.address).join(",") ?? "none");
    const ours: number[] = [];
    const hand: number[] = [];
    for (let i = 0; i < n; i++) {
      let t = performance.now();
      await readHostAddresses(deps, hostId);
      ours.push(performance.now() - t);
      t = performance.now();
      await sshOut([...sshArgs, "ip", "-j", "neigh", "show", "dev", BRIDGE]);
      await sshOut([...sshArgs, qmp]);
      hand.push(performance.now() - t);
    }
    const a = summarize(ours);
    const b = summarize(hand);
    console.log(`learned: TAP guest ${learned[0]}, user-net guest ${learned[1]}`);
    console.log(`labdeck readHostAddresses (2 guests, n=${n}): ${fmt(a)}`);
    console.log(`by hand, ssh+ControlMaster ip neigh + socat QMP (n=${n}): ${fmt(b)}`);
    console.log(`ratio by hand / labdeck p50: ${(b.p50 / a.p50).toFixed(1)}x`);
    for (const g of [tap, user]) await actions.runGuestAction(deps, { id: g.id, action: "force-stop" });
    await rt.jobs.idle();
  } finally {
    await rt.ssh.closeAll();
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(data, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
