import { describe, expect, it } from "vitest";
import { LabdeckError } from "../errors";
import { definitionOf, hypervisorFor, readableDefinitionOf } from "./registry";

describe("the hypervisor registry", () => {
  it("finds QEMU, and refuses a kind it does not run or does not know, naming the field", () => {
    expect(hypervisorFor("qemu").kind).toBe("qemu");
    for (const kind of ["xen", "uml", "vmware"]) {
      const err = (() => {
        try {
          hypervisorFor(kind);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(LabdeckError);
      expect((err as LabdeckError).field).toBe("hypervisor");
    }
  });

  it("parses a stored row by its kind, and leaves out a row that no longer parses instead of failing a list", () => {
    const row = { hypervisor: "qemu", definitionJson: JSON.stringify({ name: "web", disks: [{ kind: "block", path: "/dev/vg/a" }] }) };
    expect(definitionOf(row).def.disks[0]?.path).toBe("/dev/vg/a");
    expect(readableDefinitionOf({ hypervisor: "qemu", definitionJson: "{not json" })).toBeNull();
    expect(
      readableDefinitionOf({
        hypervisor: "qemu",
        definitionJson: JSON.stringify({ name: "bad", disks: [{ kind: "block", path: "/dev/sda" }] }),
      }),
    ).toBeNull();
    expect(readableDefinitionOf({ hypervisor: "xen", definitionJson: JSON.stringify({ name: "x" }) })).toBeNull();
    expect(() => definitionOf({ hypervisor: "qemu", definitionJson: "{}" })).toThrow();
  });
});
