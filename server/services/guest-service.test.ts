import { describe, expect, it } from "vitest";
import { LabdeckError } from "../errors";
import { ZGuestDefinition, type TGuestDefinitionInput } from "../hypervisors/qemu/guest-definition";
import { checkDefinitionPaths } from "./guest-service";

const roots = ["/srv/labdeck"];
const def = (disks: TGuestDefinitionInput["disks"]) => ZGuestDefinition.parse({ name: "g", disks });

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT") return e.field;
    throw e;
  }
  return undefined;
}

describe("checkDefinitionPaths", () => {
  it("does not hold an LV to the image roots", () => {
    expect(() => checkDefinitionPaths(def([{ kind: "block", path: "/dev/vg0/web" }, { kind: "existing-image", path: "/srv/labdeck/a.img" }]), roots)).not.toThrow();
  });

  it("still holds images to the roots", () => {
    expect(fieldOf(() => checkDefinitionPaths(def([{ kind: "block", path: "/dev/vg0/web" }, { kind: "existing-image", path: "/srv/other/a.img" }]), roots))).toBe("definition.disks.1.path");
  });

  it("refuses one LV twice, under either of its names", () => {
    const twice = def([{ kind: "block", path: "/dev/vg0/web-data" }, { kind: "block", path: "/dev/mapper/vg0-web--data", readOnly: true }]);
    expect(fieldOf(() => checkDefinitionPaths(twice, roots))).toBe("definition.disks.1.path");
  });

  it("refuses one image twice but lets one ISO be two CD-ROMs", () => {
    expect(fieldOf(() => checkDefinitionPaths(def([{ kind: "existing-image", path: "/srv/labdeck/a.img" }, { kind: "existing-image", path: "/srv/labdeck/a.img" }]), roots))).toBe(
      "definition.disks.1.path",
    );
    expect(() => checkDefinitionPaths(def([{ kind: "cdrom", path: "/srv/labdeck/d.iso" }, { kind: "cdrom", path: "/srv/labdeck/d.iso" }]), roots)).not.toThrow();
  });
});
