import { describe, expect, it } from "vitest";
import { LabdeckError } from "../errors";
import { ZCreateHostInput } from "../services/host-service.schema";
import { assertConfigRoot, assertStorageRoot, configRootProblem, rootProblem } from "../root-checks";
import { effectiveRoots } from "./host-roots";

// The old schema took any absolute path: "/" or "/etc" as a storage root made every
// path check pass for /etc/shadow.

const REFUSED = [
  "/",
  "/etc",
  "/etc/",
  "/etc/labdeck",
  "/usr",
  "/usr/local/images",
  "/boot",
  "/dev",
  "/dev/shm",
  "/proc",
  "/sys",
  "/root",
  "/root/images",
  "/bin",
  "/sbin",
  "/lib",
  "/lib64",
  "/lib32",
  "/libx32",
  "/run",
  "/run/labdeck",
  "/var/run",
  "/var/lib/dpkg",
  "/var/lib/dpkg/info",
  "/var/lib/apt",
  "/var",
  "/var/lib",
  "/tmp",
  "/var/tmp",
  "/home",
];

const ALLOWED = [
  "/var/lib/labdeck",
  "/var/lib/labdeck/images",
  "/srv/images",
  "/srv",
  "/opt/images",
  "/mnt/data",
  "/home/alice/images",
  "/tmp/labdeck-lab/lab1/run",
  "/data",
  "/library",
  "/usrdata",
  "/etcetera",
];

describe("host roots", () => {
  it.each(REFUSED)("refuses %s as a storage root or run directory", (p) => {
    expect(rootProblem(p)).not.toBeNull();
    expect(() => assertStorageRoot("storageRoots.0", p)).toThrow(LabdeckError);
    const r = ZCreateHostInput.safeParse({ name: "h", address: "10.0.0.1", key: { source: "generate" }, runDir: p, storageRoots: [p] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["runDir", "storageRoots.0"]));
  });

  it.each(ALLOWED)("allows %s", (p) => {
    expect(rootProblem(p)).toBeNull();
    expect(
      ZCreateHostInput.safeParse({
        name: "h",
        address: "10.0.0.1",
        key: { source: "generate" },
        runDir: p,
        storageRoots: [p],
        configRoot: p,
      }).success,
    ).toBe(true);
  });

  it("keeps / as a persistence root, and refuses system directories there too", () => {
    expect(configRootProblem("/")).toBeNull();
    expect(assertConfigRoot("configRoot", "/")).toBe("/");
    expect(configRootProblem("/etc")).not.toBeNull();
    expect(configRootProblem("/tmp")).not.toBeNull();
    expect(configRootProblem("/tmp/lab1/etc-root")).toBeNull();
  });

  it("says why, naming the field", () => {
    expect(() => assertStorageRoot("storageRoots.1", "/usr/share")).toThrow(
      /^storageRoots\.1: "\/usr\/share" cannot be used: \/usr is a system directory$/,
    );
    expect(() => assertStorageRoot("storageRoots.0", "/var/lib")).toThrow(/contains the system directory \/var\/lib\/dpkg/);
  });

  it("checks stored rows again where paths are bounded (a root written before these rules)", () => {
    expect(effectiveRoots({ runDir: "/var/lib/labdeck", storageRoots: "[]" })).toEqual(["/var/lib/labdeck/images"]);
    expect(() => effectiveRoots({ runDir: "/var/lib/labdeck", storageRoots: '["/srv/images","/"]' })).toThrow(/^storageRoots\.1: /);
    expect(() => effectiveRoots({ runDir: "/etc", storageRoots: "[]" })).toThrow(/^runDir: /);
  });
});
