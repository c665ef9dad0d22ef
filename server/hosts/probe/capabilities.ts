import { z } from "zod";

// What a host can do, as the read-only probe found it. Stored as JSON on the host row and
// parsed back with this schema, so a change here must keep old rows parseable or they show
// as "not probed": add fields as optional/nullable, never rename. A null tool means "not
// found on the host"; a present tool with a null version means "found, version unreadable".

const ZPath = z.string().min(1);

export const ZToolInfo = z.object({
  path: ZPath,
  version: z.string().nullable(),
});

export const ZKvmCheck = z.enum(["passed", "failed", "stalled", "not-run"]);

export const ZXenTool = ZToolInfo.extend({
  /** From `xl info`/`xm info`: true when a hypervisor answered, null when unknown. */
  hypervisor: z.boolean().nullable(),
  detail: z.string(),
});

export const ZDisk = z.object({
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** lsblk TYPE: disk, part, loop, lvm, rom, ... */
  type: z.string(),
  model: z.string().nullable(),
  mountpoints: z.array(z.string()),
  /** Name of the device this one sits on (a partition's disk), null for top-level devices. */
  parent: z.string().nullable(),
});

export const ZHostCapabilities = z.object({
  arch: z.string(),
  kernel: z.string(),
  /** PRETTY_NAME from os-release. */
  os: z.string().nullable(),
  cpu: z.object({
    count: z.number().int().nonnegative(),
    model: z.string().nullable(),
    /** Hardware virtualization flags as the host kernel sees them; empty does not rule KVM out (PVM). */
    virtFlags: z.array(z.enum(["vmx", "svm"])),
  }),
  memory: z.object({
    totalBytes: z.number().int().nonnegative().nullable(),
    availableBytes: z.number().int().nonnegative().nullable(),
  }),
  disks: z.array(ZDisk),
  kvm: z.object({
    /** /dev/kvm is a character device. */
    device: z.boolean(),
    /** A real guest kernel booted under -accel kvm: the only answer the product trusts. */
    usable: z.boolean(),
    check: ZKvmCheck,
    detail: z.string(),
    /** Kernel image the check booted, if it ran. */
    testKernel: z.string().nullable(),
  }),
  tun: z.object({ device: z.boolean() }),
  qemu: z.object({
    binaries: z.array(ZToolInfo.extend({ name: z.string() })),
    img: ZToolInfo.nullable(),
  }),
  xen: z.object({
    xl: ZXenTool.nullable(),
    xm: ZXenTool.nullable(),
  }),
  uml: ZToolInfo.extend({ mconsolePath: ZPath.nullable() }).nullable(),
  lvm: ZToolInfo.extend({
    driverVersion: z.string().nullable(),
    /** false when lvm reported that the kernel has no device-mapper; null when unknown. */
    deviceMapper: z.boolean().nullable(),
  }).nullable(),
  ip: ZToolInfo.nullable(),
  bridge: ZToolInfo.nullable(),
  brctl: ZToolInfo.nullable(),
  iptables: ZToolInfo.extend({
    /** null when `iptables -V` was unreadable. */
    backend: z.enum(["legacy", "nf_tables"]).nullable(),
    legacyPath: ZPath.nullable(),
    nftPath: ZPath.nullable(),
  }).nullable(),
  /** net.ipv4.ip_forward; null when unreadable. */
  ipForward: z.boolean().nullable(),
});

export type TToolInfo = z.infer<typeof ZToolInfo>;
export type TXenTool = z.infer<typeof ZXenTool>;
export type TKvmCheck = z.infer<typeof ZKvmCheck>;
export type TDisk = z.infer<typeof ZDisk>;
export type THostCapabilities = z.infer<typeof ZHostCapabilities>;
