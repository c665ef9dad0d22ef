// Domain lists from `xl list` (the six-column table; `xm list` prints the same table) and
// `xl list -l` (JSON), normalised to the guest states of lib/guest-states.ts. Domain-0 is
// the host itself, never a guest: it is dropped here so no caller can offer to stop it.
// What must not break: every byte is the host's, so sizes are bounded before parsing, the
// scan is line by line with no backtracking pattern, and a line that does not fit is
// reported, never guessed at.
import type { GuestState } from "../../../lib/guest-states";
import { GUEST_NAME } from "../../../lib/names";

export const MAX_LIST_BYTES = 1024 * 1024;
const MAX_DOMAINS = 4096;
export const DOM0_NAME = "Domain-0";

export interface XenDomain {
  name: string;
  /** Whether Labdeck could manage it: a name its rules allow (others are listed, never touched). */
  nameOk: boolean;
  domid: number;
  memoryMiB: number;
  vcpus: number;
  /** The six flags as xl prints them, e.g. "-b----". */
  flags: string;
  state: GuestState;
  cpuSeconds: number;
}

/**
 * xl's flags: r running, b blocked (waiting for an event: still running), p paused,
 * s shut down, c crashed, d dying. None set means runnable and waiting for a CPU.
 */
export function stateOfFlags(flags: string): GuestState {
  if (flags.length !== 6 || ![...flags].every((c, i) => c === "-" || c === "rbpscd"[i])) return "unknown";
  if (flags[4] === "c") return "crashed";
  if (flags[3] === "s" || flags[5] === "d") return "shut-off";
  if (flags[2] === "p") return "paused";
  return "running";
}

const isUint = (t: string) => t.length > 0 && t.length <= 12 && [...t].every((c) => c >= "0" && c <= "9");

export interface ListParse {
  domains: XenDomain[];
  /** Lines that did not have the table's shape, with their numbers (1-based). */
  problems: string[];
}

/** The table of `xl list` / `xm list`: a header, then Name ID Mem VCPUs State Time(s). */
export function parseXlList(text: string): ListParse {
  if (text.length > MAX_LIST_BYTES) return { domains: [], problems: [`the list is over ${MAX_LIST_BYTES} bytes`] };
  const lines = text.split("\n");
  const header = (lines[0] ?? "").split(/\s+/).filter((w) => w !== "");
  if (header.join(" ") !== "Name ID Mem VCPUs State Time(s)") return { domains: [], problems: ["line 1: not the header of xl list"] };
  const domains: XenDomain[] = [];
  const problems: string[] = [];
  for (let n = 1; n < lines.length && domains.length < MAX_DOMAINS; n++) {
    const line = lines[n] ?? "";
    if (line.trim() === "") continue;
    const f = line.trim().split(/\s+/);
    const [name = "", id = "", mem = "", vcpus = "", flags = "", time = ""] = f;
    const timeOk = time.length <= 20 && /^\d+\.\d$|^\d+$/.test(time);
    if (f.length !== 6 || !isUint(id) || !isUint(mem) || !isUint(vcpus) || !timeOk || name.length > 64) {
      problems.push(`line ${n + 1}: not a domain row`);
      continue;
    }
    if (name === DOM0_NAME || id === "0") continue;
    domains.push({
      name,
      nameOk: GUEST_NAME.test(name),
      domid: Number(id),
      memoryMiB: Number(mem),
      vcpus: Number(vcpus),
      flags,
      state: stateOfFlags(flags),
      cpuSeconds: Number(time),
    });
  }
  return { domains, problems };
}

/** One domain of `xl list -l`: its config as libxl holds it. The JSON carries no run state. */
export interface XenDomainConfig {
  domid: number;
  name: string;
  nameOk: boolean;
  type: "pv" | "pvh" | "hvm" | null;
  maxMemKiB: number | null;
  kernel: string | null;
}

const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const shortString = (v: unknown, max: number): string | null => (typeof v === "string" && v.length <= max ? v : null);
const count = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null);

/**
 * `xl list -l [NAME]`: a JSON array, one object per domain ({domid, config: {c_info, b_info}}).
 * Domain-0 is dropped; an entry without a domid or name is a problem, not a domain.
 */
export function parseXlListLong(text: string): { domains: XenDomainConfig[]; problems: string[] } {
  if (text.length > MAX_LIST_BYTES) return { domains: [], problems: [`the list is over ${MAX_LIST_BYTES} bytes`] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { domains: [], problems: ["not JSON"] };
  }
  if (!Array.isArray(parsed)) return { domains: [], problems: ["not a JSON array"] };
  const domains: XenDomainConfig[] = [];
  const problems: string[] = [];
  parsed.slice(0, MAX_DOMAINS).forEach((entry: unknown, i) => {
    const e = obj(entry);
    const config = obj(e?.config);
    const cInfo = obj(config?.c_info);
    const bInfo = obj(config?.b_info);
    const domid = count(e?.domid);
    const name = shortString(cInfo?.name, 64);
    if (domid === null || name === null) {
      problems.push(`entry ${i}: no domid or name`);
      return;
    }
    if (domid === 0 || name === DOM0_NAME) return;
    const type = cInfo?.type;
    domains.push({
      domid,
      name,
      nameOk: GUEST_NAME.test(name),
      type: type === "pv" || type === "pvh" || type === "hvm" ? type : null,
      maxMemKiB: count(bInfo?.max_memkb),
      kernel: shortString(bInfo?.kernel, 255),
    });
  });
  return { domains, problems };
}
