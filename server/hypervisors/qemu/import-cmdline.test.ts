import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseQemuOpts, shellWords } from "./cmdline-syntax";
import { importQemuArgv, importQemuCommandLine } from "./import-cmdline";

describe("shellWords", () => {
  it("handles quotes, escapes and continuations without evaluating", () => {
    expect(shellWords(`qemu -append "root=/dev/sda1 console=ttyS0" \\\n  -name 'my vm' a\\ b "$(reboot)" # note`)).toEqual([
      "qemu",
      "-append",
      "root=/dev/sda1 console=ttyS0",
      "-name",
      "my vm",
      "a b",
      "$(reboot)",
    ]);
    expect(() => shellWords(`qemu -append "x`)).toThrow(/unterminated/);
  });
  it("reads QEMU option values with ,, escapes and repeated keys", () => {
    expect(parseQemuOpts("user,id=n0,hostfwd=tcp::1-:2,hostfwd=tcp::3-:4,file=a,,b")).toEqual({
      implied: "user",
      pairs: [
        ["id", "n0"],
        ["hostfwd", "tcp::1-:2"],
        ["hostfwd", "tcp::3-:4"],
        ["file", "a,b"],
      ],
    });
  });
});

describe("importQemuCommandLine", () => {
  it("maps a -drive on an LV to a block disk, and leaves other device paths as images to be refused", () => {
    const r = importQemuCommandLine(
      "qemu-system-x86_64 -m 256 -drive file=/dev/vg0/web,format=raw,if=virtio -drive file=/dev/mapper/vg0-data,if=virtio -hdb /dev/sdb",
    );
    expect(r.definition.disks).toEqual([
      { kind: "block", path: "/dev/vg0/web" },
      { kind: "block", path: "/dev/mapper/vg0-data" },
      { kind: "existing-image", path: "/dev/sdb", bus: "ide" },
    ]);
  });
  it("maps the issue's kvm example, warning about the relative paths", () => {
    const r = importQemuCommandLine(
      "kvm -smp 2 -m 512 -hda disk.img -net nic -net user,hostfwd=tcp::10022-:22 -kernel bzImage -append root=/dev/sda1",
    );
    expect(r.definition).toEqual({
      arch: "x86_64",
      accel: "kvm",
      machine: "pc",
      vcpus: 2,
      memoryMiB: 512,
      disks: [{ kind: "existing-image", path: "disk.img", bus: "ide" }],
      boot: { kind: "kernel", kernel: "bzImage", append: "root=/dev/sda1" },
      nics: [{ model: "e1000", network: { kind: "user", restrict: false, forwards: [{ proto: "tcp", hostPort: 10022, guestPort: 22 }] } }],
    });
    expect(r.unmapped).toEqual([]);
    expect(r.warnings).toEqual([
      'disks.0.path: "disk.img" is not an absolute path; give an absolute path under the host\'s roots',
      "disks.0.format: -hda gives no format (QEMU probed it); choose raw or qcow2",
      'boot.kernel: "bzImage" is not an absolute path; give an absolute path under the host\'s roots',
    ]);
  });

  it("maps an installer line with -drive, -cdrom, -boot d, -netdev/-device and lists what it left", () => {
    const r = importQemuCommandLine(`/usr/bin/qemu-system-x86_64 -enable-kvm -M q35 -cpu host -m 2G \\
      -smp cpus=4,sockets=1 -name guest=Web01,debug-threads=on \\
      -drive file=/srv/vm/web01.qcow2,format=qcow2,if=virtio,cache=none \\
      -cdrom /srv/iso/debian-12.iso -boot d \\
      -netdev tap,id=net0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=net0,mac=52:54:00:AB:CD:EF \\
      -netdev user,id=net1,hostfwd=tcp:127.0.0.1:8080-:80 -device e1000,netdev=net1 \\
      -vga std -vnc :1 -usb -device usb-tablet -serial mon:stdio -rtc base=utc`);
    expect(r.definition).toMatchObject({
      arch: "x86_64",
      accel: "kvm",
      machine: "q35",
      cpuModel: "host",
      memoryMiB: 2048,
      vcpus: 4,
      name: "web01",
      display: "vnc",
      boot: { kind: "cdrom" },
      disks: [
        { kind: "existing-image", path: "/srv/vm/web01.qcow2", bus: "virtio" },
        { kind: "cdrom", path: "/srv/iso/debian-12.iso" },
      ],
      nics: [
        { model: "virtio", mac: "52:54:00:ab:cd:ef", network: { kind: "tap", bridge: "" } },
        {
          model: "e1000",
          network: { kind: "user", forwards: [{ proto: "tcp", hostAddress: "127.0.0.1", hostPort: 8080, guestPort: 80 }] },
        },
      ],
    });
    expect(r.unmapped).toEqual([
      "-smp …sockets=1",
      "-name …debug-threads=on",
      "-drive …cache=none",
      "-vga std",
      "-usb",
      "-device usb-tablet",
      "-rtc base=utc",
    ]);
    expect(r.warnings.join("\n")).toMatch(/choose the bridge/);
    expect(r.differences).toContainEqual({
      field: "-serial",
      line: "-serial mon:stdio",
      definition: "replaced by Labdeck's own QMP socket and serial console",
      kind: "labdeck",
    });
  });

  it("maps if=none drives through their -device, a bridge netdev, -nic and -accel", () => {
    const r = importQemuCommandLine(
      "qemu-system-aarch64 -accel tcg,thread=multi -machine virt -m 1024 -drive if=none,id=d0,file=/a/root.img,format=raw " +
        "-device virtio-scsi-pci -device scsi-hd,drive=d0 -netdev bridge,id=n,br=br0 -device rtl8139,netdev=n -nic user,model=virtio -nographic",
    );
    expect(r.definition).toMatchObject({
      arch: "aarch64",
      accel: "tcg",
      machine: "virt",
      memoryMiB: 1024,
      display: "none",
      disks: [{ kind: "existing-image", path: "/a/root.img", bus: "scsi" }],
      nics: [
        { model: "rtl8139", network: { kind: "tap", bridge: "br0" } },
        { model: "virtio", network: { kind: "user", forwards: [] } },
      ],
    });
    expect(r.unmapped).toEqual([]);
  });

  it("keeps unknown options with their values and never throws on odd input", () => {
    expect(importQemuCommandLine("qemu -foo bar -boot n -m lots").unmapped).toEqual(["-foo bar", "-m lots", "-boot n"]);
    expect(importQemuCommandLine('qemu -append "x').warnings[0]).toMatch(/unterminated/);
    expect(importQemuCommandLine("sudo qemu-system-x86_64 /srv/a.img").definition.disks).toEqual([
      { kind: "existing-image", path: "/srv/a.img", bus: "ide" },
    ]);
  });

  it("reads a real running QEMU's /proc cmdline", () => {
    const raw = readFileSync(path.join(import.meta.dirname, "fixtures", "proc-cmdline.bin"), "utf8");
    const r = importQemuArgv(raw.replace(/\0$/, "").split("\0"));
    expect(r.definition).toMatchObject({ name: "tiny", accel: "tcg", memoryMiB: 256, boot: { kind: "kernel" } });
    expect(r.definition.nics).toEqual([
      {
        model: "virtio",
        network: { kind: "user", restrict: false, forwards: [{ proto: "tcp", hostAddress: "127.0.0.1", hostPort: 10022, guestPort: 22 }] },
      },
    ]);
    // Labdeck runs every guest with -nodefaults: the process's own is mapped, not left over.
    expect(r.unmapped).toEqual([]);
  });
  it("keeps a -drive's own raw or qcow2 format and asks for the rest, never guessing", () => {
    const r = importQemuCommandLine(
      "qemu-system-x86_64 -drive file=/srv/a.qcow2,format=qcow2,if=virtio -drive file=/srv/b.img,if=virtio -drive file=/srv/c.vmdk,format=vmdk,if=virtio",
    );
    expect(r.definition.disks?.map((d) => [d.path, "format" in d ? d.format : undefined])).toEqual([
      ["/srv/a.qcow2", "qcow2"],
      ["/srv/b.img", undefined],
      ["/srv/c.vmdk", undefined],
    ]);
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^disks\.1\.format: no format= given/),
        expect.stringMatching(/^disks\.2\.format: format=vmdk is not raw or qcow2/),
      ]),
    );
  });
});
