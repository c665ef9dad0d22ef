import { describe, expect, it } from "vitest";
import {
  defaultForwardAddress,
  definitionFieldErrors,
  emptyForm,
  newForward,
  newNic,
  formFromDefinition,
  markLvsMade,
  newDisk,
  newLvsOf,
  toDefinition,
  withPreviewValues,
} from "./wizard-model";
import { lvOfPath } from "@/lib/volume-path";

describe("wizard model", () => {
  it("turns sizes with units into bytes and back", () => {
    const form = {
      ...emptyForm("h1"),
      name: "vm-1",
      disks: [{ ...newDisk(), path: "/srv/images/a.qcow2", size: "1.5", unit: "GiB" as const }],
    };
    const { definition, errors } = toDefinition(form);
    expect(errors).toEqual({});
    expect(definition.disks?.[0]).toMatchObject({ kind: "new-image", sizeBytes: 1.5 * 2 ** 30, format: "qcow2" });
    const back = formFromDefinition(definition, "h1");
    expect(back.disks[0]).toMatchObject({ size: "1536", unit: "MiB" });
  });

  it("names the fields it cannot read the way the server does", () => {
    const form = {
      ...emptyForm(),
      name: "vm",
      vcpus: "two",
      nics: [
        {
          ...emptyForm().nics[0]!,
          forwards: [{ key: 1, proto: "tcp" as const, hostAddress: "127.0.0.1", hostPort: "x", guestPort: "22" }],
        },
      ],
    };
    expect(Object.keys(toDefinition(form).errors)).toEqual(["vcpus", "nics.0.network.forwards.0.hostPort"]);
  });

  it("keeps a custom kernel boot and leaves a blank MAC out", () => {
    const form = { ...emptyForm(), name: "k", bootKind: "kernel" as const, kernel: "/r/vmlinuz", initrd: "", append: "console=ttyS0" };
    const { definition } = toDefinition(form);
    expect(definition.boot).toEqual({ kind: "kernel", kernel: "/r/vmlinuz", append: "console=ttyS0" });
    expect(definition.nics?.[0]).toEqual({ model: "virtio", network: { kind: "user", restrict: true, forwards: [] } });
  });

  it("asks for an existing image's format instead of leaving it to a guess, and reads it back", () => {
    const row = { ...newDisk("existing-image"), path: "/srv/images/a.img" };
    expect(toDefinition({ ...emptyForm(), name: "vm", disks: [row] }).errors).toEqual({
      "disks.0.format": expect.stringMatching(/choose raw or qcow2/),
    });
    const { definition, errors } = toDefinition({ ...emptyForm(), name: "vm", disks: [{ ...row, imageFormat: "raw" }] });
    expect(errors).toEqual({});
    expect(definition.disks?.[0]).toEqual({ kind: "existing-image", path: "/srv/images/a.img", format: "raw", bus: "virtio" });
    expect(formFromDefinition(definition).disks[0]?.imageFormat).toBe("raw");
    expect(formFromDefinition({ disks: [{ kind: "existing-image", path: "/srv/images/old.img" }] }).disks[0]?.imageFormat).toBe("");
  });

  it("starts NICs restricted, keeps a stored NIC's unrestricted state visible, and never sends a forward without an address", () => {
    expect(emptyForm().nics[0]?.restrict).toBe(true);
    expect(formFromDefinition({ nics: [{ network: { kind: "user" } }] }).nics[0]?.restrict).toBe(false);
    expect(defaultForwardAddress("10.203.0.2")).toBe("10.203.0.2");
    expect(defaultForwardAddress("lab1.example.org")).toBe("");
    const nic = { ...emptyForm().nics[0]!, forwards: [{ ...newForward(""), hostPort: "2222", guestPort: "22" }] };
    expect(toDefinition({ ...emptyForm(), name: "vm", nics: [nic] }).errors).toEqual({
      "nics.0.network.forwards.0.hostAddress": expect.any(String),
    });
  });

  it("keeps the MACs Show commands generated, so Create saves the address the plan showed", () => {
    const typed = { ...newNic(), mac: "52:54:00:00:00:07" };
    const form = { ...emptyForm("h1"), name: "vm", nics: [newNic(), typed] };
    // What previewDefinition returns: the definition with every blank MAC filled in.
    const previewed = {
      nics: [
        { mac: "52:54:00:12:34:56", network: { kind: "user" as const } },
        { mac: "52:54:00:00:00:07", network: { kind: "user" as const } },
      ],
    };
    const after = withPreviewValues(form, previewed);
    expect(after.nics.map((n) => n.mac)).toEqual(["52:54:00:12:34:56", "52:54:00:00:00:07"]);
    expect(toDefinition(after).definition.nics?.map((n) => n.mac)).toEqual(["52:54:00:12:34:56", "52:54:00:00:00:07"]);
    // A typed MAC is never replaced, and a second identical preview changes nothing.
    expect(
      withPreviewValues(form, { nics: [{ network: { kind: "user" } }, { mac: "52:54:00:99:99:99", network: { kind: "user" } }] }).nics[1]
        ?.mac,
    ).toBe("52:54:00:00:00:07");
    expect(withPreviewValues(after, previewed)).toBe(after);
  });

  it("keeps a TAP NIC's own interface name through the form, and leaves a blank one to Labdeck", () => {
    const back = formFromDefinition({
      nics: [{ network: { kind: "tap", bridge: "br0", ifname: "tap3" } }, { network: { kind: "tap", bridge: "br0" } }],
    });
    expect(back.nics.map((n) => n.ifname)).toEqual(["tap3", ""]);
    expect(toDefinition({ ...back, name: "vm" }).definition.nics?.map((n) => n.network)).toEqual([
      { kind: "tap", bridge: "br0", ifname: "tap3" },
      { kind: "tap", bridge: "br0" },
    ]);
  });

  it("strips the definition prefix from server field names", () => {
    expect(definitionFieldErrors({ "definition.disks.0.path": "outside", "boot.kernel": "x" })).toEqual({
      "disks.0.path": "outside",
      "boot.kernel": "x",
    });
  });

  describe("LVM volumes", () => {
    const lvRow = (over: Partial<ReturnType<typeof newDisk>>) => ({ ...newDisk("block"), ...over });

    it("names an existing LV by its /dev path, read-only only when asked, and reads it back", () => {
      const form = {
        ...emptyForm("h1"),
        name: "vm",
        disks: [lvRow({ vg: "vg0", lv: "web" }), lvRow({ vg: "vg0", lv: "seed", readOnly: true })],
      };
      const { definition, errors } = toDefinition(form);
      expect(errors).toEqual({});
      expect(definition.disks).toEqual([
        { kind: "block", path: "/dev/vg0/web" },
        { kind: "block", path: "/dev/vg0/seed", readOnly: true },
      ]);
      const back = formFromDefinition({
        ...definition,
        disks: [...(definition.disks ?? []), { kind: "block", path: "/dev/mapper/my--vg-data" }],
      });
      expect(back.disks.map((d) => [d.kind, d.lvMode, d.vg, d.lv, d.readOnly])).toEqual([
        ["block", "existing", "vg0", "web", false],
        ["block", "existing", "vg0", "seed", true],
        ["block", "existing", "my-vg", "data", false],
      ]);
    });

    it("asks for a group, a name and a size, on the row's fields", () => {
      const form = {
        ...emptyForm(),
        name: "vm",
        disks: [
          lvRow({}),
          lvRow({ vg: "vg0" }),
          lvRow({ vg: "vg0", lvMode: "new", lv: "-x" }),
          lvRow({ vg: "vg0", lvMode: "new", lv: "ok", size: "lots" }),
        ],
      };
      expect(toDefinition(form).errors).toEqual({
        "disks.0.path": "choose a volume group",
        "disks.1.path": "choose an LV",
        "disks.2.path": "an LV name of letters, digits and _ . + - (not starting with -)",
        "disks.3.sizeBytes": "a size such as 8 or 0.5",
      });
    });

    it("turns new-LV rows into lv.create ops with binary unit letters, and marks them made", () => {
      const a = lvRow({ vg: "vg0", lvMode: "new", lv: "web-root", size: "1.5", unit: "GiB" });
      const b = lvRow({ vg: "vg0", lv: "old" });
      const c = lvRow({ vg: "vg1", lvMode: "new", lv: "data", size: "512", unit: "MiB" });
      expect(newLvsOf([a, b, c])).toEqual([
        { key: a.key, op: { op: "lv.create", vg: "vg0", name: "web-root", size: "1.5G" } },
        { key: c.key, op: { op: "lv.create", vg: "vg1", name: "data", size: "512M" } },
      ]);
      const after = markLvsMade([a, b, c], new Set([a.key]));
      expect(after.map((d) => d.lvMode)).toEqual(["existing", "existing", "new"]);
      expect(newLvsOf(after).map((n) => n.op.name)).toEqual(["data"]);
      expect(toDefinition({ ...emptyForm(), name: "vm", disks: after }).definition.disks?.[0]).toEqual({
        kind: "block",
        path: "/dev/vg0/web-root",
      });
    });

    it("splits LV paths the way device-mapper names them", () => {
      expect(lvOfPath("/dev/vg0/web")).toEqual({ vg: "vg0", lv: "web" });
      expect(lvOfPath("/dev/mapper/vg--a-lv--b")).toEqual({ vg: "vg-a", lv: "lv-b" });
      expect(lvOfPath("/dev/mapper/vg-lv-real")).toBeNull();
      expect(lvOfPath("/dev/sda")).toBeNull();
    });
  });
});
