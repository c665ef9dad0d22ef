import { copyFile, mkdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../../scripts/lab-host";
import type { SshPool } from "../../ssh/pool";
import type { SshTarget } from "../../ssh/types";
import { guestRunFiles, ZGuestDefinition, type GuestRunFiles, type TGuestDefinitionInput } from "./guest-definition";
import { planDeleteGuest, planForceStop, planShutdownGuest, planStartGuest, tapCleanupSteps, tapNameFor } from "./guest-plans";
import type { GuestPlan } from "../contract";
import { normaliseGuestState, parsePidfileCheck, pidfileCheckArgv } from "./guest-state";
import { fillMacs } from "./mac";
import { connectQmp, type QmpStatus } from "./qmp";
import { until } from "../../test-support/waits";

// QEMU guests on a real host (sshd in a network namespace) booting the tiny guest under
// TCG: plans run step by step through the SSH pool, QMP and the serial console through
// streamlocal channels, exactly as the job runner and console gateway will.

const supported = process.platform === "linux" && process.getuid?.() === 0;
const BANNER = "labdeck tiny guest ready";
const GREETING = "hello from labdeck tiny guest";

let lab: LabHost;
let pool: SshPool;
let target: SshTarget;
let images: string;
let kernel: string;
let initrd: string;
const timings: Record<string, number> = {};

async function runPlan(plan: GuestPlan): Promise<void> {
  for (const step of plan.steps) {
    if (step.qmp !== undefined) {
      const call = step.qmp;
      const send = async () => {
        const qmp = await connectQmp(await pool.openStreamLocal(target, call.socket));
        try {
          await qmp.execute(call.execute, call.arguments);
        } finally {
          qmp.close();
        }
      };
      if (step.bestEffort) await send().catch(() => undefined);
      else await send();
      continue;
    }
    const r = await pool.exec(target, step.argv, { timeoutMs: step.timeoutMs ?? 15_000 });
    const ok = r.exitStatus === 0 || (r.exitStatus !== null && (step.okExitStatuses ?? []).includes(r.exitStatus));
    expect({ argv: step.argv, ok, stderr: r.stderr }).toMatchObject({ ok: true });
  }
}

async function guestState(files: GuestRunFiles) {
  const alive = parsePidfileCheck(await pool.exec(target, pidfileCheckArgv(files))).alive;
  let qmpStatus: string | null = null;
  try {
    const qmp = await connectQmp(await pool.openStreamLocal(target, files.qmpSocket), { timeoutMs: 3000 });
    qmpStatus = (await qmp.execute<QmpStatus>("query-status")).status;
    qmp.close();
  } catch {
    qmpStatus = null;
  }
  return normaliseGuestState({ pidfileAlive: alive, qmpStatus });
}

const serialLog = (files: GuestRunFiles) => readFile(files.serialLog, "utf8").catch(() => "");

/** Types a line into the serial console and waits for `expected` in what comes back. */
async function consoleRun(files: GuestRunFiles, line: string, expected: string, timeoutMs = 15_000): Promise<string> {
  const stream = await pool.openStreamLocal(target, files.serialSocket);
  let seen = "";
  stream.on("data", (c: Buffer) => (seen += c.toString("utf8")));
  try {
    stream.write(`${line}\n`);
    return await until(`"${expected}" on the console`, async () => (seen.includes(expected) ? seen : undefined), timeoutMs);
  } finally {
    stream.destroy();
  }
}

async function startGuest(input: TGuestDefinitionInput, imagesToCreate: number[] = []) {
  const def = ZGuestDefinition.parse(input);
  const files = guestRunFiles(lab.runDir, def.name);
  const taps = def.nics.flatMap((n, i) => (n.network.kind === "tap" ? [tapNameFor(def.name, i)] : []));
  const plan = planStartGuest({ def, files, accel: "tcg", macs: fillMacs(def.nics, []), taps, roots: [lab.runDir], imagesToCreate });
  const started = Date.now();
  await runPlan(plan);
  await until("the banner", async () => ((await serialLog(files)).includes(BANNER) ? true : undefined), 30_000);
  timings[`${def.name}: start plan to banner (ms)`] = Date.now() - started;
  return { def, files, taps };
}

const tinyBoot = (extra: string) => ({
  kind: "kernel" as const,
  kernel: kernel,
  initrd: initrd,
  append: `console=ttyS0 quiet panic=-1 ${extra}`,
});

beforeAll(async () => {
  if (!supported) return;
  const { ensureTinyGuest } = await import("../../../scripts/guest-image/tiny-guest");
  const { startLabHost, labHostTarget } = await import("../../../scripts/lab-host");
  const { SshPool } = await import("../../ssh/pool");
  const tiny = await ensureTinyGuest();
  lab = await startLabHost();
  pool = new SshPool();
  target = labHostTarget(lab);
  // The host's roots are its run directory: the images must be copied under it.
  images = `${lab.runDir}/images`;
  await mkdir(images, { recursive: true });
  kernel = `${images}/vmlinuz`;
  initrd = `${images}/initramfs.cpio.gz`;
  await Promise.all([copyFile(tiny.kernel, kernel), copyFile(tiny.initrd, initrd)]);
}, 120_000);

afterAll(async () => {
  if (process.env.LABDECK_TIMINGS) process.stderr.write(`${JSON.stringify(timings, null, 2)}\n`);
  await pool?.closeAll();
  await lab?.stop();
});

describe.skipIf(!supported)("QEMU guests on a lab host", () => {
  it("boots with a TAP on a bridge, answers QMP and the console, pings the bridge, powers off by ACPI", async () => {
    for (const argv of [
      ["ip", "link", "add", "br0", "type", "bridge"],
      ["ip", "addr", "add", "192.168.77.1/24", "dev", "br0"],
      ["ip", "link", "set", "br0", "up"],
    ]) {
      expect((await lab.execInNs(argv)).code).toBe(0);
    }
    const g = await startGuest({
      name: "tg-tap",
      machine: "pc",
      memoryMiB: 256,
      boot: tinyBoot("labdeck.ip=192.168.77.10/24"),
      nics: [{ network: { kind: "tap", bridge: "br0" } }],
    });
    expect(await guestState(g.files)).toBe("running");

    const qmp = await connectQmp(await pool.openStreamLocal(target, g.files.qmpSocket));
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await qmp.execute("query-status");
    timings["QMP query-status round trip over SSH (ms, mean of 20)"] = (performance.now() - t0) / 20;
    qmp.close();

    const a = Math.floor(Math.random() * 1000);
    await consoleRun(g.files, `echo hi-$((${a}+1))`, `hi-${a + 1}`);
    await consoleRun(g.files, "ping -c1 -W5 192.168.77.1 >/dev/null && echo ping-ok-$((40+2))", "ping-ok-42");

    const off = Date.now();
    await runPlan(planShutdownGuest({ name: g.def.name, files: g.files }));
    await until(
      "QEMU to exit",
      async () => (parsePidfileCheck(await pool.exec(target, pidfileCheckArgv(g.files))).alive === false ? true : undefined),
      20_000,
    );
    timings["system_powerdown to QEMU gone (ms)"] = Date.now() - off;
    expect(await guestState(g.files)).toBe("shut-off");

    await runPlan({ title: "tap cleanup", steps: tapCleanupSteps(g.taps) });
    expect((await lab.execInNs(["ip", "link", "show", g.taps[0] as string])).code).not.toBe(0);
    await runPlan(planDeleteGuest({ name: g.def.name, files: g.files, roots: [lab.runDir], removeImages: [] }));
    expect((await lab.execInNs(["test", "-e", g.files.dir])).code).not.toBe(0);
  });

  it("forwards a user-mode port to the guest's service, force stops by pidfile, deletes with its image", async () => {
    const disk = `${lab.runDir}/images/tg-user.qcow2`;
    const g = await startGuest(
      {
        name: "tg-user",
        machine: "pc",
        memoryMiB: 256,
        disks: [{ kind: "new-image", path: disk, format: "qcow2", sizeBytes: 16 * 2 ** 20 }],
        boot: tinyBoot("labdeck.ip=10.0.2.15/24 labdeck.gw=10.0.2.2"),
        nics: [{ model: "virtio", network: { kind: "user", forwards: [{ hostAddress: "127.0.0.1", hostPort: 10022, guestPort: 22 }] } }],
      },
      [0],
    );
    expect(await guestState(g.files)).toBe("running");
    const greeting = await until(
      "the forwarded service",
      async () => {
        const r = await lab.execInNs(["socat", "-T5", "-u", "TCP:127.0.0.1:10022", "STDOUT"]);
        return r.stdout.includes(GREETING) ? r.stdout : undefined;
      },
      15_000,
    );
    expect(greeting).toContain(GREETING);

    // The kill half of a force stop, as for a QEMU whose monitor does not answer: a killed
    // QEMU leaves its pidfile behind, and -L still reads it as gone.
    const forceStop = planForceStop({ name: g.def.name, files: g.files, taps: [] });
    await runPlan({ ...forceStop, steps: forceStop.steps.filter((st) => st.qmp === undefined) });
    await until("QEMU to die", async () => ((await guestState(g.files)) === "shut-off" ? true : undefined), 10_000);
    expect((await lab.execInNs(["test", "-e", g.files.pidfile])).code).toBe(0);
    // The whole force stop on a guest already gone still succeeds: nothing left to stop.
    await runPlan(forceStop);

    await runPlan(planDeleteGuest({ name: g.def.name, files: g.files, roots: [lab.runDir], removeImages: [disk] }));
    expect((await lab.execInNs(["test", "-e", disk])).code).not.toBe(0);
    expect((await lab.execInNs(["test", "-e", g.files.dir])).code).not.toBe(0);
  });
});
