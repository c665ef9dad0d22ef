// `xl info` (and `xm info`, the same "key : value" lines) as the host probe needs it: which
// Xen, how much memory is free for guests, which guest types the hardware allows, and
// whether this toolstack works at all (on Xen >= 4.1 the wrapper of the wrong toolstack
// prints an error and no table). What must not break: the text is the host's, so it is
// bounded, read line by line without backtracking patterns, and unknown keys are ignored.

export const MAX_INFO_BYTES = 64 * 1024;
const MAX_VALUE = 512;

export interface XenInfo {
  /** The toolstack answered with the table: host, release, xen_version and the memory lines are there. */
  toolstackWorks: boolean;
  /** e.g. "4.17.5" */
  xenVersion: string | null;
  xenMajor: number | null;
  xenMinor: number | null;
  totalMemoryMiB: number | null;
  freeMemoryMiB: number | null;
  nrCpus: number | null;
  /** From virt_caps: "pv", "hvm", "hap", "shadow", … */
  virtCaps: string[];
  canPv: boolean;
  canHvm: boolean;
  /** dom0_mem=… from xen_commandline, when set. */
  dom0Mem: string | null;
  scheduler: string | null;
  /** The toolstack's complaint when it did not work (first line, bounded). */
  error: string | null;
}

/** Every "key : value" line; keys are [a-z0-9_], values trimmed and cut to a bounded length. */
export function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.slice(0, MAX_INFO_BYTES).split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0 || colon > 40) continue;
    const key = line.slice(0, colon).trim();
    if (key === "" || ![...key].every((c) => (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "_")) continue;
    if (!fields.has(key)) fields.set(key, line.slice(colon + 1, colon + 1 + MAX_VALUE).trim());
  }
  return fields;
}

function uint(v: string | undefined): number | null {
  if (v === undefined || v.length === 0 || v.length > 12 || ![...v].every((c) => c >= "0" && c <= "9")) return null;
  return Number(v);
}

/** Parses `xl info` stdout; `stderr` and `exitStatus` decide whether the toolstack works. */
export function parseXlInfo(stdout: string, opts: { stderr?: string; exitStatus?: number | null } = {}): XenInfo {
  const f = infoFields(stdout);
  const xenVersion = f.get("xen_version") ?? null;
  const versionOk =
    xenVersion !== null &&
    xenVersion.length <= 32 &&
    [...xenVersion].every((c) => (c >= "0" && c <= "9") || c === "." || (c >= "a" && c <= "z") || c === "-");
  const virtCaps = (f.get("virt_caps") ?? "")
    .split(" ")
    .filter((w) => w !== "")
    .slice(0, 32);
  const works =
    (opts.exitStatus ?? 0) === 0 &&
    versionOk &&
    f.has("host") &&
    uint(f.get("total_memory")) !== null &&
    uint(f.get("free_memory")) !== null;
  const cmdline = (f.get("xen_commandline") ?? "").split(" ");
  const dom0Mem = cmdline.find((w) => w.startsWith("dom0_mem="))?.slice("dom0_mem=".length) ?? null;
  const complaint = (opts.stderr ?? "").trim().split("\n")[0]?.slice(0, 200) ?? "";
  return {
    toolstackWorks: works,
    xenVersion: versionOk ? xenVersion : null,
    xenMajor: uint(f.get("xen_major")),
    xenMinor: uint(f.get("xen_minor")),
    totalMemoryMiB: uint(f.get("total_memory")),
    freeMemoryMiB: uint(f.get("free_memory")),
    nrCpus: uint(f.get("nr_cpus")),
    virtCaps,
    canPv: virtCaps.includes("pv"),
    canHvm: virtCaps.includes("hvm"),
    dom0Mem,
    scheduler: f.get("xen_scheduler") ?? null,
    error: works ? null : complaint !== "" ? complaint : "xl info printed no Xen table",
  };
}
