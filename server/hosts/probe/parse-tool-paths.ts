import { QEMU_SYSTEM_PREFIX, TOOL_NAMES, type QemuSystemName, type ToolName } from "./commands";

// The `find` listing of tool directories -> name => absolute path. The first directory in
// the listing wins a name, mirroring PATH order; later duplicates are symlinked /bin and
// /sbin on merged-/usr systems, or Debian's /usr/libexec copy behind a wrapper script.

export interface ToolPaths {
  tools: Partial<Record<ToolName, string>>;
  /** qemu-system-* binaries by full name, e.g. "qemu-system-x86_64". */
  qemuSystem: Map<QemuSystemName, string>;
}

const KNOWN = new Set<string>(TOOL_NAMES);

export function parseToolPaths(stdout: string): ToolPaths {
  const tools: Partial<Record<ToolName, string>> = {};
  const qemuSystem = new Map<QemuSystemName, string>();
  for (const line of stdout.split("\n")) {
    const path = line.trim();
    if (!path.startsWith("/")) continue;
    const name = path.slice(path.lastIndexOf("/") + 1);
    if (isQemuSystem(name)) {
      if (!qemuSystem.has(name)) qemuSystem.set(name, path);
    } else if (KNOWN.has(name) && !(name in tools)) {
      tools[name as ToolName] = path;
    }
  }
  return { tools, qemuSystem };
}

function isQemuSystem(name: string): name is QemuSystemName {
  return name.startsWith(QEMU_SYSTEM_PREFIX) && name.length > QEMU_SYSTEM_PREFIX.length;
}
