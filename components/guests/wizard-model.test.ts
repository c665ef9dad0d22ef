import { describe, expect, it } from "vitest";
import { definitionFieldErrors, emptyForm, formFromDefinition, newDisk, toDefinition } from "./wizard-model";

describe("wizard model", () => {
  it("turns sizes with units into bytes and back", () => {
    const form = { ...emptyForm("h1"), name: "vm-1", disks: [{ ...newDisk(), path: "/srv/images/a.qcow2", size: "1.5", unit: "GiB" as const }] };
    const { definition, errors } = toDefinition(form);
    expect(errors).toEqual({});
    expect(definition.disks?.[0]).toMatchObject({ kind: "new-image", sizeBytes: 1.5 * 2 ** 30, format: "qcow2" });
    const back = formFromDefinition(definition, "h1");
    expect(back.disks[0]).toMatchObject({ size: "1536", unit: "MiB" });
  });

  it("names the fields it cannot read the way the server does", () => {
    const form = { ...emptyForm(), name: "vm", vcpus: "two", nics: [{ ...emptyForm().nics[0]!, forwards: [{ key: 1, proto: "tcp" as const, hostAddress: "", hostPort: "x", guestPort: "22" }] }] };
    expect(Object.keys(toDefinition(form).errors)).toEqual(["vcpus", "nics.0.network.forwards.0.hostPort"]);
  });

  it("keeps a custom kernel boot and leaves a blank MAC out", () => {
    const form = { ...emptyForm(), name: "k", bootKind: "kernel" as const, kernel: "/r/vmlinuz", initrd: "", append: "console=ttyS0" };
    const { definition } = toDefinition(form);
    expect(definition.boot).toEqual({ kind: "kernel", kernel: "/r/vmlinuz", append: "console=ttyS0" });
    expect(definition.nics?.[0]).toEqual({ model: "virtio", network: { kind: "user", forwards: [] } });
  });

  it("strips the definition prefix from server field names", () => {
    expect(definitionFieldErrors({ "definition.disks.0.path": "outside", "boot.kernel": "x" })).toEqual({ "disks.0.path": "outside", "boot.kernel": "x" });
  });
});
