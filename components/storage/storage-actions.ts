import type { StorageView, TStorageLv, TStorageOp } from "./storage-types";

// Every storage form as data: the fields a user fills, and how their values become one
// op of server/storage/ops.ts. The server checks and plans the op; nothing here decides
// what is safe. A form is opened from a row (an LV, a VG, a free disk) whose identity
// comes in as fixed values, shown in the form's title and never editable, so "Grow" on
// labvg/data can only ever send labvg/data.

export type ActionId = TStorageOp["op"];

export interface ActionField {
  key: string;
  label: string;
  kind: "text" | "select" | "checkbox";
  options?: { value: string; label: string }[];
  placeholder?: string;
  hint?: string;
}

export type FormValues = Record<string, string | boolean>;

export interface StorageAction {
  id: ActionId;
  /** Button text on the row, and the form's verb. */
  label: string;
  danger?: boolean;
  /** Keys that identify the target (vg, lv, device, path): set by the row, not typed. */
  fixed: readonly string[];
  fields: (view: StorageView, fixed: FormValues) => ActionField[];
  /** Always shown above the form (not a server answer): what the action will do that is easy to miss. */
  notice?: (fixed: FormValues) => string | null;
  defaults?: (view: StorageView, fixed: FormValues) => FormValues;
  toOp: (v: FormValues) => TStorageOp;
}

const text = (v: FormValues, key: string): string => {
  const x = v[key];
  return typeof x === "string" ? x.trim() : "";
};
/** Optional text: left out of the op when blank, so the server applies its own default. */
const opt = (v: FormValues, key: string): string | undefined => text(v, key) || undefined;
const flag = (v: FormValues, key: string): boolean => v[key] === true;

const SIZE_HINT = "binary units: 512M, 10G, 1.5T";
const FORMATS = [
  { value: "qcow2", label: "qcow2" },
  { value: "raw", label: "raw" },
];

/** Devices a VG can take: whole free disks and PVs not in any VG yet. */
export function vgCandidates(view: StorageView): string[] {
  return [...view.storage.freeDisks.map((d) => d.path), ...view.storage.pvs.filter((p) => p.vg === null).map((p) => p.name)].sort();
}

const ACTIONS: StorageAction[] = [
  {
    id: "pv.create",
    label: "Create PV",
    fixed: ["device"],
    fields: () => [],
    notice: (f) => `pvcreate writes an LVM label on ${String(f.device)}: the disk is shown as free because nothing was found on it.`,
    toOp: (v) => ({ op: "pv.create", device: text(v, "device") }),
  },
  {
    id: "pv.remove",
    label: "Remove PV",
    danger: true,
    fixed: ["device"],
    fields: () => [],
    toOp: (v) => ({ op: "pv.remove", device: text(v, "device") }),
  },
  {
    id: "vg.create",
    label: "Create VG",
    fixed: [],
    fields: () => [
      { key: "name", label: "VG name", kind: "text", placeholder: "labvg" },
      { key: "devices", label: "Devices", kind: "text", hint: "one or more, separated by spaces" },
      { key: "extentSize", label: "Extent size", kind: "text", placeholder: "4M", hint: "a power of two; LVM's default is 4M" },
    ],
    toOp: (v) => ({
      op: "vg.create",
      name: text(v, "name"),
      devices: text(v, "devices")
        .split(/[\s,]+/)
        .filter((d) => d !== ""),
      extentSize: opt(v, "extentSize"),
    }),
  },
  {
    id: "vg.extend",
    label: "Extend VG",
    fixed: ["vg"],
    fields: (view) => [
      { key: "device", label: "Add device", kind: "select", options: vgCandidates(view).map((d) => ({ value: d, label: d })) },
    ],
    defaults: (view) => ({ device: vgCandidates(view)[0] ?? "" }),
    toOp: (v) => ({ op: "vg.extend", vg: text(v, "vg"), device: text(v, "device") }),
  },
  {
    id: "vg.remove",
    label: "Remove VG",
    danger: true,
    fixed: ["vg"],
    fields: () => [],
    toOp: (v) => ({ op: "vg.remove", vg: text(v, "vg") }),
  },
  {
    id: "lv.create",
    label: "Create LV",
    fixed: ["vg"],
    fields: () => [
      { key: "name", label: "LV name", kind: "text", placeholder: "data" },
      { key: "size", label: "Size", kind: "text", placeholder: "1G", hint: `${SIZE_HINT}; rounded up to whole extents` },
      { key: "extents", label: "Or extents", kind: "text", placeholder: "256", hint: "a whole number of extents instead of a size" },
      {
        key: "filesystem",
        label: "Filesystem",
        kind: "select",
        options: [
          { value: "", label: "none" },
          { value: "ext4", label: "ext4" },
          { value: "xfs", label: "xfs" },
          { value: "swap", label: "swap" },
        ],
      },
      { key: "mountpoint", label: "Mount point", kind: "text", placeholder: "/srv/data", hint: "ext4 or xfs; left empty: not mounted" },
      { key: "fstab", label: "Also add it to /etc/fstab (by UUID)", kind: "checkbox" },
    ],
    toOp: (v) => {
      const extents = text(v, "extents");
      const filesystem = text(v, "filesystem");
      return {
        op: "lv.create",
        vg: text(v, "vg"),
        name: text(v, "name"),
        size: opt(v, "size"),
        // A mistyped count becomes NaN or a fraction, which the server refuses naming op.extents.
        extents: extents === "" ? undefined : Number(extents),
        filesystem: filesystem === "" ? undefined : (filesystem as "ext4" | "xfs" | "swap"),
        mountpoint: opt(v, "mountpoint"),
        fstab: flag(v, "fstab") || undefined,
      };
    },
  },
  {
    id: "lv.grow",
    label: "Grow",
    fixed: ["vg", "lv"],
    fields: () => [
      {
        key: "size",
        label: "New size",
        kind: "text",
        hint: `the new total size (${SIZE_HINT}) or +SIZE to add (+64M); the preview shows the result; the filesystem grows with it`,
      },
    ],
    toOp: (v) => ({ op: "lv.grow", vg: text(v, "vg"), lv: text(v, "lv"), size: text(v, "size") }),
  },
  {
    id: "lv.shrink",
    label: "Shrink",
    danger: true,
    fixed: ["vg", "lv"],
    fields: (_view, f) => [
      {
        key: "size",
        label: "New size",
        kind: "text",
        hint: "the new total size or -SIZE to take away (-64M); the preview shows the result; at least what the filesystem uses",
      },
      {
        key: "confirm",
        label: `Type ${String(f.vg)}/${String(f.lv)} to confirm`,
        kind: "text",
        placeholder: `${String(f.vg)}/${String(f.lv)}`,
      },
    ],
    notice: (f) =>
      `Shrinking unmounts ${String(f.vg)}/${String(f.lv)} while it runs: the filesystem is checked and shrunk first, then the LV. Anything using the mount (a guest, a shell in it) must stop first. ext4 only.`,
    toOp: (v) => ({ op: "lv.shrink", vg: text(v, "vg"), lv: text(v, "lv"), size: text(v, "size"), confirm: text(v, "confirm") }),
  },
  {
    id: "lv.remove",
    label: "Remove",
    danger: true,
    fixed: ["vg", "lv"],
    fields: () => [],
    toOp: (v) => ({ op: "lv.remove", vg: text(v, "vg"), lv: text(v, "lv") }),
  },
  {
    id: "snapshot.create",
    label: "Snapshot",
    fixed: ["vg", "origin"],
    fields: () => [
      { key: "name", label: "Snapshot name", kind: "text" },
      {
        key: "size",
        label: "COW space",
        kind: "text",
        placeholder: "512M",
        hint: "changes to the origin after the snapshot are kept here; a full snapshot becomes invalid",
      },
    ],
    defaults: (_view, f) => ({ name: `${String(f.origin)}-snap` }),
    toOp: (v) => ({ op: "snapshot.create", vg: text(v, "vg"), origin: text(v, "origin"), name: text(v, "name"), size: text(v, "size") }),
  },
  {
    id: "snapshot.merge",
    label: "Merge",
    danger: true,
    fixed: ["vg", "name"],
    fields: () => [],
    notice: (f) =>
      `The origin returns to the content of ${String(f.vg)}/${String(f.name)}; the snapshot is gone afterwards. A mounted origin finishes merging when it is next activated.`,
    toOp: (v) => ({ op: "snapshot.merge", vg: text(v, "vg"), name: text(v, "name") }),
  },
  {
    id: "image.create",
    label: "New image",
    fixed: [],
    fields: (view) => [
      {
        key: "path",
        label: "Path",
        kind: "text",
        placeholder: `${view.roots[0] ?? "/var/lib/labdeck/images"}/disk.qcow2`,
        hint: `under ${view.roots.join(", ")}`,
      },
      { key: "format", label: "Format", kind: "select", options: FORMATS },
      { key: "size", label: "Size", kind: "text", placeholder: "10G", hint: SIZE_HINT },
    ],
    defaults: () => ({ format: "qcow2" }),
    toOp: (v) => ({ op: "image.create", path: text(v, "path"), format: text(v, "format") as "qcow2" | "raw", size: text(v, "size") }),
  },
  {
    id: "image.resize",
    label: "Resize",
    fixed: ["path"],
    fields: () => [
      {
        key: "size",
        label: "New size",
        kind: "text",
        hint: "grow only, a new total size or +SIZE (+1G): the guest grows its own partition and filesystem afterwards",
      },
    ],
    toOp: (v) => ({ op: "image.resize", path: text(v, "path"), size: text(v, "size") }),
  },
  {
    id: "image.convert",
    label: "Convert",
    fixed: ["path"],
    fields: () => [
      { key: "target", label: "New file", kind: "text" },
      { key: "format", label: "Format", kind: "select", options: FORMATS },
    ],
    defaults: (view, f) => {
      const img = view.images.find((i) => i.path === f.path);
      const format = img?.format === "raw" ? "qcow2" : "raw";
      return { format, target: String(f.path).replace(/\.[a-z0-9]+$/, "") + (format === "raw" ? ".raw" : ".qcow2") };
    },
    toOp: (v) => ({ op: "image.convert", path: text(v, "path"), target: text(v, "target"), format: text(v, "format") as "qcow2" | "raw" }),
  },
  {
    id: "rootfile.create",
    label: "Root/swap file",
    fixed: [],
    fields: (view) => [
      {
        key: "path",
        label: "Path",
        kind: "text",
        placeholder: `${view.roots[0] ?? "/var/lib/labdeck/images"}/root.img`,
        hint: `under ${view.roots.join(", ")}`,
      },
      { key: "size", label: "Size", kind: "text", placeholder: "2G", hint: SIZE_HINT },
      {
        key: "filesystem",
        label: "Make",
        kind: "select",
        options: [
          { value: "ext4", label: "an ext4 root filesystem (mkfs.ext4 -F)" },
          { value: "swap", label: "a swap file (mkswap)" },
        ],
      },
    ],
    defaults: () => ({ filesystem: "ext4" }),
    toOp: (v) => ({
      op: "rootfile.create",
      path: text(v, "path"),
      size: text(v, "size"),
      filesystem: text(v, "filesystem") as "ext4" | "swap",
    }),
  },
];

const BY_ID = new Map(ACTIONS.map((a) => [a.id, a]));

export function storageAction(id: ActionId): StorageAction {
  const a = BY_ID.get(id);
  if (!a) throw new Error(`unknown storage action ${id}`);
  return a;
}

/** "op.devices.0" -> "devices": the form field a server refusal belongs to. */
export function formFieldOf(serverField: string | null): string | null {
  if (serverField === null) return null;
  const parts = serverField.split(".");
  return parts[0] === "op" ? (parts[1] ?? null) : null;
}

/** What can be done to an LV, by its kind: a pool's internals get nothing, a snapshot is merged rather than resized. */
export function lvActions(lv: TStorageLv): ActionId[] {
  if (lv.hidden) return [];
  switch (lv.attr.kind) {
    case "snapshot":
      return ["snapshot.merge", "lv.remove"];
    case "thin-pool":
      return ["lv.grow", "lv.remove"];
    case "linear":
    case "origin":
    case "thin":
      return ["lv.grow", "lv.shrink", "snapshot.create", "lv.remove"];
    default:
      return ["lv.remove"];
  }
}

/** The guests whose definitions name this LV, under either of its paths. */
export function lvUsers(view: StorageView, lv: TStorageLv): string[] {
  const names = [...(lv.path ? (view.usedBy[lv.path] ?? []) : []), ...(lv.dmPath ? (view.usedBy[lv.dmPath] ?? []) : [])];
  return [...new Set(names)].sort();
}
