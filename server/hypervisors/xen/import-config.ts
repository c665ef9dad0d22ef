// A parsed domU config (parse-config.ts) as a Xen definition for import: each setting
// Labdeck understands is mapped, everything else is listed in `unmapped` with its line, so
// the import page can show what would be lost. The result is still input: the caller runs
// it through ZXenDefinition, which applies the shared name, path and MAC rules. What must
// not break: a value is never reinterpreted (a list where a string belongs is unmapped,
// not joined).
import { XEN_EVENT_ACTIONS, XEN_TYPES, type TXenDefinitionInput } from "./definition";
import type { XlScalar, XlSetting } from "./parse-config";

export interface ImportedConfig {
  definition: Partial<TXenDefinitionInput>;
  /** "key (line N): why", in file order. */
  unmapped: string[];
}

type Disk = NonNullable<TXenDefinitionInput["disks"]>[number];
type Vif = NonNullable<TXenDefinitionInput["vifs"]>[number];

/** "phy:/dev/vg/lv,xvda1,w" (xm and xl) or the keyed xl form "format=raw, vdev=xvda, access=rw, target=…". */
export function diskFromSpec(spec: string): Disk | string {
  const keyed = spec.includes("target=") || spec.includes("vdev=");
  if (keyed) {
    const fields = new Map<string, string>();
    for (const part of spec.split(",")) {
      const eq = part.indexOf("=");
      if (eq < 0) return `positional and keyed fields mixed in "${spec.slice(0, 80)}"`;
      fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const target = fields.get("target") ?? "";
    const vdev = fields.get("vdev") ?? "";
    const access = fields.get("access") ?? "rw";
    const known = new Set(["target", "vdev", "access", "format", "backendtype"]);
    const extra = [...fields.keys()].filter((k) => !known.has(k));
    if (extra.length > 0) return `disk fields Labdeck does not map: ${extra.join(", ")}`;
    if ((fields.get("format") ?? "raw") !== "raw") return `disk format ${fields.get("format")} is not raw`;
    const kind = target.startsWith("/dev/") ? "phy" : "file";
    return { kind, path: target, vdev, readOnly: access === "ro" || access === "r" };
  }
  const [target = "", vdev = "", mode = "w", ...rest] = spec.split(",");
  if (rest.length > 0) return `more than three fields in "${spec.slice(0, 80)}"`;
  const colon = target.indexOf(":");
  const prefix = colon < 0 ? "" : target.slice(0, colon);
  if (prefix !== "phy" && prefix !== "file") return `disk "${spec.slice(0, 80)}": only phy: and file: disks are mapped`;
  if (mode !== "w" && mode !== "r" && mode !== "rw" && mode !== "ro") return `disk mode "${mode}" is not r or w`;
  return { kind: prefix, path: target.slice(colon + 1), vdev: vdev.replace(/^ioemu:/, ""), readOnly: mode === "r" || mode === "ro" };
}

/** "bridge=xenbr0,mac=52:54:00:…,vifname=…"; any other key is not mapped. */
export function vifFromSpec(spec: string): Vif | string {
  const vif: Partial<Vif> = {};
  for (const part of spec.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq < 0 ? part.length : eq).trim();
    const val = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (key === "bridge") vif.bridge = val;
    else if (key === "mac") vif.mac = val;
    else if (key === "vifname") vif.vifname = val;
    else if (key !== "") return `vif field "${key.slice(0, 40)}" is not mapped`;
  }
  if (vif.bridge === undefined) return "a vif without a bridge is not mapped";
  return vif as Vif;
}

const STRINGS = { name: "name", kernel: "kernel", ramdisk: "ramdisk", extra: "extra", root: "root" } as const;
const NUMBERS = { memory: "memoryMiB", maxmem: "maxmemMiB", vcpus: "vcpus" } as const;
const EVENTS = { on_poweroff: "onPoweroff", on_reboot: "onReboot", on_crash: "onCrash" } as const;

/** autostart is not in the file: it is the /etc/xen/auto/ link, which the caller looks for. */
export function definitionFromConfig(settings: readonly XlSetting[], opts: { autostart?: boolean } = {}): ImportedConfig {
  const def: Partial<TXenDefinitionInput> & Record<string, unknown> = {};
  const unmapped: string[] = [];
  const skip = (s: XlSetting, why: string) => unmapped.push(`${s.key} (line ${s.line}): ${why}`);
  const list = (v: XlSetting["value"]): XlScalar[] | null => (Array.isArray(v) ? v : null);
  for (const s of settings) {
    const v = s.value;
    if (s.key in STRINGS) {
      if (typeof v === "string") def[STRINGS[s.key as keyof typeof STRINGS]] = v;
      else skip(s, "expected a string");
    } else if (s.key in NUMBERS) {
      if (typeof v === "number") def[NUMBERS[s.key as keyof typeof NUMBERS]] = v;
      else skip(s, "expected a number");
    } else if (s.key in EVENTS) {
      const action = typeof v === "string" ? v.replace(/_/g, "-") : "";
      if ((XEN_EVENT_ACTIONS as readonly string[]).includes(action))
        def[EVENTS[s.key as keyof typeof EVENTS]] = action as (typeof XEN_EVENT_ACTIONS)[number];
      else skip(s, "not an action xl knows");
    } else if (s.key === "type" || s.key === "builder") {
      // xm's builder: "linux" is PV, "hvm" is HVM.
      const t = v === "linux" || v === "generic" ? "pv" : v;
      if (typeof t === "string" && (XEN_TYPES as readonly string[]).includes(t)) def.type = t as (typeof XEN_TYPES)[number];
      else skip(s, "not pv, pvh or hvm");
    } else if (s.key === "disk" || s.key === "vif") {
      const items = list(v);
      if (items === null) {
        skip(s, "expected a list");
        continue;
      }
      const parsed: (Disk | Vif)[] = [];
      for (const item of items) {
        const one =
          typeof item !== "string" ? "a list item that is not a string" : s.key === "disk" ? diskFromSpec(item) : vifFromSpec(item);
        if (typeof one === "string") skip(s, one);
        else parsed.push(one);
      }
      if (s.key === "disk") def.disks = parsed as Disk[];
      else def.vifs = parsed as Vif[];
    } else {
      skip(s, "not a setting Labdeck maps");
    }
  }
  if (opts.autostart !== undefined) def.autostart = opts.autostart;
  return { definition: def, unmapped };
}
