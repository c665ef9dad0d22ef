// The argv of each Xen toolstack: `xl` (Xen 4.1 and later; the only one in Debian today)
// and `xm` (the xend toolstack of old dom0s). Both take the same verbs for what Labdeck
// does, so one table per toolstack is the whole dialect; their outputs differ and have
// their own parsers (parse-list.ts, parse-xm-long.ts). What must not break: a name or a
// path reaches argv only after its check here, so nothing a user typed can become an option.
import { GUEST_NAME } from "../../../lib/names";
import { assertAbsPath, assertMatches } from "../../names";

export const XEN_TOOLSTACKS = ["xl", "xm"] as const;
export type XenToolstack = (typeof XEN_TOOLSTACKS)[number];

export interface XenCommands {
  readonly toolstack: XenToolstack;
  info(): string[];
  /** The six-column table of every domain. */
  list(): string[];
  /** The same table for one domain; exits non-zero when it does not exist. */
  listOne(name: string): string[];
  /** `dryRun`: the toolstack parses and checks the file and creates nothing. `paused`: the domain starts paused. */
  create(configFile: string, o?: { dryRun?: boolean; paused?: boolean }): string[];
  /** The guest is asked to shut down (ACPI or PV); `wait`: returns once the domain is gone. */
  shutdown(name: string, o?: { wait?: boolean }): string[];
  destroy(name: string): string[];
  reboot(name: string): string[];
  pause(name: string): string[];
  unpause(name: string): string[];
  /** Attaches to the domain's console; needs a terminal (console-capture.ts runs it under script). */
  console(name: string): string[];
}

const domain = (name: string) => assertMatches("name", name, GUEST_NAME, "a guest name");

function commands(toolstack: XenToolstack): XenCommands {
  const t = toolstack;
  return {
    toolstack: t,
    info: () => [t, "info"],
    list: () => [t, "list"],
    listOne: (name) => [t, "list", domain(name)],
    create: (file, o = {}) => [
      t,
      "create",
      ...(o.dryRun === true ? ["-n"] : []),
      ...(o.paused === true ? ["-p"] : []),
      assertAbsPath("configFile", file),
    ],
    shutdown: (name, o = {}) => [t, "shutdown", ...(o.wait === true ? ["-w"] : []), domain(name)],
    destroy: (name) => [t, "destroy", domain(name)],
    reboot: (name) => [t, "reboot", domain(name)],
    pause: (name) => [t, "pause", domain(name)],
    unpause: (name) => [t, "unpause", domain(name)],
    console: (name) => [t, "console", domain(name)],
  };
}

const TABLE: Record<XenToolstack, XenCommands> = { xl: commands("xl"), xm: commands("xm") };

export function xenCommands(toolstack: XenToolstack): XenCommands {
  return TABLE[toolstack];
}
