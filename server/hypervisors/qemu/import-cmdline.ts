// Turns an existing QEMU command line (pasted text, or a running process's argv) into a
// guest definition, listing every option it did not map. What must not break: nothing is
// ever dropped or changed silently: an option is either mapped as QEMU reads it, listed
// in `unmapped` with its value, or explained in `differences` (e.g. replaced by Labdeck's
// own serial console), and what the line leaves out gets QEMU's own default, listed too.
import { ABS_PATH } from "../../names";
import { IFNAME } from "../../../lib/names";
import { ARCHES } from "../../../lib/guest-arches";
import { GUEST_NAME } from "../../../lib/names";
import type { TGuestDefinitionInput } from "./guest-definition";
import { isBlockDiskPath } from "../../../lib/volume-path";
import { optGet, parseQemuOpts, shellWords, type QemuOpts } from "./cmdline-syntax";
import type { ImportDifference } from "../contract";
import { defaultMachine, QEMU_DEFAULT_MEMORY_MIB, qemuDefaultNic, type QemuImport } from "./import-defaults";

type DiskIn = NonNullable<TGuestDefinitionInput["disks"]>[number];
type NicIn = NonNullable<TGuestDefinitionInput["nics"]>[number];
type Network = NicIn["network"];
type Forward = NonNullable<Extract<Network, { kind: "user" }>["forwards"]>;

const FLAGS = new Set([
  "enable-kvm",
  "no-kvm",
  "nographic",
  "daemonize",
  "no-reboot",
  "no-shutdown",
  "nodefaults",
  "snapshot",
  "S",
  "s",
  "no-hpet",
  "no-acpi",
  "usb",
  "full-screen",
  "no-user-config",
  "no-fd-bootchk",
  "enable-fips",
]);
const LABDECK_OWNED = new Set(["serial", "monitor", "qmp", "chardev", "pidfile", "daemonize", "mon", "qmp-pretty"]);
const NIC_MODELS: Record<string, NicIn["model"]> = {
  virtio: "virtio",
  "virtio-net-pci": "virtio",
  "virtio-net": "virtio",
  e1000: "e1000",
  "e1000-82545em": "e1000",
  rtl8139: "rtl8139",
};

function memoryMiB(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kKmMgGtT]?)[bB]?$/.exec(v);
  if (!m) return null;
  const mult: Record<string, number> = { k: 1 / 1024, m: 1, "": 1, g: 1024, t: 1024 * 1024 };
  return Math.round(Number(m[1]) * (mult[(m[2] ?? "").toLowerCase()] ?? 1));
}

function parseHostfwd(v: string): Forward[number] | null {
  const m = /^(tcp|udp)?:([\d.]*):(\d+)-([\d.]*):(\d+)$/.exec(v);
  if (!m) return null;
  const f: Forward[number] = { proto: (m[1] as "tcp" | "udp" | undefined) ?? "tcp", hostPort: Number(m[3]), guestPort: Number(m[5]) };
  if (m[2]) f.hostAddress = m[2];
  return f;
}

/** Maps a QEMU argv (argv[0] is the binary) to a definition. */
export function importQemuArgv(argv: readonly string[]): QemuImport {
  const def: Partial<TGuestDefinitionInput> = {};
  const unmapped: string[] = [];
  const warnings: string[] = [];
  const differences: ImportDifference[] = [];
  const labdeck = (field: string, line: string, definition: string) => differences.push({ field, line, definition, kind: "labdeck" });
  // Notes on a network that need its NIC's index, which is known once NICs are assembled.
  const netNotes = new Map<Network, ((field: string) => void)[]>();
  const seen = { machine: false, accel: false, memory: false, net: false, nodefaults: false, display: false };
  const disks: DiskIn[] = [];
  const drivesById = new Map<string, number>();
  const netdevs = new Map<string, Network>();
  const devices: { model: string; netdev: string; mac?: string }[] = [];
  const legacyNics: { vlan: string; model?: string; mac?: string }[] = [];
  const legacyNets = new Map<string, Network>();
  const directNics: NicIn[] = [];
  let bootOrder: string | null = null;
  const kernel: { kernel?: string; initrd?: string; append?: string } = {};

  const bin = (argv[0] ?? "").split("/").pop() ?? "";
  const sys = /^qemu-system-(.+)$/.exec(bin);
  if (sys) {
    if ((ARCHES as readonly string[]).includes(sys[1] as string)) def.arch = sys[1] as (typeof ARCHES)[number];
    else warnings.push(`architecture "${sys[1]}" is not one Labdeck runs`);
  } else if (bin === "kvm" || bin === "qemu-kvm") {
    // Debian's kvm is "qemu-system-x86_64 -enable-kvm": KVM or nothing.
    def.arch = "x86_64";
    def.accel = "kvm";
    seen.accel = true;
  } else if (bin === "qemu") {
    def.arch = "x86_64";
    labdeck("arch", "qemu (the old name of the PC emulator, qemu-system-i386 today)", "x86_64: qemu-system-x86_64 runs the same guests");
  } else warnings.push(`"${bin}" is not a QEMU binary name; read as qemu-system-x86_64`);

  const path = (field: string, p: string): string => {
    if (!ABS_PATH.test(p) || p.split("/").includes("..")) {
      warnings.push(`${field}: "${p}" is not an absolute path; give an absolute path under the host's roots`);
    }
    return p;
  };
  const addDisk = (p: string, kind: "image" | "cdrom", bus: "virtio" | "ide" | "scsi" = "ide"): number => {
    const field = `disks.${disks.length}.path`;
    // An LV given to -drive is a block disk (raw, no roots check, asked of LVM at start).
    if (kind === "image" && isBlockDiskPath(p)) disks.push({ kind: "block", path: p });
    else disks.push(kind === "cdrom" ? { kind: "cdrom", path: path(field, p) } : { kind: "existing-image", path: path(field, p), bus });
    return disks.length - 1;
  };
  const addImage = (p: string, how: string) => {
    const i = addDisk(p, "image");
    if (disks[i]?.kind === "existing-image")
      warnings.push(`disks.${i}.format: ${how} gives no format (QEMU probed it); choose raw or qcow2`);
  };
  const rest = (opt: string, o: QemuOpts, used: readonly string[]) => {
    for (const [k, v] of o.pairs) if (!used.includes(k)) unmapped.push(`-${opt} …${k}=${v}`);
  };
  const userNet = (o: QemuOpts, opt: string): Network => {
    const forwards: Forward = [];
    for (const [k, v] of o.pairs) {
      if (k !== "hostfwd") continue;
      const f = parseHostfwd(v);
      if (f) forwards.push(f);
      else unmapped.push(`-${opt} …hostfwd=${v}`);
    }
    const r = optGet(o, "restrict");
    rest(opt, o, ["hostfwd", "id", "vlan", "model", "macaddr", "mac", "restrict"]);
    // QEMU's default is unrestricted, and so is the import unless the line says otherwise.
    const net: Network = { kind: "user", restrict: r === "on" || r === "yes" || r === "y" || r === "true", forwards };
    netNotes.set(
      net,
      forwards.flatMap((f, j) =>
        f.hostAddress === undefined
          ? [
              (field: string) =>
                labdeck(
                  `${field}.forwards.${j}.hostAddress`,
                  `hostfwd=${f.proto}::${f.hostPort}-:${f.guestPort} listens on every host address`,
                  "one address: the host's management address unless you choose another",
                ),
            ]
          : [],
      ),
    );
    return net;
  };
  const tapNet = (o: QemuOpts, opt: string): Network => {
    const br = optGet(o, "br");
    if (br === undefined) warnings.push(`-${opt} ${o.implied ?? ""}: choose the bridge the TAP joins`);
    rest(opt, o, ["id", "vlan", "br", "ifname", "script", "downscript", "helper", "model", "macaddr", "mac"]);
    const ifname = optGet(o, "ifname");
    const keep = ifname !== undefined && IFNAME.test(ifname);
    const net: Network = { kind: "tap", bridge: br ?? "", ...(keep ? { ifname } : {}) };
    const notes: ((field: string) => void)[] = [];
    if (ifname === undefined)
      notes.push((f) =>
        labdeck(`${f}.ifname`, "no ifname= (the kernel names the TAP tapN)", "Labdeck names it (ldt…), unique on the host"),
      );
    else if (!keep)
      notes.push((f) =>
        labdeck(`${f}.ifname`, `ifname=${ifname}`, "Labdeck names it (ldt…): not an interface name of at most 15 characters"),
      );
    const script =
      o.implied === "bridge"
        ? "qemu-bridge-helper"
        : optGet(o, "helper")
          ? `helper=${optGet(o, "helper")}`
          : `script=${optGet(o, "script") ?? "/etc/qemu-ifup (QEMU's default)"}`;
    // A bridge helper or script would attach (and a downscript detach) the TAP on the host
    // with root's rights; Labdeck's plan does that itself, so neither is ever run.
    if (script !== "script=no" || optGet(o, "downscript") !== "no") {
      notes.push((f) =>
        labdeck(
          f,
          `${script}, downscript=${optGet(o, "downscript") ?? "/etc/qemu-ifdown"}`,
          `no scripts: Labdeck creates the TAP, attaches it to ${br ?? "the bridge"} and removes it itself`,
        ),
      );
    }
    netNotes.set(net, notes);
    return net;
  };

  for (let i = 1; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (!tok.startsWith("-")) {
      addImage(tok, "a disk image given without an option");
      continue;
    }
    const opt = tok.replace(/^--?/, "");
    if (FLAGS.has(opt)) {
      if (opt === "enable-kvm" || opt === "no-kvm") {
        def.accel = opt === "enable-kvm" ? "kvm" : "tcg";
        seen.accel = true;
      } else if (opt === "nographic") {
        def.display = "none";
        seen.display = true;
        labdeck("display", "-nographic (serial console and monitor on the terminal)", "none; the serial console is Labdeck's console page");
      } else if (opt === "nodefaults")
        seen.nodefaults = true; // Labdeck always runs with it
      else if (opt === "daemonize") labdeck("-daemonize", "-daemonize", "the same: Labdeck always starts guests daemonized");
      else unmapped.push(`-${opt}`);
      continue;
    }
    const val = argv[++i];
    if (val === undefined) {
      unmapped.push(`-${opt}`);
      warnings.push(`-${opt} has no value`);
      break;
    }
    const o = parseQemuOpts(val);
    switch (opt) {
      case "m": {
        const mib = memoryMiB(o.implied ?? optGet(o, "size") ?? "");
        if (mib === null) unmapped.push(`-m ${val}`);
        else def.memoryMiB = mib;
        seen.memory = true;
        rest(opt, o, ["size"]);
        break;
      }
      case "smp": {
        const n = Number(o.implied ?? optGet(o, "cpus"));
        if (Number.isInteger(n) && n > 0) def.vcpus = n;
        else unmapped.push(`-smp ${val}`);
        rest(opt, o, ["cpus"]);
        break;
      }
      case "hda":
      case "hdb":
      case "hdc":
      case "hdd":
        addImage(val, `-${opt}`);
        break;
      case "cdrom":
        addDisk(val, "cdrom");
        break;
      case "drive": {
        const file = optGet(o, "file");
        if (file === undefined) {
          unmapped.push(`-drive ${val}`);
          break;
        }
        const iface = optGet(o, "if") ?? "ide";
        const isCd = optGet(o, "media") === "cdrom";
        const bus = iface === "virtio" || iface === "scsi" ? iface : "ide";
        if (!["ide", "virtio", "scsi", "none"].includes(iface)) unmapped.push(`-drive …if=${iface}`);
        const idx = addDisk(file, isCd ? "cdrom" : "image", bus);
        // The command line's own format= is what that QEMU was told; kept for raw and qcow2
        // only. Without one the wizard asks (the old QEMU probed, which Labdeck never does).
        const fmt = optGet(o, "format");
        const added = disks[idx];
        if (added?.kind === "existing-image" && (fmt === "raw" || fmt === "qcow2")) added.format = fmt;
        else if (added?.kind === "existing-image")
          warnings.push(
            `disks.${idx}.format: ${fmt === undefined ? "no format= given (QEMU probed it)" : `format=${fmt} is not raw or qcow2`}; choose raw or qcow2`,
          );
        const id = optGet(o, "id");
        if (id !== undefined) drivesById.set(id, idx);
        if (iface === "none" && id === undefined) warnings.push(`-drive ${val}: if=none without an id is attached to nothing`);
        rest(opt, o, ["file", "if", "media", "id", "format", "index", "readonly"]);
        break;
      }
      case "boot": {
        const order = o.implied ?? optGet(o, "order") ?? optGet(o, "once");
        if (order !== undefined) bootOrder = order;
        rest(opt, o, ["order", "once"]);
        break;
      }
      case "kernel":
        kernel.kernel = val;
        break;
      case "initrd":
        kernel.initrd = val;
        break;
      case "append":
        kernel.append = val;
        break;
      case "net": {
        seen.net = true;
        const vlan = optGet(o, "vlan") ?? "0";
        if (o.implied === "nic") legacyNics.push({ vlan, model: optGet(o, "model"), mac: optGet(o, "macaddr") });
        else if (o.implied === "user") legacyNets.set(vlan, userNet(o, opt));
        else if (o.implied === "tap" || o.implied === "bridge") legacyNets.set(vlan, tapNet(o, opt));
        else if (o.implied !== "none") unmapped.push(`-net ${val}`);
        break;
      }
      case "nic": {
        seen.net = true;
        if (o.implied === "none") break;
        const net = o.implied === "user" ? userNet(o, opt) : o.implied === "tap" || o.implied === "bridge" ? tapNet(o, opt) : null;
        if (net === null) unmapped.push(`-nic ${val}`);
        else
          directNics.push({
            model: NIC_MODELS[optGet(o, "model") ?? "e1000"] ?? "virtio",
            ...(optGet(o, "mac") ? { mac: optGet(o, "mac") } : {}),
            network: net,
          });
        break;
      }
      case "netdev": {
        seen.net = true;
        const id = optGet(o, "id");
        const net = o.implied === "user" ? userNet(o, opt) : o.implied === "tap" || o.implied === "bridge" ? tapNet(o, opt) : null;
        if (net === null || id === undefined) unmapped.push(`-netdev ${val}`);
        else netdevs.set(id, net);
        break;
      }
      case "device": {
        const model = o.implied ?? "";
        const netdev = optGet(o, "netdev");
        const drive = optGet(o, "drive");
        if (netdev !== undefined) devices.push({ model, netdev, mac: optGet(o, "mac") });
        else if (drive !== undefined && drivesById.has(drive)) {
          const d = disks[drivesById.get(drive) as number];
          if (d && d.kind === "existing-image")
            d.bus = model.startsWith("virtio-blk") ? "virtio" : model.startsWith("scsi") ? "scsi" : "ide";
          if (/-cd$/.test(model)) disks[drivesById.get(drive) as number] = { kind: "cdrom", path: d?.path ?? "" };
        } else if (!/^virtio-scsi-pci|^lsi/.test(model)) unmapped.push(`-device ${val}`);
        break;
      }
      case "enable-kvm":
        break;
      case "accel": {
        const a = o.implied;
        if (a === "kvm" || a === "tcg") def.accel = a;
        else unmapped.push(`-accel ${val}`);
        seen.accel = true;
        rest(opt, o, ["thread"]);
        break;
      }
      case "M":
      case "machine": {
        const type = o.implied ?? optGet(o, "type");
        if (type !== undefined) def.machine = type;
        seen.machine ||= type !== undefined;
        const accel = optGet(o, "accel")?.split(":")[0];
        if (accel === "kvm" || accel === "tcg") def.accel = accel;
        seen.accel ||= accel !== undefined;
        rest(opt, o, ["type", "accel"]);
        break;
      }
      case "cpu":
        def.cpuModel = val;
        break;
      case "name": {
        const raw = optGet(o, "guest") ?? o.implied ?? val;
        const name = raw
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, "-")
          .replace(/^[^a-z]+/, "")
          .slice(0, 32);
        if (name !== raw) labdeck("name", `-name ${raw}`, `${name} (lowercase letters, digits and dashes)`);
        if (GUEST_NAME.test(name)) def.name = name;
        rest(opt, o, ["guest"]);
        break;
      }
      case "display":
        seen.display = true;
        if (o.implied === "vnc" || optGet(o, "vnc") !== undefined) def.display = "vnc";
        else {
          def.display = "none";
          if (o.implied !== "none")
            labdeck("display", `-display ${val} (a window on the host)`, "none: no local window; use the serial console or VNC");
        }
        break;
      case "vnc":
        seen.display = true;
        def.display = "vnc";
        labdeck("display", `-vnc ${val}`, "vnc on a unix socket in the guest's run directory, reached through Labdeck");
        break;
      default:
        if (LABDECK_OWNED.has(opt))
          labdeck(
            `-${opt}`,
            `-${opt} ${val}`,
            `replaced by Labdeck's own ${opt === "pidfile" ? "pidfile" : "QMP socket and serial console"}`,
          );
        else unmapped.push(`-${opt} ${val}`);
    }
  }

  if (kernel.kernel !== undefined) {
    def.boot = {
      kind: "kernel",
      kernel: path("boot.kernel", kernel.kernel),
      ...(kernel.initrd !== undefined ? { initrd: path("boot.initrd", kernel.initrd) } : {}),
      append: kernel.append ?? "",
    };
    if (bootOrder !== null) warnings.push(`-boot ${bootOrder}: ignored, -kernel boots the guest`);
  } else {
    if (kernel.initrd !== undefined || kernel.append !== undefined) unmapped.push("-initrd/-append without -kernel");
    const first = bootOrder?.[0];
    if (first === "d") def.boot = { kind: "cdrom" };
    else if (first === "c" || first === undefined) def.boot = { kind: "disk" };
    else unmapped.push(`-boot ${bootOrder ?? ""}`);
  }

  const nics: NicIn[] = [];
  for (const n of legacyNics) {
    const net = legacyNets.get(n.vlan) ?? { kind: "user", forwards: [] };
    if (!legacyNets.has(n.vlan)) {
      differences.push({
        field: `nics.${nics.length}.network`,
        line: `-net nic (vlan ${n.vlan}) with no -net backend: QEMU gives it user networking`,
        definition: "user networking (as QEMU's)",
        kind: "default",
      });
    }
    nics.push({ model: NIC_MODELS[n.model ?? "e1000"] ?? "virtio", ...(n.mac ? { mac: n.mac.toLowerCase() } : {}), network: net });
    if (n.model !== undefined && NIC_MODELS[n.model] === undefined)
      labdeck(`nics.${nics.length - 1}.model`, `model=${n.model}`, "virtio (a model Labdeck offers)");
  }
  for (const d of devices) {
    const net = netdevs.get(d.netdev);
    if (net === undefined) {
      unmapped.push(`-device ${d.model},netdev=${d.netdev}`);
      continue;
    }
    if (NIC_MODELS[d.model] === undefined) labdeck(`nics.${nics.length}.model`, `-device ${d.model}`, "virtio (a model Labdeck offers)");
    nics.push({ model: NIC_MODELS[d.model] ?? "virtio", ...(d.mac ? { mac: d.mac.toLowerCase() } : {}), network: net });
  }
  nics.push(...directNics);

  // What the line leaves out, QEMU decides; the definition keeps QEMU's choice and says so.
  const arch = def.arch ?? "x86_64";
  if (!seen.machine) {
    const m = defaultMachine(arch);
    def.machine = m.machine;
    differences.push(m.difference);
  }
  if (!seen.accel) {
    def.accel = "tcg";
    differences.push({
      field: "accel",
      line: "no accelerator: QEMU's default is TCG (it tries tcg, then kvm)",
      definition: "tcg (kept; choose auto for KVM where the host has it)",
      kind: "default",
    });
  }
  if (!seen.memory) {
    def.memoryMiB = QEMU_DEFAULT_MEMORY_MIB;
    differences.push({
      field: "memoryMiB",
      line: `no -m: QEMU's default is ${QEMU_DEFAULT_MEMORY_MIB} MiB`,
      definition: `${QEMU_DEFAULT_MEMORY_MIB} (kept; the wizard's own default is 512)`,
      kind: "default",
    });
  }
  if (!seen.net && !seen.nodefaults) {
    const nic = qemuDefaultNic(def.machine ?? "pc");
    nics.push({ model: nic.model, network: { kind: "user", restrict: false, forwards: [] } });
    differences.push({
      field: `nics.${nics.length - 1}`,
      line: `no -net, -nic or -netdev: QEMU adds its default NIC, ${nic.qemuModel} on user networking`,
      definition: `${nic.model} on user networking (unrestricted, as QEMU's)${nic.model !== nic.qemuModel ? `; ${nic.qemuModel} is not a Labdeck model` : ""}`,
      kind: "default",
    });
  }
  if (!seen.display)
    labdeck(
      "display",
      "no -display: QEMU opens a window on the host's screen (or VNC without one)",
      "none: the serial console; choose vnc for a VNC socket",
    );
  if (!seen.nodefaults) {
    labdeck(
      "-nodefaults",
      "no -nodefaults: QEMU also adds a VGA card, an empty CD-ROM drive, a floppy drive, a parallel port and a monitor",
      "-nodefaults: only the disks and NICs listed here, plus Labdeck's serial console and QMP socket",
    );
  }
  nics.forEach((n, i) => {
    for (const note of netNotes.get(n.network) ?? []) note(`nics.${i}.network`);
  });
  def.disks = disks;
  def.nics = nics;
  return { definition: def, unmapped, warnings, differences };
}

/** Pasted shell text (quotes, continuations; never evaluated) to a definition. */
export function importQemuCommandLine(text: string): QemuImport {
  let words: string[];
  try {
    words = shellWords(text);
  } catch (e) {
    return { definition: {}, unmapped: [], warnings: [`could not read the command line: ${(e as Error).message}`], differences: [] };
  }
  // A leading "sudo" or "env X=Y" is how people paste; the QEMU binary is what matters.
  while (words.length > 0 && (words[0] === "sudo" || words[0] === "env" || /^[A-Z_][A-Z0-9_]*=/.test(words[0] as string))) words.shift();
  if (words.length === 0) return { definition: {}, unmapped: [], warnings: ["the command line is empty"], differences: [] };
  return importQemuArgv(words);
}
