import { describe, expect, it } from "vitest";
import type { KvmFacts, ProbeFacts } from "./definition-checks";
import { importQemuCommandLine } from "./import-cmdline";
import type { ImportDifference } from "../contract";
import { importForHost } from "./import-defaults";

// Real recipe lines (the team's wiki: old qemu/kvm forms, a q35 installer, -nodefaults
// lines from scripts): the definition keeps what QEMU 7.2 itself would run, and every
// difference, each default filled in and each change a host forces, is listed.

const fields = (d: readonly ImportDifference[], kind?: ImportDifference["kind"]) =>
  d.filter((x) => kind === undefined || x.kind === kind).map((x) => x.field);

interface Recipe {
  line: string;
  definition: Record<string, unknown>;
  /** Fields of the differences with kind "default" (QEMU's own default filled in). */
  defaults: string[];
  /** Fields of the other differences (how Labdeck runs every guest). */
  labdeck: string[];
}

const RECIPES: Recipe[] = [
  {
    line: "qemu -hda disk.img -m 256",
    definition: {
      arch: "x86_64",
      machine: "pc",
      accel: "tcg",
      memoryMiB: 256,
      nics: [{ model: "e1000", network: { kind: "user", restrict: false, forwards: [] } }],
    },
    defaults: ["machine", "accel", "nics.0"],
    labdeck: ["arch", "display", "-nodefaults"],
  },
  {
    line: "kvm -m 512 -hda x.qcow2 -net nic -net tap,ifname=tap3,script=no",
    definition: {
      arch: "x86_64",
      machine: "pc",
      accel: "kvm",
      memoryMiB: 512,
      nics: [{ model: "e1000", network: { kind: "tap", bridge: "", ifname: "tap3" } }],
    },
    defaults: ["machine"],
    // downscript= was left out, so QEMU would run /etc/qemu-ifdown at exit.
    labdeck: ["display", "-nodefaults", "nics.0.network"],
  },
  {
    line: "qemu-system-x86_64 -M q35 -m 1G -drive file=/srv/vm/a.qcow2,format=qcow2,if=virtio",
    definition: {
      machine: "q35",
      accel: "tcg",
      memoryMiB: 1024,
      nics: [{ model: "e1000", network: { kind: "user", restrict: false, forwards: [] } }],
    },
    defaults: ["accel", "nics.0"],
    labdeck: ["display", "-nodefaults"],
  },
  {
    line: "qemu-system-x86_64 -nodefaults -nographic -enable-kvm -m 256 -kernel /srv/vmlinuz -append console=ttyS0",
    definition: { machine: "pc", accel: "kvm", nics: [], display: "none" },
    defaults: ["machine"],
    labdeck: ["display"],
  },
  {
    line: "qemu-system-x86_64 -machine pc -accel tcg -m 128 -net none -display none -nodefaults /srv/a.raw",
    definition: { machine: "pc", accel: "tcg", memoryMiB: 128, nics: [], display: "none" },
    defaults: [],
    labdeck: [],
  },
  {
    line: "qemu-system-x86_64 -M pc -accel tcg -display none -nodefaults -netdev tap,id=n0,ifname=a-tap-name-too-long,script=no,downscript=no -device virtio-net-pci,netdev=n0",
    definition: { memoryMiB: 128, nics: [{ model: "virtio", network: { kind: "tap", bridge: "" } }] },
    defaults: ["memoryMiB"],
    labdeck: ["nics.0.network.ifname"],
  },
  {
    line: "qemu-system-x86_64 -M pc -accel tcg -m 256 -display none -nodefaults -netdev user,id=u,restrict=on,hostfwd=tcp::2222-:22,hostfwd=tcp:127.0.0.1:8080-:80 -device e1000,netdev=u",
    definition: {
      nics: [
        {
          model: "e1000",
          network: {
            kind: "user",
            restrict: true,
            forwards: [
              { proto: "tcp", hostPort: 2222, guestPort: 22 },
              { proto: "tcp", hostAddress: "127.0.0.1", hostPort: 8080, guestPort: 80 },
            ],
          },
        },
      ],
    },
    defaults: [],
    labdeck: ["nics.0.network.forwards.0.hostAddress"],
  },
  {
    line: "qemu-system-aarch64 -m 512 -accel tcg -display none -kernel /srv/Image",
    definition: { arch: "aarch64", machine: "virt", nics: [{ model: "virtio", network: { kind: "user", restrict: false, forwards: [] } }] },
    defaults: ["machine", "nics.0"],
    labdeck: ["-nodefaults"],
  },
  {
    line: "qemu-system-x86_64 -M pc -accel tcg -m 256 -display none -nodefaults -netdev bridge,id=b,br=br0 -device rtl8139,netdev=b",
    definition: { nics: [{ model: "rtl8139", network: { kind: "tap", bridge: "br0" } }] },
    defaults: [],
    // qemu-bridge-helper made and named the TAP; Labdeck does both itself.
    labdeck: ["nics.0.network.ifname", "nics.0.network"],
  },
];

describe("importing a recipe line keeps QEMU's own defaults and lists every difference", () => {
  it.each(RECIPES)("$line", ({ line, definition, defaults, labdeck }) => {
    const r = importQemuCommandLine(line);
    expect(r.definition).toMatchObject(definition);
    expect(fields(r.differences, "default").sort()).toEqual([...defaults].sort());
    expect(fields(r.differences, "labdeck").sort()).toEqual([...labdeck].sort());
    expect(fields(r.differences, "host")).toEqual([]);
    for (const d of r.differences) expect(d.line.length * d.definition.length).toBeGreaterThan(0);
  });

  it("says what QEMU would do with the default NIC of q35 (e1000e), which Labdeck maps to e1000", () => {
    const r = importQemuCommandLine("qemu-system-x86_64 -M q35 /srv/a.img");
    expect(r.differences.find((d) => d.field === "nics.0")).toMatchObject({
      line: expect.stringMatching(/e1000e on user networking/),
      definition: expect.stringMatching(/e1000e is not a Labdeck model/),
    });
  });
});

describe("what the chosen host forces", () => {
  const probe = (kvm: Partial<KvmFacts>): ProbeFacts => ({
    kvm: { device: true, usable: false, check: "stalled", detail: "no banner within 20 s", ...kvm },
    qemu: { binaries: [{ name: "qemu-system-x86_64" }] },
  });

  it("turns KVM into auto on a host whose probe's KVM boot stalled, and -cpu host into max", () => {
    const r = importForHost(importQemuCommandLine("kvm -cpu host -m 512 -hda /srv/x.qcow2 -net nic -net tap,ifname=tap3,script=no"), {
      name: "lab1",
      probe: probe({}),
    });
    expect(r.definition).toMatchObject({ accel: "auto", cpuModel: "max" });
    expect(r.differences.filter((d) => d.kind === "host")).toEqual([
      {
        field: "accel",
        line: expect.stringMatching(/^kvm/),
        definition: expect.stringMatching(/^auto: TCG on lab1, because the host's probe booted a kernel under KVM and it stalled/),
        kind: "host",
      },
      { field: "cpuModel", line: "-cpu host (needs KVM)", definition: expect.stringMatching(/^max/), kind: "host" },
    ]);
  });

  it("changes nothing where the probe found KVM usable or could not decide, and warns of a missing emulator", () => {
    const line = importQemuCommandLine("qemu-system-aarch64 -enable-kvm -cpu host -M virt -m 512 -kernel /srv/Image");
    for (const p of [probe({ usable: true, check: "passed" }), probe({ check: "not-run" })]) {
      const r = importForHost(line, { name: "lab1", probe: p });
      expect(r.definition).toMatchObject({ accel: "kvm", cpuModel: "host" });
      expect(r.differences).toEqual(line.differences);
      expect(r.warnings).toContain("arch: lab1 has no qemu-system-aarch64 (its probe found qemu-system-x86_64); choose another host");
    }
    expect(importForHost(line, { name: "lab1", probe: null })).toEqual(line);
  });
});
