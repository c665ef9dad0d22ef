import { keyValueLines, nonEmptyLines } from "./parse-util";

// `xl info` / `xm info` -> hypervisor version. Both print "name : value" lines when the
// host is a Xen dom0. When it is not (tools installed, no hypervisor running), or the SSH
// user may not talk to the hypervisor, they fail: the tool is still reported, with the
// hypervisor marked absent or unknown and the tool's own complaint as the detail.

export interface XenInfo {
  version: string | null;
  hypervisor: boolean | null;
  detail: string;
}

const NO_HYPERVISOR = [
  /Can't find hypervisor information in sysfs/i,
  /Could not obtain handle on privileged command interface: No such file/i,
];

export function parseXenInfo(r: { exitStatus: number | null; stdout: string; stderr: string }): XenInfo {
  const kv = keyValueLines(r.stdout);
  const major = kv.get("xen_major");
  const minor = kv.get("xen_minor");
  if (major && minor) {
    const version = `${major}.${minor}${kv.get("xen_extra") ?? ""}`;
    return { version, hypervisor: true, detail: `Xen ${version} running` };
  }
  const complaint = nonEmptyLines(r.stderr)[0] ?? nonEmptyLines(r.stdout)[0] ?? `exit status ${r.exitStatus ?? "?"}`;
  const absent = NO_HYPERVISOR.some((re) => re.test(r.stderr));
  return {
    version: null,
    hypervisor: absent ? false : null,
    detail: absent ? `tools installed, no Xen hypervisor running: ${complaint}` : complaint,
  };
}
