import { describe, expect, it } from "vitest";
import { qemuArgv, type QemuSpec } from "./qemu";

const spec: QemuSpec = {
  name: "t1",
  kernel: "/c/vmlinuz",
  initrd: "/c/initrd.img",
  append: "root=LABEL=labroot rw console=ttyS0 quiet",
  disks: [
    { file: "/r/root.qcow2", format: "qcow2" },
    { file: "/r/disk-labdeck-lvm.raw", format: "raw", serial: "labdeck-lvm" },
  ],
  memoryMiB: 1024,
  cpus: 2,
  sshPort: 40022,
  qmpSocket: "/r/qmp.sock",
  serialLog: "/r/serial.log",
  pidFile: "/r/qemu.pid",
};

const after = (argv: string[], flag: string) => argv.filter((_, i) => argv[i - 1] === flag);

describe("qemuArgv", () => {
  it("uses TCG, forwards only SSH on loopback and restricts the user network", () => {
    const argv = qemuArgv(spec);
    expect(after(argv, "-accel")).toEqual(["tcg,thread=multi"]);
    expect(after(argv, "-netdev")).toEqual(["user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:40022-:22"]);
    expect(argv).toContain("-daemonize");
    expect(after(argv, "-append")).toEqual([spec.append]);
  });

  it("gives the root disk first and each extra disk its serial", () => {
    const argv = qemuArgv(spec);
    expect(after(argv, "-drive")[0]).toMatch(/^file=\/r\/root\.qcow2,.*format=qcow2/);
    expect(after(argv, "-device")).toContain("virtio-blk-pci,drive=disk1,serial=labdeck-lvm");
    expect(after(argv, "-device")).toContain("virtio-blk-pci,drive=disk0");
  });

  it("refuses paths QEMU's option syntax would split", () => {
    expect(() => qemuArgv({ ...spec, disks: [{ file: "/r/a,b.qcow2", format: "qcow2" }] })).toThrow(/comma/);
    expect(() => qemuArgv({ ...spec, serialLog: "/r/x,server=on" })).toThrow(/comma/);
  });
});

describe("qemuArgv for a multiboot kernel (the Xen dom0 lab VM)", () => {
  const xen: QemuSpec = {
    ...spec,
    kernel: "/c/xen.elf",
    cpu: "max,-smap",
    append: "dom0_mem=1024M,max:1024M console=com1 com1=115200,8n1",
    initrd: [{ file: "/c/vmlinuz", cmdline: "root=/dev/vda rw console=hvc0" }, { file: "/c/initrd.img" }],
  };

  it("joins the modules with commas and sets the CPU model; the LVM VM keeps -cpu max", () => {
    const argv = qemuArgv(xen);
    expect(after(argv, "-initrd")).toEqual(["/c/vmlinuz root=/dev/vda rw console=hvc0,/c/initrd.img"]);
    expect(after(argv, "-cpu")).toEqual(["max,-smap"]);
    expect(after(argv, "-append")).toEqual([xen.append]);
    expect(after(qemuArgv(spec), "-cpu")).toEqual(["max"]);
  });

  it("refuses a comma in a module path or cmdline (it would start another module)", () => {
    expect(() => qemuArgv({ ...xen, initrd: [{ file: "/c/a,b" }] })).toThrow(/comma/);
    expect(() => qemuArgv({ ...xen, initrd: [{ file: "/c/vmlinuz", cmdline: "console=hvc0,/etc/shadow" }] })).toThrow(/comma/);
  });
});
