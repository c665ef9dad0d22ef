// Plans for a Xen guest's lifecycle: pure builders of argv steps over a toolstack's table
// (toolstack.ts). The start writes the config Labdeck rendered, lets the toolstack check it
// (a dry run), creates the domain paused, starts the console capture at a marked offset of
// the console log, and only then lets the domain run, so the first boot line is in the
// history. What must not break: every path is checked again here; the config reaches the
// host only as stdin; a created domain always carries the undo that destroys it.
import type { GuestPlan, GuestPlanStep } from "../contract";
import { badInput } from "../../errors";
import { GUEST_NAME } from "../../../lib/names";
import { assertAbsPath, assertMatches, assertUnderRoots } from "../../names";
import { serialLogBootStep } from "../console-log/serial-log-boot";
import { SERIAL_LOG_ROTATE_BYTES, serialLogRotateArgv } from "../console-log/serial-log-rotation";
import { renderXlConfig } from "./config";
import type { TXenDefinition } from "./definition";
import type { XenGuestFiles } from "./files";
import { consoleCaptureStartStep, consoleCaptureStopStep } from "./console-capture";
import { xenCommands, type XenToolstack } from "./toolstack";

const CREATE_TIMEOUT_MS = 60_000;
// $1: the file; the new content is stdin, renamed over the old one only once complete.
const WRITE_CONFIG = 'umask 077; cat > "$1.new" && mv -f -- "$1.new" "$1"';

export function writeConfigStep(def: TXenDefinition, files: XenGuestFiles): GuestPlanStep {
  const file = assertAbsPath("files.config", files.config);
  return {
    argv: ["sh", "-c", WRITE_CONFIG, "sh", file],
    stdin: renderXlConfig(def),
    purpose: `Write the ${def.name} config to ${file}`,
  };
}

/** The autostart link made or removed, as the definition asks (`ln -sfn`: a stale link is replaced). */
export function autostartStep(def: TXenDefinition, files: XenGuestFiles): GuestPlanStep {
  const link = assertAbsPath("files.autostartLink", files.autostartLink);
  if (def.autostart) {
    const dir = link.slice(0, link.lastIndexOf("/")) || "/";
    return {
      argv: ["sh", "-c", 'mkdir -p -- "$1" && ln -sfn -- "$2" "$3"', "sh", dir, assertAbsPath("files.config", files.config), link],
      purpose: `Start ${def.name} with the dom0: link ${link} to its config`,
      undo: ["rm", "-f", "--", link],
    };
  }
  return { argv: ["rm", "-f", "--", link], purpose: `${def.name} does not start with the dom0: no link at ${link}` };
}

export function planXenStart(o: { def: TXenDefinition; files: XenGuestFiles; toolstack: XenToolstack }): GuestPlan {
  const { def, files } = o;
  const x = xenCommands(o.toolstack);
  const name = assertMatches("name", def.name, GUEST_NAME, "a guest name");
  const steps: GuestPlanStep[] = [
    {
      argv: ["mkdir", "-p", "--", assertAbsPath("files.dir", files.dir), assertAbsPath("files.configDir", files.configDir)],
      purpose: `Create the run directory of ${name} and Labdeck's config directory`,
    },
    writeConfigStep(def, files),
    { argv: x.create(files.config, { dryRun: true }), purpose: `Let ${o.toolstack} check the config (dry run: nothing is created)` },
    autostartStep(def, files),
    consoleCaptureStopStep(name, files),
    {
      argv: serialLogRotateArgv(files.console.log),
      purpose: `Rotate the console log of ${name} if it is over ${SERIAL_LOG_ROTATE_BYTES / (1024 * 1024)} MiB (the previous one is kept as console.log.1)`,
    },
    {
      argv: x.create(files.config, { paused: true }),
      purpose: `Create the domain ${name}, paused until its console is captured`,
      undo: x.destroy(name),
      timeoutMs: CREATE_TIMEOUT_MS,
    },
    // The domain has printed nothing yet: the log's size is where this boot begins.
    serialLogBootStep(files.console.log, name),
    consoleCaptureStartStep(o.toolstack, name, files),
    { argv: x.unpause(name), purpose: `Let ${name} run` },
  ];
  return { title: `Start guest ${name}`, steps };
}

export function planXenShutdown(o: { name: string; files: XenGuestFiles; toolstack: XenToolstack; waitS: number }): GuestPlan {
  const x = xenCommands(o.toolstack);
  if (!Number.isSafeInteger(o.waitS) || o.waitS < 1) throw badInput("waitS", "must be a whole number of seconds");
  return {
    title: `Shut down guest ${o.name}`,
    steps: [
      {
        // timeout exits 124 when the guest ignores the request: a failed job, and the page offers destroy.
        argv: ["timeout", String(o.waitS), ...x.shutdown(o.name, { wait: true })],
        purpose: `Ask ${o.name} to shut down and wait up to ${o.waitS} s for the domain to go (destroy if it does not)`,
        timeoutMs: (o.waitS + 10) * 1000,
      },
      consoleCaptureStopStep(o.name, o.files),
    ],
  };
}

export function planXenDestroy(o: { name: string; files: XenGuestFiles; toolstack: XenToolstack }): GuestPlan {
  const x = xenCommands(o.toolstack);
  return {
    title: `Force stop guest ${o.name}`,
    steps: [
      { argv: x.destroy(o.name), purpose: `Destroy the domain ${o.name} at once (no guest shutdown)` },
      consoleCaptureStopStep(o.name, o.files),
    ],
  };
}

const one = (title: string, argv: string[], purpose: string): GuestPlan => ({ title, steps: [{ argv, purpose }] });

export const planXenReboot = (o: { name: string; toolstack: XenToolstack }) =>
  one(`Reboot guest ${o.name}`, xenCommands(o.toolstack).reboot(o.name), "Ask the guest to reboot (the capture reattaches)");
export const planXenPause = (o: { name: string; toolstack: XenToolstack }) =>
  one(`Pause guest ${o.name}`, xenCommands(o.toolstack).pause(o.name), "Stop the domain's vCPUs");
export const planXenResume = (o: { name: string; toolstack: XenToolstack }) =>
  one(`Resume guest ${o.name}`, xenCommands(o.toolstack).unpause(o.name), "Resume the domain's vCPUs");

/** Removes the run directory, the config, the autostart link and, if asked, the images Labdeck created. */
export function planXenDelete(o: {
  name: string;
  files: XenGuestFiles;
  roots: readonly string[];
  removeImages: readonly string[];
}): GuestPlan {
  const name = assertMatches("name", o.name, GUEST_NAME, "a guest name");
  const dir = assertAbsPath("files.dir", o.files.dir);
  if (!dir.endsWith(`/guests/${name}`)) throw badInput("files.dir", "is not this guest's run directory");
  const config = assertAbsPath("files.config", o.files.config);
  if (!config.endsWith(`/${name}.cfg`)) throw badInput("files.config", "is not this guest's config");
  const steps: GuestPlanStep[] = [
    consoleCaptureStopStep(name, o.files),
    {
      argv: ["rm", "-f", "--", assertAbsPath("files.autostartLink", o.files.autostartLink)],
      purpose: `Remove the autostart link of ${name}`,
    },
    { argv: ["rm", "-f", "--", config], purpose: `Remove the config of ${name}` },
    { argv: ["rm", "-rf", "--", dir], purpose: `Remove the run directory of ${name}` },
  ];
  o.removeImages.forEach((p, i) => {
    steps.push({ argv: ["rm", "-f", "--", assertUnderRoots(`removeImages.${i}`, p, o.roots)], purpose: `Remove disk image ${p}` });
  });
  return { title: `Delete guest ${name}`, steps };
}
