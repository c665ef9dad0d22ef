// The one place a QEMU command line is made: a pure function from a guest definition to
// argv, which is also what "show commands" displays before a start. Every name and path
// is checked again here, whoever calls it. What must not break: no value reaches a
// comma-separated QEMU option (-drive, -netdev, -chardev, -qmp) unless it is known to be
// free of commas, because QEMU would read "a,b" as two options (",," is its escape).
import { assertAbsPath, assertMatches, assertUnderRoots } from "../../names";
import { badInput } from "../../errors";
import {
  BRIDGE_NAME,
  CPU_MODEL,
  GUEST_NAME,
  isBlockDiskPath,
  MAC,
  MACHINE_TYPE,
  type GuestRunFiles,
  type TDisk,
  type TGuestDefinition,
  type TNic,
} from "./guest-definition";
import { isUnicastMac } from "./mac";

export interface QemuArgvContext {
  files: GuestRunFiles;
  /** Resolved from the definition's "auto" by the host probe: the builder never guesses. */
  accel: "kvm" | "tcg";
  /** One per NIC, in order; a NIC's own `mac` wins over its entry here. */
  macs: readonly string[];
  /** One TAP interface name per tap NIC, in the order those NICs appear. */
  taps: readonly string[];
  /** The host's configured roots: every disk, kernel and initrd path must lie under one. */
  roots: readonly string[];
  /** Format per disk index from `qemu-img info`; required for existing images (no probing). */
  diskFormats?: readonly (string | undefined)[];
}

export const NIC_DEVICE: Record<TNic["model"], string> = { virtio: "virtio-net-pci", e1000: "e1000", rtl8139: "rtl8139" };
const IMAGE_FORMATS = /^(raw|qcow2|qed|vmdk|vdi|vpc|vhdx)$/;

/** A value headed for a comma-separated QEMU option; QEMU would split it at a comma. */
function optValue(field: string, value: string): string {
  if (value.includes(",")) throw badInput(field, `"${value}" contains a comma, which QEMU would read as an option separator`);
  return value;
}

function hostPath(field: string, value: string, roots: readonly string[]): string {
  return optValue(field, assertUnderRoots(field, value, roots));
}

function runPath(field: string, value: string): string {
  return optValue(field, assertAbsPath(field, value));
}

function diskArgs(def: TGuestDefinition, ctx: QemuArgvContext): string[] {
  const out: string[] = [];
  let scsiController = false;
  def.disks.forEach((disk: TDisk, i) => {
    const field = `disks.${i}.path`;
    if (disk.kind === "block") {
      // An LV lives outside the roots by nature; the path rule (and the start plan's lvs
      // check) stand in for the roots check. The format is fixed: no probing, as below.
      // cache=none opens it O_DIRECT so a write the guest was told is done is on the LV,
      // not in the host's page cache, and aio=native (which needs O_DIRECT) is the
      // usual pairing for a block device.
      if (!isBlockDiskPath(disk.path)) throw badInput(field, `"${disk.path}" is not an LV path such as /dev/vg0/web`);
      const ro = disk.readOnly === true ? ",readonly=on" : "";
      out.push("-drive", `file=${optValue(field, disk.path)},format=raw,if=virtio,cache=none,aio=native${ro},id=disk${i}`);
      return;
    }
    const file = hostPath(field, disk.path, ctx.roots);
    if (disk.kind === "cdrom") {
      out.push("-drive", `file=${file},if=ide,media=cdrom,readonly=on,id=disk${i}`);
      return;
    }
    const format = disk.kind === "new-image" ? disk.format : ctx.diskFormats?.[i];
    if (format === undefined || !IMAGE_FORMATS.test(format)) {
      // Letting QEMU probe the format lets a guest that writes an image header into a raw
      // disk turn it into a qcow2 with a backing file of its choosing on the next start.
      throw badInput(`disks.${i}.format`, `unknown image format ${format === undefined ? "" : `"${format}" `}(read qemu-img info first)`);
    }
    if (disk.bus === "scsi") {
      if (!scsiController) out.push("-device", "virtio-scsi-pci,id=scsi0");
      scsiController = true;
      out.push("-drive", `file=${file},format=${format},if=none,id=disk${i}`, "-device", `scsi-hd,drive=disk${i},bus=scsi0.0`);
    } else {
      out.push("-drive", `file=${file},format=${format},if=${disk.bus},id=disk${i}`);
    }
  });
  return out;
}

function bootArgs(def: TGuestDefinition, ctx: QemuArgvContext): string[] {
  const boot = def.boot;
  if (boot.kind === "kernel") {
    const out = ["-kernel", hostPath("boot.kernel", boot.kernel, ctx.roots)];
    if (boot.initrd !== undefined) out.push("-initrd", hostPath("boot.initrd", boot.initrd, ctx.roots));
    if (/[\0\n]/.test(boot.append)) throw badInput("boot.append", "must be one line without NUL");
    // One argv element: the kernel command line is never split or interpreted here.
    if (boot.append !== "") out.push("-append", boot.append);
    return out;
  }
  if (boot.kind === "cdrom") {
    if (!def.disks.some((d) => d.kind === "cdrom")) throw badInput("boot", "boots from CD-ROM but the guest has no CD-ROM");
    return ["-boot", "order=d"];
  }
  if (!def.disks.some((d) => d.kind !== "cdrom")) throw badInput("boot", "boots from disk but the guest has no disk image");
  return ["-boot", "order=c"];
}

function nicArgs(def: TGuestDefinition, ctx: QemuArgvContext): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let tapIndex = 0;
  def.nics.forEach((nic, i) => {
    const mac = nic.mac ?? ctx.macs[i];
    if (mac === undefined) throw badInput(`nics.${i}.mac`, "no MAC address was generated for this NIC");
    assertMatches(`nics.${i}.mac`, mac, MAC, "a MAC address like 52:54:00:12:34:56");
    if (!isUnicastMac(mac)) throw badInput(`nics.${i}.mac`, `${mac} is a multicast address`);
    if (seen.has(mac)) throw badInput(`nics.${i}.mac`, `${mac} is used by another NIC of this guest`);
    seen.add(mac);
    const id = `n${i}`;
    if (nic.network.kind === "user") {
      const fwds = nic.network.forwards.map((f, j) => {
        const addr = f.hostAddress ?? "";
        if (addr !== "" && addr.split(".").some((o) => Number(o) > 255)) {
          throw badInput(`nics.${i}.network.forwards.${j}.hostAddress`, `"${addr}" is not an IPv4 address`);
        }
        // An empty address binds every host address, as QEMU does; set one to restrict it.
        return `hostfwd=${f.proto}:${addr}:${f.hostPort}-:${f.guestPort}`;
      });
      out.push("-netdev", ["user", `id=${id}`, ...fwds].join(","));
    } else {
      assertMatches(`nics.${i}.network.bridge`, nic.network.bridge, BRIDGE_NAME, "an interface name");
      const tap = ctx.taps[tapIndex++];
      if (tap === undefined) throw badInput(`nics.${i}.network`, "no TAP interface name was given for this NIC");
      assertMatches(`nics.${i}.tap`, tap, BRIDGE_NAME, "an interface name of at most 15 characters");
      out.push("-netdev", `tap,id=${id},ifname=${tap},script=no,downscript=no`);
    }
    out.push("-device", `${NIC_DEVICE[nic.model]},netdev=${id},mac=${mac}`);
  });
  return out;
}

/** The full argv of `qemu-system-<arch>` for `def`, daemonized with QMP and a serial socket. */
export function buildQemuArgv(def: TGuestDefinition, ctx: QemuArgvContext): string[] {
  assertMatches("name", def.name, GUEST_NAME, "a guest name");
  assertMatches("machine", def.machine, MACHINE_TYPE, "a QEMU machine type");
  if (def.accel !== "auto" && def.accel !== ctx.accel) {
    throw badInput("accel", `the guest asks for ${def.accel} but ${ctx.accel} was resolved`);
  }
  const f = ctx.files;
  const argv = [`qemu-system-${def.arch}`, "-name", `guest=${def.name}`, "-machine", def.machine];
  // thread=multi: one host thread per vCPU under TCG; KVM always has that.
  argv.push("-accel", ctx.accel === "tcg" && def.vcpus > 1 ? "tcg,thread=multi" : ctx.accel);
  if (def.cpuModel !== undefined) {
    assertMatches("cpuModel", def.cpuModel, CPU_MODEL, "a QEMU CPU model");
    if (ctx.accel !== "kvm" && /^host(,|$)/.test(def.cpuModel)) throw badInput("cpuModel", "\"host\" needs KVM");
    argv.push("-cpu", def.cpuModel);
  }
  argv.push("-smp", String(def.vcpus), "-m", `${def.memoryMiB}M`);
  // -nodefaults: no implicit NIC, CD-ROM, floppy, parallel port, monitor or VGA. Every
  // device a guest has is then one the definition names (and "show commands" lists).
  argv.push("-nodefaults");
  argv.push(...diskArgs(def, ctx), ...bootArgs(def, ctx), ...nicArgs(def, ctx));
  argv.push("-display", "none");
  if (def.display === "vnc") {
    // A unix socket, reached through SSH like the consoles: no TCP port opened on the host.
    argv.push("-vga", "std", "-vnc", `unix:${runPath("files.dir", f.dir)}/vnc.sock`);
  }
  argv.push(
    "-daemonize",
    "-pidfile",
    runPath("files.pidfile", f.pidfile),
    "-qmp",
    `unix:${runPath("files.qmpSocket", f.qmpSocket)},server=on,wait=off`,
    "-chardev",
    `socket,id=serial0,path=${runPath("files.serialSocket", f.serialSocket)},server=on,wait=off,logfile=${runPath("files.serialLog", f.serialLog)},logappend=on`,
    "-serial",
    "chardev:serial0",
  );
  return argv;
}
