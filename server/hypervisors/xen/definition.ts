// The definition of a Xen guest (issue 13): what Labdeck stores and renders into an xl.cfg.
// Every name, bridge, MAC and path goes through the shared rules of lib/ and server/names.ts
// (one set of patterns for every hypervisor), so a value that reaches config.ts can never
// change the file's meaning. What must not break: no field is a free string.
import { z } from "zod";
import { macProblem, normaliseMac } from "../../../lib/mac";
import { GUEST_NAME, GUEST_NAME_MESSAGE, IFNAME, IFNAME_MESSAGE } from "../../../lib/names";
import { isBlockDiskPath } from "../../../lib/volume-path";
import { patternString, ZAbsPath } from "../../names";

/** xvda, xvdb1, hda, sdc2: the vdevs xl accepts for PV and HVM disks (disk.5 "vdev"). */
export const XEN_VDEV = /^(?:xvd|hd|sd)[a-z]{1,2}[0-9]{0,2}$/;
/** vifname: an interface name, the same rule as a bridge. */
const ZIfName = patternString(IFNAME, 15, IFNAME_MESSAGE);

export const ZXenGuestName = patternString(GUEST_NAME, 32, GUEST_NAME_MESSAGE);
export const XEN_TYPES = ["pv", "pvh", "hvm"] as const;
export const XEN_EVENT_ACTIONS = [
  "destroy",
  "restart",
  "rename-restart",
  "preserve",
  "coredump-destroy",
  "coredump-restart",
  "soft-reset",
] as const;

/** Kernel command-line text: printable ASCII without the characters xl.cfg strings treat specially. */
const CMDLINE = /^[\x20-\x7e]*$/;
const ZCmdline = z
  .string()
  .max(1024, { message: "at most 1024 characters", abort: true })
  .regex(CMDLINE, "printable ASCII only")
  .refine((v) => !/["'\\]/.test(v), "no quotes or backslashes");

const ZMac = z
  .string()
  .max(17, { abort: true, message: "a MAC address aa:bb:cc:dd:ee:ff" })
  .transform(normaliseMac)
  .superRefine((v, ctx) => {
    const problem = macProblem(v);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
  });

export const ZXenDisk = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("phy"),
    /** An LV as /dev/VG/LV or /dev/mapper/VG-LV, from the storage page. */
    path: z.string().max(255, { abort: true }).refine(isBlockDiskPath, "an LV as /dev/VG/LV or /dev/mapper/VG-LV"),
    vdev: patternString(XEN_VDEV, 8, "a vdev such as xvda or xvda1"),
    readOnly: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal("file"),
    /** An image under the host's image roots (the start plan checks the root). */
    path: ZAbsPath,
    vdev: patternString(XEN_VDEV, 8, "a vdev such as xvda or xvda1"),
    readOnly: z.boolean().default(false),
  }),
]);

export const ZXenVif = z.object({
  bridge: ZIfName,
  mac: ZMac.optional(),
  vifname: ZIfName.optional(),
});

export const ZXenDefinition = z
  .object({
    name: ZXenGuestName,
    type: z.enum(XEN_TYPES).default("pv"),
    kernel: ZAbsPath.optional(),
    ramdisk: ZAbsPath.optional(),
    extra: ZCmdline.optional(),
    root: ZCmdline.optional(),
    memoryMiB: z.number().int().min(16).max(1_048_576),
    maxmemMiB: z.number().int().min(16).max(1_048_576).optional(),
    vcpus: z.number().int().min(1).max(128).default(1),
    disks: z.array(ZXenDisk).max(16).default([]),
    vifs: z.array(ZXenVif).max(8).default([]),
    onPoweroff: z.enum(XEN_EVENT_ACTIONS).default("destroy"),
    onReboot: z.enum(XEN_EVENT_ACTIONS).default("restart"),
    onCrash: z.enum(XEN_EVENT_ACTIONS).default("destroy"),
    autostart: z.boolean().default(false),
  })
  .superRefine((d, ctx) => {
    if (d.type === "pv" && d.kernel === undefined) ctx.addIssue({ code: "custom", path: ["kernel"], message: "a PV guest needs a kernel" });
    if (d.maxmemMiB !== undefined && d.maxmemMiB < d.memoryMiB)
      ctx.addIssue({ code: "custom", path: ["maxmemMiB"], message: "maxmem must be at least memory" });
    const vdevs = new Set<string>();
    d.disks.forEach((disk, i) => {
      if (vdevs.has(disk.vdev)) ctx.addIssue({ code: "custom", path: ["disks", i, "vdev"], message: `vdev ${disk.vdev} used twice` });
      vdevs.add(disk.vdev);
    });
    const macs = new Set<string>();
    d.vifs.forEach((vif, i) => {
      if (vif.mac === undefined) return;
      if (macs.has(vif.mac)) ctx.addIssue({ code: "custom", path: ["vifs", i, "mac"], message: `MAC ${vif.mac} used twice` });
      macs.add(vif.mac);
    });
  });

export type TXenDefinitionInput = z.input<typeof ZXenDefinition>;
export type TXenDefinition = z.output<typeof ZXenDefinition>;
