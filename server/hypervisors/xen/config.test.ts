import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderXlConfig } from "./config";
import { ZXenDefinition, type TXenDefinition } from "./definition";
import { definitionFromConfig } from "./import-config";
import { parseXlConfig } from "./parse-config";

const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, "fixtures", f), "utf8");

const haps: TXenDefinition = ZXenDefinition.parse({
  name: "haps",
  kernel: "/boot/vmlinuz-6.1.0-50-amd64",
  ramdisk: "/boot/initrd.img-6.1.0-50-amd64",
  root: "/dev/xvda1 rw",
  extra: "console=hvc0",
  memoryMiB: 192,
  maxmemMiB: 256,
  vcpus: 2,
  disks: [
    { kind: "phy", path: "/dev/vg0/haps-root", vdev: "xvda1" },
    { kind: "file", path: "/var/lib/labdeck/images/haps-data.img", vdev: "xvdb", readOnly: true },
  ],
  vifs: [{ bridge: "xenbr0", mac: "52:54:00:12:34:56", vifname: "vif-haps" }],
  autostart: true,
});

describe("ZXenDefinition", () => {
  it("takes the issue's fields with defaults", () => {
    expect(haps).toMatchObject({ type: "pv", onPoweroff: "destroy", onReboot: "restart", onCrash: "destroy" });
  });

  it("refuses names, bridges, MACs, vdevs and paths outside the shared rules", () => {
    const bad = (patch: Record<string, unknown>) => ZXenDefinition.safeParse({ ...haps, ...patch }).success;
    expect(bad({ name: "Haps" })).toBe(false);
    expect(bad({ name: "a".repeat(33) })).toBe(false);
    expect(bad({ vifs: [{ bridge: "xenbr0,script=/tmp/x" }] })).toBe(false);
    expect(bad({ vifs: [{ bridge: "xenbr0", mac: "01:00:5e:00:00:01" }] })).toBe(false);
    expect(bad({ vifs: [{ bridge: "xenbr0", mac: "00:16:3e:00:00:01" }] })).toBe(false);
    expect(bad({ disks: [{ kind: "phy", path: "/dev/sda", vdev: "xvda" }] })).toBe(false);
    expect(bad({ disks: [{ kind: "file", path: "/var/../etc/shadow", vdev: "xvda" }] })).toBe(false);
    expect(bad({ disks: [{ kind: "phy", path: "/dev/vg0/a", vdev: "xvda,w" }] })).toBe(false);
    expect(bad({ extra: 'console=hvc0" on_crash="preserve' })).toBe(false);
    expect(bad({ kernel: undefined })).toBe(false);
    expect(bad({ maxmemMiB: 64 })).toBe(false);
  });

  it("refuses the same vdev or MAC twice", () => {
    const twice = ZXenDefinition.safeParse({ ...haps, vifs: [haps.vifs[0], haps.vifs[0]] });
    expect(twice.success).toBe(false);
  });
});

describe("renderXlConfig", () => {
  it("writes xl.cfg syntax, with disks in the positional form xl and xm both read", () => {
    expect(renderXlConfig(haps)).toBe(
      [
        "# Written by Labdeck; edits here are replaced when the guest is saved.",
        'name = "haps"',
        'type = "pv"',
        'kernel = "/boot/vmlinuz-6.1.0-50-amd64"',
        'ramdisk = "/boot/initrd.img-6.1.0-50-amd64"',
        'root = "/dev/xvda1 rw"',
        'extra = "console=hvc0"',
        "memory = 192",
        "maxmem = 256",
        "vcpus = 2",
        'disk = [ "phy:/dev/vg0/haps-root,xvda1,w", "file:/var/lib/labdeck/images/haps-data.img,xvdb,r" ]',
        'vif = [ "bridge=xenbr0,mac=52:54:00:12:34:56,vifname=vif-haps" ]',
        'on_poweroff = "destroy"',
        'on_reboot = "restart"',
        'on_crash = "destroy"',
        "",
      ].join("\n"),
    );
  });

  it("refuses a value that would change the file's meaning, naming the field (even past the schema)", () => {
    expect(() => renderXlConfig({ ...haps, extra: 'x"\non_crash = "preserve' })).toThrow(/extra/);
    expect(() => renderXlConfig({ ...haps, root: "/dev/xvda1\nkernel = /x" })).toThrow(/root.*"\\n"/);
    expect(() => renderXlConfig({ ...haps, vifs: [{ bridge: "br0,script=/tmp/evil" }] })).toThrow(/vifs\[0\]\.bridge.*","/);
    expect(() => renderXlConfig({ ...haps, disks: [{ kind: "phy", path: "/dev/a]", vdev: "xvda", readOnly: false }] })).toThrow(
      /disks\[0\]\.path/,
    );
  });

  it("round-trips through the import parser", () => {
    const back = definitionFromConfig(parseXlConfig(renderXlConfig(haps)), { autostart: true });
    expect(back.unmapped).toEqual([]);
    expect(ZXenDefinition.parse(back.definition)).toEqual(haps);
  });

  it("renders a config xl accepted on the dom0 (fixtures/tiny1.cfg, see xl-create-n-tiny1.txt)", () => {
    const imported = definitionFromConfig(parseXlConfig(fixture("tiny1.cfg")));
    expect(imported.unmapped).toEqual([]);
    const def = ZXenDefinition.parse(imported.definition);
    expect(def).toMatchObject({ name: "tiny1", type: "pv", memoryMiB: 128, vcpus: 1, extra: "console=hvc0 quiet" });
    expect(parseXlConfig(renderXlConfig(def))).toEqual(
      expect.arrayContaining(parseXlConfig(fixture("tiny1.cfg")).map((s) => ({ ...s, line: expect.any(Number) as number }))),
    );
  });
});
