// Plans for a QEMU guest's lifecycle: pure builders returning argv steps (and QMP steps,
// which the job runner executes in-process over openStreamLocal). The service decides
// what exists on the host (which images to create, which TAPs to remove); these only
// turn that into steps. What must not break: every path is checked here again, and a
// created image or TAP always carries the undo that removes it.
import { createHash } from "node:crypto";
import type { GuestPlan, GuestPlanStep } from "../contract";
import { assertAbsPath, assertMatches, assertUnderRoots as underRoots } from "../../names";
import { badInput } from "../../errors";
import { IFNAME } from "../../../lib/names";
import { GUEST_NAME } from "../../../lib/names";
import type { GuestRunFiles, TGuestDefinition } from "./guest-definition";
import { buildQemuArgv, type QemuArgvContext } from "./qemu-argv";
import { serialLogBootStep } from "../console-log/serial-log-boot";
import { SERIAL_LOG_ROTATE_BYTES, serialLogRotateArgv } from "../console-log/serial-log-rotation";

type QmpStepSpec = NonNullable<GuestPlanStep["qmp"]>;

const QEMU_START_TIMEOUT_MS = 30_000;

/** A deterministic TAP name (IFNAMSIZ: 15) for a guest's NIC, so stop and delete find it. */
export function tapNameFor(guestName: string, nicIndex: number): string {
  assertMatches("name", guestName, GUEST_NAME, "a guest name");
  const h = createHash("sha256").update(guestName).digest("hex").slice(0, 8);
  return `ldt${h}n${nicIndex}`;
}

/** The TAP a tap NIC uses: its own `ifname` (kept from an imported line) or the generated one. */
export function nicTapName(def: Pick<TGuestDefinition, "name" | "nics">, nicIndex: number): string | null {
  const nic = def.nics[nicIndex];
  if (nic?.network.kind !== "tap") return null;
  return nic.network.ifname ?? tapNameFor(def.name, nicIndex);
}

/** One TAP name per tap NIC, in order: what start creates and stop, force-stop and delete remove. */
export function guestTapNames(def: Pick<TGuestDefinition, "name" | "nics">): string[] {
  return def.nics.flatMap((_, i) => nicTapName(def, i) ?? []);
}

export function qmpStep(
  files: Pick<GuestRunFiles, "qmpSocket">,
  execute: string,
  purpose: string,
  args?: Record<string, unknown>,
): GuestPlanStep {
  const socket = assertAbsPath("files.qmpSocket", files.qmpSocket);
  const qmp: QmpStepSpec = args === undefined ? { socket, execute } : { socket, execute, arguments: args };
  return { purpose, qmp, argv: ["qmp", socket, execute] };
}

export interface StartGuestOptions extends QemuArgvContext {
  def: TGuestDefinition;
  /** Indices of new-image disks that do not exist yet (the service checked). */
  imagesToCreate: readonly number[];
}

export function planStartGuest(o: StartGuestOptions): GuestPlan {
  // Built first: it checks every name and path before any step exists. Every step is
  // marked `batch`: the job runs them in one SSH exec, each still shown, audited, timed
  // and undone as its own step (server/jobs/step-batch.ts). A step added between them
  // without `batch` (one whose result a handler reads through runStep) splits the batch.
  const qemu = buildQemuArgv(o.def, o);
  const steps: GuestPlanStep[] = [
    {
      argv: ["mkdir", "-p", "--", assertAbsPath("files.dir", o.files.dir)],
      purpose: `Create the run directory of ${o.def.name}`,
      batch: true,
    },
  ];
  for (const i of o.imagesToCreate) {
    const disk = o.def.disks[i];
    if (disk?.kind !== "new-image") throw badInput(`disks.${i}`, "only a new-image disk can be created");
    const p = underRoots(`disks.${i}.path`, disk.path, o.roots);
    steps.push({
      argv: ["qemu-img", "create", "-q", "-f", disk.format, p, String(disk.sizeBytes)],
      purpose: `Create the ${disk.format} image ${p} (${disk.sizeBytes} bytes)`,
      undo: ["rm", "-f", "--", p],
      batch: true,
    });
  }
  let tapIndex = 0;
  o.def.nics.forEach((nic, i) => {
    if (nic.network.kind !== "tap") return;
    const tap = o.taps[tapIndex++] as string; // present: buildQemuArgv checked it
    const bridge = assertMatches(`nics.${i}.network.bridge`, nic.network.bridge, IFNAME, "an interface name");
    steps.push(
      {
        argv: ["ip", "tuntap", "add", "dev", tap, "mode", "tap"],
        purpose: `Create TAP ${tap} for NIC ${i}`,
        undo: ["ip", "link", "del", tap],
        batch: true,
      },
      { argv: ["ip", "link", "set", tap, "master", bridge], purpose: `Attach ${tap} to bridge ${bridge}`, batch: true },
      { argv: ["ip", "link", "set", tap, "up"], purpose: `Bring ${tap} up`, batch: true },
    );
  });
  steps.push({
    argv: serialLogRotateArgv(o.files.serialLog),
    purpose: `Rotate the serial log of ${o.def.name} if it is over ${SERIAL_LOG_ROTATE_BYTES / (1024 * 1024)} MiB (the previous one is kept as serial.log.1)`,
    batch: true,
  });
  // Last before QEMU: the guest is stopped here, so the offset it prints is where this boot begins.
  steps.push(serialLogBootStep(o.files.serialLog, o.def.name));
  steps.push({
    argv: qemu,
    purpose: `Start ${o.def.name} (QEMU daemonizes once the guest is set up)`,
    undo: ["pkill", "-KILL", "-L", "-F", o.files.pidfile],
    timeoutMs: QEMU_START_TIMEOUT_MS,
    // -daemonize: the parent exits once the guest is set up and the daemon has let go of
    // stdout and stderr, so QEMU can end a batch like any short command.
    batch: true,
  });
  return { title: `Start guest ${o.def.name}`, steps };
}

/**
 * QMP quit first (QEMU exits cleanly, removing its sockets and pidfile); then kill by
 * pidfile (-L: only a QEMU that still holds its lock) for a QEMU whose monitor is stuck.
 * Either may find nothing left to stop, which is the outcome wanted.
 */
export function planForceStop(o: { name: string; files: GuestRunFiles; taps: readonly string[] }): GuestPlan {
  const pidfile = assertAbsPath("files.pidfile", o.files.pidfile);
  const steps: GuestPlanStep[] = [
    { ...qmpStep(o.files, "quit", "Ask QEMU to exit at once (no guest shutdown)"), timeoutMs: 5000, bestEffort: true },
    {
      argv: ["pkill", "-KILL", "-L", "-F", pidfile],
      purpose: `Kill the QEMU process of ${o.name} if it is still there`,
      okExitStatuses: [1],
    },
  ];
  steps.push(...tapCleanupSteps(o.taps));
  return { title: `Force stop guest ${o.name}`, steps };
}

export function tapCleanupSteps(taps: readonly string[]): GuestPlanStep[] {
  // `ip link del` exits 1 when the TAP is already gone: nothing left to remove.
  return taps.map((tap, i) => ({
    argv: ["ip", "link", "del", assertMatches(`taps.${i}`, tap, IFNAME, "an interface name")],
    purpose: `Remove TAP ${tap}`,
    okExitStatuses: [1],
  }));
}

/** Removes the run directory and, if asked, the images Labdeck created (never others). */
export function planDeleteGuest(o: {
  name: string;
  files: GuestRunFiles;
  roots: readonly string[];
  removeImages: readonly string[];
}): GuestPlan {
  const dir = assertAbsPath("files.dir", o.files.dir);
  if (!dir.endsWith(`/guests/${assertMatches("name", o.name, GUEST_NAME, "a guest name")}`)) {
    throw badInput("files.dir", "is not this guest's run directory");
  }
  const steps: GuestPlanStep[] = [{ argv: ["rm", "-rf", "--", dir], purpose: `Remove the run directory of ${o.name}` }];
  o.removeImages.forEach((p, i) => {
    steps.push({ argv: ["rm", "-f", "--", underRoots(`removeImages.${i}`, p, o.roots)], purpose: `Remove disk image ${p}` });
  });
  return { title: `Delete guest ${o.name}`, steps };
}

/**
 * Waits until no QEMU holds the pidfile, failing after `seconds` (timeout exits 124), so an
 * ACPI shutdown the guest ignores ends as a failed job and the page can offer a force stop.
 * The script is fixed; the pidfile is its positional argument, never part of its text.
 */
export function waitForExitStep(files: Pick<GuestRunFiles, "pidfile">, seconds: number): GuestPlanStep {
  const pidfile = assertAbsPath("files.pidfile", files.pidfile);
  return {
    argv: ["timeout", String(seconds), "sh", "-c", 'while pgrep -L -F "$1" >/dev/null; do sleep 0.5; done', "sh", pidfile],
    purpose: `Wait up to ${seconds} s for the guest to power off (force stop if it does not)`,
    timeoutMs: (seconds + 10) * 1000,
  };
}

const qmpPlan = (title: string, step: GuestPlanStep): GuestPlan => ({ title, steps: [step] });

export const planShutdownGuest = (o: { name: string; files: GuestRunFiles }) =>
  qmpPlan(`Shut down guest ${o.name}`, qmpStep(o.files, "system_powerdown", "Press the ACPI power button (the guest decides)"));
export const planRebootGuest = (o: { name: string; files: GuestRunFiles }) =>
  qmpPlan(`Reset guest ${o.name}`, qmpStep(o.files, "system_reset", "Reset the guest (like the reset button)"));
export const planPauseGuest = (o: { name: string; files: GuestRunFiles }) =>
  qmpPlan(`Pause guest ${o.name}`, qmpStep(o.files, "stop", "Stop the guest's vCPUs"));
export const planResumeGuest = (o: { name: string; files: GuestRunFiles }) =>
  qmpPlan(`Resume guest ${o.name}`, qmpStep(o.files, "cont", "Resume the guest's vCPUs"));
