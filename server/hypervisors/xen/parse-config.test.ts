import { describe, expect, it } from "vitest";
import { ZXenDefinition } from "./definition";
import { definitionFromConfig } from "./import-config";
import { MAX_CONFIG_BYTES, parseXlConfig } from "./parse-config";

// The hand-written /etc/xen/haps of issue 13, in the xm (Python-like) dialect.
const HAPS_XM = `# haps: the lab's proxy
kernel  = '/boot/vmlinuz-6.1.0-50-amd64'
ramdisk = '/boot/initrd.img-6.1.0-50-amd64'
memory = 192
name   = "haps"
vif = ['bridge=xenbr0']
disk = [
  'phy:/dev/vg0/haps-disk,xvda1,w',   # root
  'phy:/dev/vg0/haps-swap,xvda2,w',
]
root = "/dev/xvda1 rw"
extra = 'console=hvc0'
on_crash = 'restart'; vcpus = 1
`;

describe("parseXlConfig", () => {
  it("reads strings in either quote, numbers, multi-line lists with trailing commas and comments", () => {
    const s = parseXlConfig(HAPS_XM);
    expect(s.map((x) => x.key)).toEqual(["kernel", "ramdisk", "memory", "name", "vif", "disk", "root", "extra", "on_crash", "vcpus"]);
    expect(s.find((x) => x.key === "disk")).toEqual({
      key: "disk",
      line: 7,
      value: ["phy:/dev/vg0/haps-disk,xvda1,w", "phy:/dev/vg0/haps-swap,xvda2,w"],
    });
    expect(s.find((x) => x.key === "memory")?.value).toBe(192);
  });

  it("keeps the last value of a key set twice, as xl does", () => {
    expect(parseXlConfig("memory = 64\nmemory = 128\n")).toEqual([{ key: "memory", value: 128, line: 2 }]);
  });

  it("refuses real Python with a message saying it is never evaluated", () => {
    expect(() => parseXlConfig("import os\nname = 'x'\n")).toThrow(/line 1: "import" is Python code.*never evaluates/);
    expect(() => parseXlConfig("def f():\n  return 1\n")).toThrow(/"def" is Python code/);
    expect(() => parseXlConfig("memory = 64 * 2\n")).toThrow(/memory: "\*" after the value: an expression is Python/);
    expect(() => parseXlConfig("name = 'a' + 'b'\n")).toThrow(/expression is Python/);
    expect(() => parseXlConfig("name = os.environ['X']\n")).toThrow(/Python name or expression/);
    expect(() => parseXlConfig("memory = int('64')\n")).toThrow(/Python name or expression/);
    expect(() => parseXlConfig("x = '''a'''\n")).toThrow(/triple-quoted/);
    expect(() => parseXlConfig("x = 'a\\'b'\n")).toThrow(/backslash/);
    expect(() => parseXlConfig("disk = [['a']]\n")).toThrow(/nested lists/);
    expect(() => parseXlConfig("name = 'never ends\n")).toThrow(/end on its line/);
  });

  it("is bounded: size, settings, list items", () => {
    expect(() => parseXlConfig("#".repeat(MAX_CONFIG_BYTES + 1))).toThrow(/over 65536 bytes/);
    expect(() => parseXlConfig(Array.from({ length: 300 }, (_, i) => `k${i} = 1`).join("\n"))).toThrow(/more than 256 settings/);
    expect(() => parseXlConfig(`disk = [${"'a',".repeat(65)}]`)).toThrow(/more than 64 items/);
    expect(() => parseXlConfig(`memory = ${"9".repeat(16)}`)).toThrow(/too long/);
  });

  it("takes linear time on hostile input", () => {
    const started = Date.now();
    for (const unit of ["[", "'", "# ", "a = [", "a=1;", " ", "\n"]) {
      try {
        parseXlConfig(unit.repeat(Math.floor(MAX_CONFIG_BYTES / unit.length)));
      } catch {
        // refusals are expected; the time is what counts
      }
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("definitionFromConfig", () => {
  it("maps the xm haps file, listing nothing lost", () => {
    const { definition, unmapped } = definitionFromConfig(parseXlConfig(HAPS_XM), { autostart: true });
    expect(unmapped).toEqual([]);
    expect(ZXenDefinition.parse(definition)).toMatchObject({
      name: "haps",
      type: "pv",
      memoryMiB: 192,
      vifs: [{ bridge: "xenbr0" }],
      disks: [
        { kind: "phy", path: "/dev/vg0/haps-disk", vdev: "xvda1", readOnly: false },
        { kind: "phy", path: "/dev/vg0/haps-swap", vdev: "xvda2", readOnly: false },
      ],
      onCrash: "restart",
      autostart: true,
    });
  });

  it("lists what it does not map, with lines, and never joins a list into a string", () => {
    const { definition, unmapped } = definitionFromConfig(
      parseXlConfig(
        "name = ['a']\nvif = ['bridge=br0,script=vif-nat']\ndisk = ['tap:aio:/x.img,xvda,w']\nbootloader = 'pygrub'\nbuilder = 'hvm'\n",
      ),
    );
    expect(definition).toEqual({ vifs: [], disks: [], type: "hvm" });
    expect(unmapped).toEqual([
      "name (line 1): expected a string",
      'vif (line 2): vif field "script" is not mapped',
      'disk (line 3): disk "tap:aio:/x.img,xvda,w": only phy: and file: disks are mapped',
      "bootloader (line 4): not a setting Labdeck maps",
    ]);
  });

  it("reads the keyed xl disk form", () => {
    const { definition } = definitionFromConfig(parseXlConfig('disk = [ "format=raw, vdev=xvdb, access=ro, target=/dev/vg0/data" ]'));
    expect(definition.disks).toEqual([{ kind: "phy", path: "/dev/vg0/data", vdev: "xvdb", readOnly: true }]);
  });
});
