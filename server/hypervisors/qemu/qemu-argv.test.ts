import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { guestRunFiles, ZGuestDefinition, type TGuestDefinitionInput } from "./guest-definition";
import { buildQemuArgv, type QemuArgvContext } from "./qemu-argv";

const files = guestRunFiles("/srv/labdeck/run", "tiny");
const ctx = (over: Partial<QemuArgvContext> = {}): QemuArgvContext => ({
  files,
  accel: "tcg",
  macs: ["52:54:00:12:34:56", "52:54:00:12:34:57"],
  taps: ["ldk-tiny-0"],
  roots: ["/srv/labdeck"],
  ...over,
});
const def = (input: Partial<TGuestDefinitionInput>) => ZGuestDefinition.parse({ name: "tiny", ...input });

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT") return e.field;
    throw e;
  }
  return undefined;
}

const runTail = [
  "-display",
  "none",
  "-daemonize",
  "-pidfile",
  "/srv/labdeck/run/guests/tiny/qemu.pid",
  "-qmp",
  "unix:/srv/labdeck/run/guests/tiny/qmp.sock,server=on,wait=off",
  "-chardev",
  "socket,id=serial0,path=/srv/labdeck/run/guests/tiny/serial.sock,server=on,wait=off,logfile=/srv/labdeck/run/guests/tiny/serial.log,logappend=on",
  "-serial",
  "chardev:serial0",
];

describe("buildQemuArgv", () => {
  it("builds the LAB-HOSTS tiny guest exactly", () => {
    const tiny = def({
      machine: "pc",
      memoryMiB: 256,
      boot: {
        kind: "kernel",
        kernel: "/srv/labdeck/images/vmlinuz",
        initrd: "/srv/labdeck/images/initramfs.cpio.gz",
        append: "console=ttyS0 quiet panic=-1 labdeck.ip=192.168.77.10/24",
      },
      nics: [{ network: { kind: "tap", bridge: "br0" } }],
    });
    expect(buildQemuArgv(tiny, ctx())).toEqual([
      "qemu-system-x86_64",
      "-name",
      "guest=tiny",
      "-machine",
      "pc",
      "-accel",
      "tcg",
      "-smp",
      "1",
      "-m",
      "256M",
      "-nodefaults",
      "-sandbox",
      "on,obsolete=deny,resourcecontrol=deny",
      "-kernel",
      "/srv/labdeck/images/vmlinuz",
      "-initrd",
      "/srv/labdeck/images/initramfs.cpio.gz",
      "-append",
      "console=ttyS0 quiet panic=-1 labdeck.ip=192.168.77.10/24",
      "-netdev",
      "tap,id=n0,ifname=ldk-tiny-0,script=no,downscript=no",
      "-device",
      "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56",
      ...runTail,
    ]);
  });

  it("uses tcg,thread=multi for SMP under TCG, plain kvm otherwise, and -cpu only when set", () => {
    const d = def({ vcpus: 2, boot: { kind: "kernel", kernel: "/srv/labdeck/k" } });
    expect(buildQemuArgv(d, ctx())).toContain("tcg,thread=multi");
    const k = buildQemuArgv({ ...d, cpuModel: "host" }, ctx({ accel: "kvm" }));
    expect(k.slice(5, 9)).toEqual(["-accel", "kvm", "-cpu", "host"]);
    expect(buildQemuArgv(d, ctx())).not.toContain("-cpu");
    expect(buildQemuArgv({ ...d, cpuModel: "max,-smap" }, ctx())).toContain("max,-smap");
  });

  it("maps each disk kind and bus; a SCSI controller is added once", () => {
    const d = def({
      disks: [
        { kind: "new-image", path: "/srv/labdeck/img/a.qcow2", format: "qcow2", sizeBytes: 2 ** 30 },
        { kind: "existing-image", path: "/srv/labdeck/img/b.raw", format: "raw", bus: "ide" },
        { kind: "existing-image", path: "/srv/labdeck/img/c.qcow2", format: "qcow2", bus: "scsi" },
        { kind: "new-image", path: "/srv/labdeck/img/d.raw", format: "raw", sizeBytes: 2 ** 30, bus: "scsi" },
        { kind: "cdrom", path: "/srv/labdeck/iso/debian.iso" },
      ],
      boot: { kind: "cdrom" },
    });
    const argv = buildQemuArgv(d, ctx());
    const start = argv.indexOf("-sandbox") + 2;
    expect(argv.slice(start, argv.indexOf("-display"))).toEqual([
      "-drive",
      "file=/srv/labdeck/img/a.qcow2,format=qcow2,if=virtio,id=disk0",
      "-drive",
      "file=/srv/labdeck/img/b.raw,format=raw,if=ide,id=disk1",
      "-device",
      "virtio-scsi-pci,id=scsi0",
      "-drive",
      "file=/srv/labdeck/img/c.qcow2,format=qcow2,if=none,id=disk2",
      "-device",
      "scsi-hd,drive=disk2,bus=scsi0.0",
      "-drive",
      "file=/srv/labdeck/img/d.raw,format=raw,if=none,id=disk3",
      "-device",
      "scsi-hd,drive=disk3,bus=scsi0.0",
      "-drive",
      "file=/srv/labdeck/iso/debian.iso,format=raw,if=ide,media=cdrom,readonly=on,id=disk4",
      "-boot",
      "order=d",
    ]);
  });

  it("gives an LV whole as raw virtio with O_DIRECT and native AIO, outside the roots", () => {
    const d = def({
      disks: [
        { kind: "block", path: "/dev/vg0/web-root" },
        { kind: "existing-image", path: "/srv/labdeck/img/b.raw", format: "raw", bus: "ide" },
        { kind: "block", path: "/dev/mapper/vg0-web--data", readOnly: true },
      ],
    });
    const argv = buildQemuArgv(d, ctx());
    const start = argv.indexOf("-sandbox") + 2;
    expect(argv.slice(start, argv.indexOf("-display"))).toEqual([
      "-drive",
      "file=/dev/vg0/web-root,format=raw,if=virtio,cache=none,aio=native,id=disk0",
      "-drive",
      "file=/srv/labdeck/img/b.raw,format=raw,if=ide,id=disk1",
      "-drive",
      "file=/dev/mapper/vg0-web--data,format=raw,if=virtio,cache=none,aio=native,readonly=on,id=disk2",
      "-boot",
      "order=c",
    ]);
  });

  it("boots from disk with order=c and leaves -append out when empty", () => {
    const d = def({ disks: [{ kind: "new-image", path: "/srv/labdeck/a.qcow2", format: "qcow2", sizeBytes: 2 ** 30 }] });
    expect(buildQemuArgv(d, ctx())).toContain("order=c");
    const k = buildQemuArgv(def({ boot: { kind: "kernel", kernel: "/srv/labdeck/k" } }), ctx());
    expect(k).not.toContain("-append");
    expect(k).not.toContain("-initrd");
  });

  it("keeps a kernel command line with spaces and quotes as one element", () => {
    const append = `root=/dev/vda rw init="/bin/sh -c 'echo; x'" $(reboot)`;
    const argv = buildQemuArgv(def({ boot: { kind: "kernel", kernel: "/srv/labdeck/k", append } }), ctx());
    expect(argv[argv.indexOf("-append") + 1]).toBe(append);
  });

  it("maps user networking with forwards, and NIC models", () => {
    const d = def({
      boot: { kind: "kernel", kernel: "/srv/labdeck/k" },
      nics: [
        {
          model: "e1000",
          network: {
            kind: "user",
            forwards: [
              { hostAddress: "10.0.0.5", hostPort: 10022, guestPort: 22 },
              { proto: "udp", hostAddress: "127.0.0.1", hostPort: 5353, guestPort: 53 },
            ],
          },
        },
        { model: "rtl8139", mac: "02:00:00:00:00:01", network: { kind: "user", restrict: true } },
      ],
    });
    const argv = buildQemuArgv(d, ctx());
    const i = argv.indexOf("-netdev");
    expect(argv.slice(i, i + 8)).toEqual([
      "-netdev",
      "user,id=n0,hostfwd=tcp:10.0.0.5:10022-:22,hostfwd=udp:127.0.0.1:5353-:53",
      "-device",
      "e1000,netdev=n0,mac=52:54:00:12:34:56",
      "-netdev",
      "user,id=n1,restrict=on",
      "-device",
      "rtl8139,netdev=n1,mac=02:00:00:00:00:01",
    ]);
  });

  it("adds a VGA and a VNC unix socket in the run directory for display vnc", () => {
    const argv = buildQemuArgv(def({ display: "vnc", boot: { kind: "kernel", kernel: "/srv/labdeck/k" } }), ctx());
    expect(argv).toEqual(expect.arrayContaining(["-vga", "std", "-vnc", "unix:/srv/labdeck/run/guests/tiny/vnc.sock"]));
  });

  it("opens a CD-ROM as raw and read-only, whatever the ISO holds", () => {
    const argv = buildQemuArgv(def({ disks: [{ kind: "cdrom", path: "/srv/labdeck/iso/x.iso" }], boot: { kind: "cdrom" } }), ctx());
    expect(argv).toContain("file=/srv/labdeck/iso/x.iso,format=raw,if=ide,media=cdrom,readonly=on,id=disk0");
  });

  it("passes every image disk's stored format; none reaches -drive without format=", () => {
    const d = def({
      disks: [
        { kind: "existing-image", path: "/srv/labdeck/a.img", format: "raw" },
        { kind: "existing-image", path: "/srv/labdeck/b.qcow2", format: "qcow2", bus: "scsi" },
        { kind: "new-image", path: "/srv/labdeck/c.qcow2", format: "qcow2", sizeBytes: 2 ** 30 },
        { kind: "cdrom", path: "/srv/labdeck/d.iso" },
        { kind: "block", path: "/dev/vg0/e" },
      ],
    });
    const drives = buildQemuArgv(d, ctx()).flatMap((a, i, all) => (all[i - 1] === "-drive" ? [a] : []));
    expect(drives).toHaveLength(5);
    for (const drive of drives) expect(drive).toMatch(/,format=(raw|qcow2),/);
  });

  it("runs sandboxed, and as the host's unprivileged user in the spelling its QEMU knows", () => {
    const k = { kind: "kernel", kernel: "/srv/labdeck/k" } as const;
    const argv = buildQemuArgv(def({ boot: k }), ctx());
    expect(argv.slice(argv.indexOf("-sandbox"), argv.indexOf("-sandbox") + 2)).toEqual([
      "-sandbox",
      "on,obsolete=deny,resourcecontrol=deny",
    ]);
    expect(argv).not.toContain("-runas");
    const old = buildQemuArgv(def({ boot: k }), ctx({ runAs: { user: "labdeck", qemuVersion: "7.2.22" } }));
    expect(old.slice(old.indexOf("-runas"), old.indexOf("-runas") + 2)).toEqual(["-runas", "labdeck"]);
    const unknown = buildQemuArgv(def({ boot: k }), ctx({ runAs: { user: "nobody", qemuVersion: null } }));
    expect(unknown).toContain("-runas");
    const modern = buildQemuArgv(def({ boot: k }), ctx({ runAs: { user: "labdeck", qemuVersion: "9.2.0" } }));
    expect(modern).not.toContain("-runas");
    expect(modern.slice(modern.indexOf("-run-with"), modern.indexOf("-run-with") + 2)).toEqual(["-run-with", "user=labdeck"]);
  });

  describe("refusals name the field", () => {
    const k = { kind: "kernel", kernel: "/srv/labdeck/k" } as const;
    it.each([
      ["a path outside the roots", () => buildQemuArgv(def({ boot: { kind: "kernel", kernel: "/etc/shadow" } }), ctx()), "boot.kernel"],
      [
        "a disk outside the roots",
        () => buildQemuArgv(def({ boot: k, disks: [{ kind: "cdrom", path: "/srv/other/x.iso" }] }), ctx()),
        "disks.0.path",
      ],
      [
        "a root prefix that is not a directory boundary",
        () => buildQemuArgv(def({ boot: { kind: "kernel", kernel: "/srv/labdeck-evil/k" } }), ctx()),
        "boot.kernel",
      ],
      [
        "a comma in a path (unchecked caller)",
        () => buildQemuArgv({ ...def({ boot: k }), disks: [{ kind: "cdrom", path: "/srv/labdeck/a,b.iso" }] }, ctx()),
        "disks.0.path",
      ],
      [
        "'..' in a path",
        () => buildQemuArgv({ ...def({}), boot: { kind: "kernel", kernel: "/srv/labdeck/../etc/k", append: "" } }, ctx()),
        "boot.kernel",
      ],
      [
        "an existing image without a stored format (saved by an older Labdeck)",
        () => buildQemuArgv(def({ disks: [{ kind: "existing-image", path: "/srv/labdeck/a.img" }] }), ctx()),
        "disks.0.format",
      ],
      [
        "an option smuggled in as a format (unchecked caller)",
        () =>
          buildQemuArgv(
            {
              ...def({}),
              disks: [{ kind: "existing-image", path: "/srv/labdeck/a.img", format: "raw,backing=x" as "raw", bus: "virtio" }],
            },
            ctx(),
          ),
        "disks.0.format",
      ],
      [
        "a vmdk disk (unchecked caller)",
        () =>
          buildQemuArgv(
            {
              ...def({}),
              disks: [{ kind: "new-image", path: "/srv/labdeck/a.vmdk", format: "vmdk" as "raw", sizeBytes: 2 ** 20, bus: "virtio" }],
            },
            ctx(),
          ),
        "disks.0.format",
      ],
      [
        "a forward without a host address (every address)",
        () => buildQemuArgv(def({ boot: k, nics: [{ network: { kind: "user", forwards: [{ hostPort: 2222, guestPort: 22 }] } }] }), ctx()),
        "nics.0.network.forwards.0.hostAddress",
      ],
      [
        "a forward on 0.0.0.0",
        () =>
          buildQemuArgv(
            def({ boot: k, nics: [{ network: { kind: "user", forwards: [{ hostAddress: "0.0.0.0", hostPort: 2222, guestPort: 22 }] } }] }),
            ctx(),
          ),
        "nics.0.network.forwards.0.hostAddress",
      ],
      [
        "a universally administered MAC",
        () => buildQemuArgv(def({ boot: k, nics: [{ mac: "00:16:3e:12:34:56", network: { kind: "user" } }] }), ctx()),
        "nics.0.mac",
      ],
      [
        "the all-zero MAC",
        () => buildQemuArgv(def({ boot: k, nics: [{ mac: "00:00:00:00:00:00", network: { kind: "user" } }] }), ctx()),
        "nics.0.mac",
      ],
      [
        "a generated MAC that is not locally administered",
        () => buildQemuArgv(def({ boot: k, nics: [{ network: { kind: "user" } }] }), ctx({ macs: ["00:50:56:00:00:01"] })),
        "nics.0.mac",
      ],
      [
        "root as the runas user",
        () => buildQemuArgv(def({ boot: k }), ctx({ runAs: { user: "root", qemuVersion: "7.2.22" } })),
        "host.qemuRunAs",
      ],
      [
        "a runas user with a comma (unchecked caller)",
        () => buildQemuArgv(def({ boot: k }), ctx({ runAs: { user: "a,b", qemuVersion: "9.2.0" } })),
        "host.qemuRunAs",
      ],
      ["cdrom boot without a cdrom", () => buildQemuArgv(def({ boot: { kind: "cdrom" } }), ctx()), "boot"],
      ["disk boot without a disk", () => buildQemuArgv(def({}), ctx()), "boot"],
      ["-cpu host under TCG", () => buildQemuArgv(def({ boot: k, cpuModel: "host" }), ctx()), "cpuModel"],
      ["a forced accel that differs", () => buildQemuArgv(def({ boot: k, accel: "kvm" }), ctx()), "accel"],
      ["a bad name (unchecked caller)", () => buildQemuArgv({ ...def({ boot: k }), name: "x,y" }, ctx()), "name"],
      [
        "a newline in -append (unchecked caller)",
        () => buildQemuArgv({ ...def({}), boot: { kind: "kernel", kernel: "/srv/labdeck/k", append: "a\nb" } }, ctx()),
        "boot.append",
      ],
      ["a missing MAC", () => buildQemuArgv(def({ boot: k, nics: [{ network: { kind: "user" } }] }), ctx({ macs: [] })), "nics.0.mac"],
      [
        "a multicast MAC",
        () => buildQemuArgv(def({ boot: k, nics: [{ mac: "01:00:5e:00:00:01", network: { kind: "user" } }] }), ctx()),
        "nics.0.mac",
      ],
      [
        "duplicate MACs",
        () =>
          buildQemuArgv(
            def({ boot: k, nics: [{ network: { kind: "user" } }, { network: { kind: "user" } }] }),
            ctx({ macs: ["52:54:00:00:00:01", "52:54:00:00:00:01"] }),
          ),
        "nics.1.mac",
      ],
      [
        "a missing TAP name",
        () => buildQemuArgv(def({ boot: k, nics: [{ network: { kind: "tap", bridge: "br0" } }] }), ctx({ taps: [] })),
        "nics.0.network",
      ],
      [
        "a bad TAP name",
        () => buildQemuArgv(def({ boot: k, nics: [{ network: { kind: "tap", bridge: "br0" } }] }), ctx({ taps: ["tap0,script=/x"] })),
        "nics.0.network.ifname",
      ],
      [
        "a bad run file path",
        () => buildQemuArgv(def({ boot: k }), ctx({ files: { ...files, pidfile: "relative.pid" } })),
        "files.pidfile",
      ],
      ["no roots at all", () => buildQemuArgv(def({ boot: k }), ctx({ roots: [] })), "boot.kernel"],
      [
        "a block disk that is not an LV path (unchecked caller)",
        () => buildQemuArgv({ ...def({ boot: k }), disks: [{ kind: "block", path: "/dev/sda", format: "raw" }] }, ctx()),
        "disks.0.path",
      ],
      [
        "a block disk with a comma (unchecked caller)",
        () => buildQemuArgv({ ...def({ boot: k }), disks: [{ kind: "block", path: "/dev/vg0/a,b", format: "raw" }] }, ctx()),
        "disks.0.path",
      ],
      [
        "a block disk with '..' (unchecked caller)",
        () => buildQemuArgv({ ...def({ boot: k }), disks: [{ kind: "block", path: "/dev/vg0/../sda", format: "raw" }] }, ctx()),
        "disks.0.path",
      ],
    ])("refuses %s", (_what, fn, field) => {
      expect(fieldOf(fn)).toBe(field);
    });
  });
});
