import { serialLogBootStep } from "../console-log/serial-log-boot";
import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { ZPlan } from "../../jobs/plan";
import { guestRunFiles, ZGuestDefinition } from "./guest-definition";
import { guestTapNames, planDeleteGuest, planForceStop, planShutdownGuest, planStartGuest, qmpStep, tapNameFor } from "./guest-plans";

const files = guestRunFiles("/srv/ld/run", "web");
const def = ZGuestDefinition.parse({
  name: "web",
  disks: [
    { kind: "new-image", path: "/srv/ld/img/web.qcow2", format: "qcow2", sizeBytes: 2 ** 30 },
    { kind: "new-image", path: "/srv/ld/img/data.raw", format: "raw", sizeBytes: 2 ** 20 },
  ],
  nics: [{ network: { kind: "user" } }, { network: { kind: "tap", bridge: "br0" } }],
});
const tap = tapNameFor("web", 1);
const base = { def, files, accel: "tcg" as const, macs: ["52:54:00:00:00:01", "52:54:00:00:00:02"], taps: [tap], roots: ["/srv/ld"] };

describe("planStartGuest", () => {
  it("makes the run dir, only the images asked for, the TAP, then QEMU; all undoable", () => {
    const plan = planStartGuest({ ...base, imagesToCreate: [0] });
    expect(ZPlan.parse(plan)).toBeTruthy();
    expect(plan.steps.map((s) => [s.argv.slice(0, 3), s.undo])).toEqual([
      [["mkdir", "-p", "--"], undefined],
      [
        ["qemu-img", "create", "-q"],
        ["rm", "-f", "--", "/srv/ld/img/web.qcow2"],
      ],
      [
        ["ip", "tuntap", "add"],
        ["ip", "link", "del", tap],
      ],
      [["ip", "link", "set"], undefined],
      [["ip", "link", "set"], undefined],
      [["sh", "-c", expect.stringContaining('mv -f -- "$1" "$1.1"')], undefined],
      [["sh", "-c", expect.stringContaining("umask 077")], undefined],
      [
        ["qemu-system-x86_64", "-name", "guest=web"],
        ["pkill", "-KILL", "-L", "-F", files.pidfile],
      ],
    ]);
    expect(plan.steps[1]?.argv).toEqual(["qemu-img", "create", "-q", "-f", "qcow2", "/srv/ld/img/web.qcow2", String(2 ** 30)]);
    expect(plan.steps[3]?.argv).toEqual(["ip", "link", "set", tap, "master", "br0"]);
    expect(plan.steps.at(-1)?.argv).toContain(`tap,id=n1,ifname=${tap},script=no,downscript=no`);
  });

  it("uses a TAP NIC's own ifname (an imported tap3) for the TAP, the QEMU line and the cleanup", () => {
    const named = ZGuestDefinition.parse({
      ...def,
      nics: [{ network: { kind: "tap", bridge: "br0", ifname: "tap3" } }, { network: { kind: "tap", bridge: "br0" } }],
    });
    const taps = guestTapNames(named);
    expect(taps).toEqual(["tap3", tapNameFor("web", 1)]);
    const plan = planStartGuest({ ...base, def: named, taps, imagesToCreate: [] });
    expect(plan.steps[1]).toMatchObject({
      argv: ["ip", "tuntap", "add", "dev", "tap3", "mode", "tap"],
      undo: ["ip", "link", "del", "tap3"],
    });
    expect(plan.steps.at(-1)?.argv).toContain("tap,id=n0,ifname=tap3,script=no,downscript=no");
    expect(planForceStop({ name: "web", files, taps }).steps.map((s) => s.argv.join(" "))).toContain("ip link del tap3");
  });

  it("marks every step but the boot mark as one the job may run in a single SSH exec (each stays its own step)", () => {
    const plan = planStartGuest({ ...base, imagesToCreate: [0] });
    // The boot mark runs alone: the start job reads its output (the log's inode and size) before QEMU starts.
    const mark = plan.steps.findIndex((st) => st.argv.join(" ") === serialLogBootStep(files.serialLog, "web").argv.join(" "));
    expect(mark).toBe(plan.steps.length - 2);
    expect(plan.steps.map((st) => st.batch === true)).toEqual(plan.steps.map((_, i) => i !== mark));
    expect(plan.steps.some((st) => st.stdin !== undefined || st.okExitStatuses || st.bestEffort)).toBe(false);
  });

  it("refuses to create a disk that is not a new image, and checks before any step", () => {
    expect(() => planStartGuest({ ...base, imagesToCreate: [5] })).toThrow(LabdeckError);
    expect(() => planStartGuest({ ...base, roots: ["/elsewhere"], imagesToCreate: [] })).toThrow(/disks\.0\.path/);
  });
});

describe("tapNameFor", () => {
  it("fits IFNAMSIZ and is stable", () => {
    expect(tapNameFor("a-very-long-guest-name-of-32-chr", 7).length).toBeLessThanOrEqual(15);
    expect(tapNameFor("web", 0)).toBe(tapNameFor("web", 0));
    expect(tapNameFor("web", 0)).not.toBe(tapNameFor("web2", 0));
  });
});

describe("stop and delete", () => {
  it("force stop asks QEMU to quit, kills by locked pidfile and removes TAPs, tolerating what is already gone", () => {
    const steps = planForceStop({ name: "web", files, taps: [tap] }).steps;
    expect(steps.map((s) => s.argv)).toEqual([
      ["qmp", files.qmpSocket, "quit"],
      ["pkill", "-KILL", "-L", "-F", files.pidfile],
      ["ip", "link", "del", tap],
    ]);
    expect(steps[0]).toMatchObject({ qmp: { execute: "quit" }, bestEffort: true });
    expect(steps[1]?.okExitStatuses).toEqual([1]);
    expect(steps[2]?.okExitStatuses).toEqual([1]);
  });

  it("delete removes the run dir and only the listed images under the roots", () => {
    const p = planDeleteGuest({ name: "web", files, roots: ["/srv/ld"], removeImages: ["/srv/ld/img/web.qcow2"] });
    expect(p.steps.map((s) => s.argv)).toEqual([
      ["rm", "-rf", "--", files.dir],
      ["rm", "-f", "--", "/srv/ld/img/web.qcow2"],
    ]);
    expect(() => planDeleteGuest({ name: "web", files, roots: ["/srv/ld"], removeImages: ["/etc/passwd"] })).toThrow(/removeImages\.0/);
    expect(() => planDeleteGuest({ name: "web", files: { ...files, dir: "/" }, roots: ["/srv/ld"], removeImages: [] })).toThrow(
      /files\.dir/,
    );
  });

  it("QMP steps carry the socket and command, with an audit argv", () => {
    expect(planShutdownGuest({ name: "web", files }).steps[0]).toEqual({
      purpose: "Press the ACPI power button (the guest decides)",
      qmp: { socket: files.qmpSocket, execute: "system_powerdown" },
      argv: ["qmp", files.qmpSocket, "system_powerdown"],
    });
    expect(qmpStep(files, "stop", "x", { a: 1 }).qmp?.arguments).toEqual({ a: 1 });
  });
});
