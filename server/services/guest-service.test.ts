import { describe, expect, it } from "vitest";
import { LabdeckError } from "../errors";
import { ZGuestDefinition, type TGuestDefinitionInput } from "../hypervisors/qemu/guest-definition";
import { checkDefinitionPaths } from "../hypervisors/qemu/definition-checks";
import { qemu } from "../hypervisors/qemu";
import { checkDefinition } from "./guest-service";

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
    expect(() =>
      checkDefinitionPaths(
        def([
          { kind: "block", path: "/dev/vg0/web" },
          { kind: "existing-image", path: "/srv/labdeck/a.img" },
        ]),
        roots,
      ),
    ).not.toThrow();
  });

  it("still holds images to the roots", () => {
    expect(
      fieldOf(() =>
        checkDefinitionPaths(
          def([
            { kind: "block", path: "/dev/vg0/web" },
            { kind: "existing-image", path: "/srv/other/a.img" },
          ]),
          roots,
        ),
      ),
    ).toBe("definition.disks.1.path");
  });

  it("refuses one LV twice, under either of its names", () => {
    const twice = def([
      { kind: "block", path: "/dev/vg0/web-data" },
      { kind: "block", path: "/dev/mapper/vg0-web--data", readOnly: true },
    ]);
    expect(fieldOf(() => checkDefinitionPaths(twice, roots))).toBe("definition.disks.1.path");
  });

  it("refuses one image twice but lets one ISO be two CD-ROMs", () => {
    expect(
      fieldOf(() =>
        checkDefinitionPaths(
          def([
            { kind: "existing-image", path: "/srv/labdeck/a.img" },
            { kind: "existing-image", path: "/srv/labdeck/a.img" },
          ]),
          roots,
        ),
      ),
    ).toBe("definition.disks.1.path");
    expect(() =>
      checkDefinitionPaths(
        def([
          { kind: "cdrom", path: "/srv/labdeck/d.iso" },
          { kind: "cdrom", path: "/srv/labdeck/d.iso" },
        ]),
        roots,
      ),
    ).not.toThrow();
  });
});

describe("checkDefinition (the API edge)", () => {
  const host = (address: string) => ({
    id: "h",
    name: "lab1",
    address,
    runDir: "/srv/labdeck/run",
    storageRoots: JSON.stringify(roots),
    probeJson: null,
    qemuRunAs: null,
  });
  const fwd = (extra: Record<string, unknown> = {}) => ({
    name: "g",
    boot: { kind: "kernel" as const, kernel: "/srv/labdeck/vmlinuz" },
    nics: [{ network: { kind: "user" as const, forwards: [{ hostPort: 2222, guestPort: 22, ...extra }] } }],
  });

  it("binds a forward saved without an address to the host's management address", () => {
    expect(checkDefinition(qemu, host("10.203.0.2"), fwd()).nics[0]?.network).toMatchObject({ forwards: [{ hostAddress: "10.203.0.2" }] });
  });
  it("asks for the address when the host's is a name, and refuses 0.0.0.0", () => {
    expect(fieldOf(() => checkDefinition(qemu, host("lab1.example.org"), fwd()))).toBe("definition.nics.0.network.forwards.0.hostAddress");
    expect(fieldOf(() => checkDefinition(qemu, host("10.203.0.2"), fwd({ hostAddress: "0.0.0.0" })))).toBe(
      "definition.nics.0.network.forwards.0.hostAddress",
    );
  });
  it("refuses a vendor, multicast or all-zero MAC, naming the NIC", () => {
    for (const mac of ["00:16:3e:00:00:01", "33:33:00:00:00:01", "00:00:00:00:00:00"]) {
      expect(
        fieldOf(() =>
          checkDefinition(qemu, host("10.203.0.2"), {
            name: "g",
            nics: [{ network: { kind: "user" } }, { mac, network: { kind: "user" } }],
          }),
        ),
      ).toBe("definition.nics.1.mac");
    }
  });
  it("refuses a disk format other than raw or qcow2", () => {
    expect(
      fieldOf(() =>
        checkDefinition(qemu, host("10.203.0.2"), {
          name: "g",
          disks: [{ kind: "existing-image", path: "/srv/labdeck/a.vmdk", format: "vmdk" as "raw" }],
        }),
      ),
    ).toBe("definition.disks.0.format");
  });
});
