import { z } from "zod";
import { ARCHES } from "../../../lib/guest-arches";
import { IPV4 } from "../../../lib/ipv4";
import { GUEST_NAME, GUEST_NAME_MESSAGE, IFNAME } from "../../../lib/names";
import { MAC } from "../../../lib/mac";
import { isBlockDiskPath } from "../../../lib/volume-path";
import { GUEST_IMAGE_FORMATS } from "../../../lib/image-formats";
import { hasUnsafeChar } from "../../../lib/safe-text";
import { ZAbsPath } from "../../names";
import type { GuestFiles } from "../contract";

// What a QEMU guest is, as stored in the inventory and edited in the wizard. The command
// line is derived from it by a pure builder (qemu-argv.ts); nothing else may invent QEMU
// options. Names and paths are allow-listed here and checked again by the builder.

export const MACHINE_TYPE = /^[a-z0-9][a-z0-9._-]{0,39}$/;
export const CPU_MODEL = /^[A-Za-z0-9][A-Za-z0-9_.,+=-]{0,79}$/;

export const ZGuestName = z.string().regex(GUEST_NAME, GUEST_NAME_MESSAGE);
// The one interface-name pattern (lib/names.ts): a bridge the network editor creates is
// always accepted here, and a TAP name here is one the network pages can show and edit.
export const ZBridgeName = z.string().regex(IFNAME, "an interface name of at most 15 characters");

export const ZArch = z.enum(ARCHES);

export const ZDiskBus = z.enum(["virtio", "ide", "scsi"]);

export const ZBlockDiskPath = z.string().refine(isBlockDiskPath, "an LV path such as /dev/vg0/web or /dev/mapper/vg0-web");

export const ZGuestImageFormat = z.enum(GUEST_IMAGE_FORMATS);

export const ZDisk = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("new-image"),
    path: ZAbsPath,
    format: ZGuestImageFormat,
    sizeBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(64 * 2 ** 40),
    bus: ZDiskBus.default("virtio"),
  }),
  z.object({
    kind: z.literal("existing-image"),
    path: ZAbsPath,
    /**
     * Stored once (chosen, or read once when the disk is added) and passed to QEMU as
     * format=: never probed at a start, because the guest writes the content a probe reads.
     * Optional only so definitions saved before formats were stored still load; such a
     * disk is refused at start, naming this field, until someone chooses (see README).
     */
    format: ZGuestImageFormat.optional(),
    bus: ZDiskBus.default("virtio"),
  }),
  /** Always opened as raw and read-only: an ISO's content never picks how QEMU reads it. */
  z.object({ kind: z.literal("cdrom"), path: ZAbsPath }),
  /** An LV given to the guest whole; QEMU opens it directly, bypassing the host page cache. */
  z.object({ kind: z.literal("block"), path: ZBlockDiskPath, format: z.literal("raw").default("raw"), readOnly: z.boolean().optional() }),
]);

export const ZBoot = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("disk") }),
  z.object({ kind: z.literal("cdrom") }),
  z.object({
    kind: z.literal("kernel"),
    kernel: ZAbsPath,
    initrd: ZAbsPath.optional(),
    // One kernel command line; it is a single argv element, never split or interpreted.
    append: z
      .string()
      .max(4096)
      .refine((v) => !hasUnsafeChar(v), "one line without control characters (no CR, LF, TAB, NUL; see lib/safe-text.ts)")
      .default(""),
  }),
]);

export const ZPortForward = z.object({
  proto: z.enum(["tcp", "udp"]).default("tcp"),
  /**
   * The host address the forward listens on; 0.0.0.0 (every address) is refused. Left out
   * (definitions saved before it was asked), the host's management address is used when
   * it is an IPv4 literal; otherwise the definition is refused until one is chosen.
   */
  hostAddress: z.string().regex(IPV4, "an IPv4 address").optional(),
  hostPort: z.number().int().min(1).max(65535),
  guestPort: z.number().int().min(1).max(65535),
});

export const ZNic = z.object({
  model: z.enum(["virtio", "e1000", "rtl8139"]).default("virtio"),
  /**
   * Locally administered unicast, not all-zero; generated when left out (mac.ts). The
   * schema only checks the shape so older rows still load; macProblem() is the rule, at
   * the API edge and in the builder.
   */
  mac: z.string().regex(MAC, "a MAC address like 52:54:00:12:34:56").optional(),
  network: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("user"),
      /**
       * QEMU's restrict=on: the guest reaches nothing but its port forwards. Without it the
       * guest reaches the host's loopback services at 10.0.2.2, as a local user would.
       */
      restrict: z.boolean().default(false),
      forwards: z.array(ZPortForward).max(32).default([]),
    }),
    z.object({
      kind: z.literal("tap"),
      bridge: ZBridgeName,
      /**
       * The TAP's own name (an imported line's ifname=); left out, Labdeck names it per guest
       * and NIC (tapNameFor). Unique among the host's guests, checked when the guest is saved.
       */
      ifname: ZBridgeName.optional(),
    }),
  ]),
});

export const ZGuestDefinition = z.object({
  name: ZGuestName,
  arch: ZArch.default("x86_64"),
  machine: z.string().regex(MACHINE_TYPE, "a QEMU machine type such as q35 or pc").default("q35"),
  /** "auto": KVM when the host's probe found it usable, TCG otherwise. */
  accel: z.enum(["auto", "kvm", "tcg"]).default("auto"),
  cpuModel: z.string().regex(CPU_MODEL, "a QEMU CPU model").optional(),
  vcpus: z.number().int().min(1).max(256).default(1),
  memoryMiB: z
    .number()
    .int()
    .min(16)
    .max(4 * 1024 * 1024)
    .default(512),
  disks: z.array(ZDisk).max(16).default([]),
  boot: ZBoot.default({ kind: "disk" }),
  nics: z.array(ZNic).max(8).default([]),
  display: z.enum(["none", "vnc"]).default("none"),
});

export type TGuestDefinition = z.infer<typeof ZGuestDefinition>;
export type TGuestDefinitionInput = z.input<typeof ZGuestDefinition>;
export type TDisk = z.infer<typeof ZDisk>;
export type TNic = z.infer<typeof ZNic>;
export type TBoot = z.infer<typeof ZBoot>;

/** Where a guest's runtime files live on its host: one directory per guest. */
/** Where a QEMU guest's files are: its pidfile, monitor, serial socket and log (the console). */
export interface GuestRunFiles extends GuestFiles {
  qmpSocket: string;
  serialSocket: string;
  serialLog: string;
}

export function guestRunFiles(hostRunDir: string, guestName: string): GuestRunFiles {
  const dir = `${hostRunDir.replace(/\/$/, "")}/guests/${guestName}`;
  return {
    dir,
    pidfile: `${dir}/qemu.pid`,
    qmpSocket: `${dir}/qmp.sock`,
    serialSocket: `${dir}/serial.sock`,
    serialLog: `${dir}/serial.log`,
    console: { socket: `${dir}/serial.sock`, log: `${dir}/serial.log` },
  };
}
