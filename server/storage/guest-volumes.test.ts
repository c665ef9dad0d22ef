import { describe, expect, it } from "vitest";
import { LabdeckError } from "../errors";
import { canonicalVolumePath } from "../../lib/volume-path";
import { checkBlockDisks, checkLvForDisk, guestVolumeUsers, lvCheckArgv } from "./guest-volumes";

// lvs outputs as LVM 2.03.16 (Debian bookworm) printed them on a lab VM.
const report = (rows: string) =>
  `  {\n      "report": [\n          {\n              "lv": [\n${rows}\n              ]\n          }\n      ]\n  }\n`;
const ACTIVE = report(`                  {"lv_path":"/dev/labvg/guest1", "lv_attr":"-wi-a-----"}`);
const OPEN = report(`                  {"lv_path":"/dev/labvg/guest1", "lv_attr":"-wi-ao----"}`);
const INACTIVE = report(`                  {"lv_path":"/dev/labvg/off", "lv_attr":"-wi-------"}`);
const THIN_POOL = report(`                  {"lv_path":"", "lv_attr":"twi-a-tz--"}`);
const MISSING = { exitStatus: 5, stdout: report(""), stderr: '  Failed to find logical volume "labvg/nope"\n' };

function fieldAndMessage(fn: () => unknown): [string | undefined, string] {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT") return [e.field, e.message];
    throw e;
  }
  return [undefined, ""];
}

describe("canonicalVolumePath", () => {
  it("turns a device-mapper name into /dev/VG/LV, undoubling dashes", () => {
    expect(canonicalVolumePath("/dev/mapper/labvg-guest1")).toBe("/dev/labvg/guest1");
    expect(canonicalVolumePath("/dev/mapper/my--vg-web--data")).toBe("/dev/my-vg/web-data");
  });

  it("keeps other paths and device-mapper sub-devices as they are", () => {
    expect(canonicalVolumePath("/dev/labvg/guest1")).toBe("/dev/labvg/guest1");
    expect(canonicalVolumePath("/srv/img/a.qcow2")).toBe("/srv/img/a.qcow2");
    expect(canonicalVolumePath("/dev/mapper/labvg-guest1-real")).toBe("/dev/mapper/labvg-guest1-real");
    expect(canonicalVolumePath("/dev/mapper/cryptroot")).toBe("/dev/mapper/cryptroot");
  });
});

describe("guestVolumeUsers", () => {
  const row = (name: string, disks: (Record<string, unknown> & { path: string })[]) => ({ name, disks });

  it("maps image and LV paths to the guests using them, one LV under one name", () => {
    const users = guestVolumeUsers([
      row("web", [
        { kind: "block", path: "/dev/labvg/shared" },
        { kind: "existing-image", path: "/srv/img/web.qcow2" },
      ]),
      row("db", [
        { kind: "block", path: "/dev/mapper/labvg-shared", readOnly: true },
        { kind: "cdrom", path: "/srv/iso/d.iso" },
      ]),
      row("app", [{ kind: "new-image", path: "/srv/img/app.raw", format: "raw", sizeBytes: 2 ** 30 }]),
    ]);
    expect(Object.fromEntries(users)).toEqual({
      "/dev/labvg/shared": ["db", "web"],
      "/srv/img/web.qcow2": ["web"],
      "/srv/iso/d.iso": ["db"],
      "/srv/img/app.raw": ["app"],
    });
  });
});

describe("the LV check before a start", () => {
  const disk = { path: "/dev/labvg/guest1" };
  const ok = (stdout: string) => ({ exitStatus: 0, stdout, stderr: "" });

  it("asks lvs about exactly the path, after --", () => {
    expect(lvCheckArgv("/dev/labvg/guest1")).toEqual(["lvs", "--reportformat", "json", "-o", "lv_path,lv_attr", "--", "/dev/labvg/guest1"]);
    expect(fieldAndMessage(() => lvCheckArgv("/dev/sda", "definition.disks.1.path"))[0]).toBe("definition.disks.1.path");
  });

  it("accepts an active LV nobody holds, and an open one for a read-only disk", () => {
    expect(() => checkLvForDisk(ok(ACTIVE), disk, "f")).not.toThrow();
    expect(() => checkLvForDisk(ok(OPEN), { ...disk, readOnly: true }, "f")).not.toThrow();
  });

  it.each([
    ["an absent LV, quoting LVM", MISSING, /no LV \/dev\/labvg\/guest1 on this host \(Failed to find logical volume "labvg\/nope"\)/],
    ["an LV in use for a writable disk", ok(OPEN), /in use on the host/],
    ["an inactive LV", ok(INACTIVE), /not active/],
    ["a thin pool", ok(THIN_POOL), /thin-pool volume/],
    ["an empty report with status 0", ok(report("")), /no LV/],
  ])("refuses %s, naming the field", (_what, res, message) => {
    const [field, text] = fieldAndMessage(() => checkLvForDisk(res, disk, "definition.disks.0.path"));
    expect(field).toBe("definition.disks.0.path");
    expect(text).toMatch(message);
  });

  it("tells a lost answer from an absent LV", () => {
    const lost = () => checkLvForDisk({ exitStatus: null, outcome: "timeout", stdout: "", stderr: "" }, disk, "definition.disks.0.path");
    expect(lost).toThrow(/LVM did not answer about \/dev\/labvg\/guest1 \(timeout\)/);
    try {
      lost();
    } catch (e) {
      expect((e as LabdeckError).code).toBe("SSH_TIMEOUT");
    }
  });

  it("checks every block disk and only those, naming each by index", async () => {
    const disks = [
      { kind: "existing-image", path: "/srv/a.img" },
      { kind: "block", path: "/dev/labvg/guest1" },
      { kind: "block", path: "/dev/labvg/nope" },
    ];
    const asked: string[][] = [];
    const read = async ({ argv }: { argv: string[] }) => {
      asked.push(argv);
      return argv.at(-1) === "/dev/labvg/guest1" ? ok(ACTIVE) : MISSING;
    };
    const err = await checkBlockDisks(disks, read).then(
      () => null,
      (e: unknown) => e,
    );
    expect(asked.map((a) => a.at(-1))).toEqual(["/dev/labvg/guest1", "/dev/labvg/nope"]);
    expect(err).toBeInstanceOf(LabdeckError);
    expect((err as LabdeckError).field).toBe("definition.disks.2.path");
  });
});
