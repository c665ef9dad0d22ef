// The one place a QEMU command line is made: a pure function from a guest definition to
// argv, which is also what "show commands" displays before a start. Every name and path
// is checked again here, whoever calls it. What must not break: no value reaches a
// comma-separated QEMU option (-drive, -netdev, -chardev, -qmp) unless it is known to be
// free of commas, because QEMU would read "a,b" as two options (",," is its escape); and
// no disk reaches -drive without format= (QEMU would otherwise probe what the guest wrote).
import { assertAbsPath, assertMatches, assertUnderRoots } from "../../names";
import { badInput } from "../../errors";
import { IFNAME } from "../../../lib/names";
import { isBlockDiskPath } from "../../../lib/volume-path";
import { GUEST_NAME } from "../../../lib/names";
import { CPU_MODEL, MACHINE_TYPE, type GuestRunFiles, type TDisk, type TGuestDefinition, type TNic } from "./guest-definition";
import { MAC, macProblem } from "../../../lib/mac";
import { forwardAddressProblem } from "./nic-checks";
import { SSH_USER } from "../../names";

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
  /**
   * The unprivileged user QEMU drops to once it has opened its files (host setting), and
   * the host's QEMU version (probe), which decides the option's spelling. Null: stays root.
   */
  runAs?: { user: string; qemuVersion: string | null } | null;
}

/**
 * seccomp for QEMU 7.2 and later with -daemonize. spawn=deny and elevateprivileges=deny
 * are left out on purpose: -daemonize forks and calls setsid() after the filter is in
 * place, so QEMU 7.2 dies with SIGSYS or exits 1 with either (measured on Debian 12).
 * The filter sets no_new_privs, so an exec'd setuid program gains nothing anyway.
 */
export const QEMU_SANDBOX = "on,obsolete=deny,resourcecontrol=deny";

/** -runas before QEMU 9, -run-with user= from 9 on (-runas is deprecated there). */
export function runAsArgs(runAs: { user: string; qemuVersion: string | null }): string[] {
  const user = assertMatches("host.qemuRunAs", runAs.user, SSH_USER, "a Unix user name");
  if (user === "root") throw badInput("host.qemuRunAs", "root is what runas is meant to leave; leave the setting empty instead");
  const major = Number.parseInt(/^(\d+)\./.exec(runAs.qemuVersion ?? "")?.[1] ?? "", 10);
  return Number.isFinite(major) && major >= 9 ? ["-run-with", `user=${user}`] : ["-runas", user];
}

export const NIC_DEVICE: Record<TNic["model"], string> = { virtio: "virtio-net-pci", e1000: "e1000", rtl8139: "rtl8139" };
const IMAGE_FORMATS = /^(raw|qcow2)$/;

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
      // raw and read-only whatever the ISO holds: an image header in it must not decide.
      out.push("-drive", `file=${file},format=raw,if=ide,media=cdrom,readonly=on,id=disk${i}`);
      return;
    }
    const format: string | undefined = disk.format;
    if (format === undefined || !IMAGE_FORMATS.test(format)) {
      // Letting QEMU probe the format lets a guest that writes an image header into a raw
      // disk turn it into a qcow2 or VMDK naming a host file of its choosing on the next start.
      throw badInput(
        `disks.${i}.format`,
        format === undefined ? "no format is stored for this disk; choose raw or qcow2" : `"${format}" is not raw or qcow2`,
      );
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
  const seenTaps = new Set<string>();
  let tapIndex = 0;
  def.nics.forEach((nic, i) => {
    const mac = nic.mac ?? ctx.macs[i];
    if (mac === undefined) throw badInput(`nics.${i}.mac`, "no MAC address was generated for this NIC");
    assertMatches(`nics.${i}.mac`, mac, MAC, "a MAC address like 52:54:00:12:34:56");
    const bad = macProblem(mac);
    if (bad !== null) throw badInput(`nics.${i}.mac`, bad);
    if (seen.has(mac)) throw badInput(`nics.${i}.mac`, `${mac} is used by another NIC of this guest`);
    seen.add(mac);
    const id = `n${i}`;
    if (nic.network.kind === "user") {
      const fwds = nic.network.forwards.map((f, j) => {
        const bad = forwardAddressProblem(f.hostAddress);
        if (bad !== null) throw badInput(`nics.${i}.network.forwards.${j}.hostAddress`, bad);
        return `hostfwd=${f.proto}:${f.hostAddress ?? ""}:${f.hostPort}-:${f.guestPort}`;
      });
      // restrict=on: the guest reaches only its forwards, not the host's loopback at 10.0.2.2.
      out.push("-netdev", ["user", `id=${id}`, ...(nic.network.restrict ? ["restrict=on"] : []), ...fwds].join(","));
    } else {
      assertMatches(`nics.${i}.network.bridge`, nic.network.bridge, IFNAME, "an interface name");
      const tap = ctx.taps[tapIndex++];
      if (tap === undefined) throw badInput(`nics.${i}.network`, "no TAP interface name was given for this NIC");
      assertMatches(`nics.${i}.network.ifname`, tap, IFNAME, "an interface name of at most 15 characters");
      // Two NICs on one TAP: the second ip tuntap add fails, or both share one queue.
      if (seenTaps.has(tap)) throw badInput(`nics.${i}.network.ifname`, `TAP ${tap} is used by another NIC of this guest`);
      if (tap === nic.network.bridge) throw badInput(`nics.${i}.network.ifname`, `TAP ${tap} has the name of its bridge`);
      seenTaps.add(tap);
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
    if (ctx.accel !== "kvm" && /^host(,|$)/.test(def.cpuModel)) throw badInput("cpuModel", '"host" needs KVM');
    argv.push("-cpu", def.cpuModel);
  }
  argv.push("-smp", String(def.vcpus), "-m", `${def.memoryMiB}M`);
  // -nodefaults: no implicit NIC, CD-ROM, floppy, parallel port, monitor or VGA. Every
  // device a guest has is then one the definition names (and "show commands" lists).
  argv.push("-nodefaults");
  argv.push("-sandbox", QEMU_SANDBOX);
  if (ctx.runAs) argv.push(...runAsArgs(ctx.runAs));
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
