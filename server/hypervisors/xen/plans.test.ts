import { describe, expect, it } from "vitest";
import { ZXenDefinition } from "./definition";
import { xenGuestFiles } from "./files";
import { planXenDelete, planXenDestroy, planXenShutdown, planXenStart } from "./plans";
import { xenCommands } from "./toolstack";
import { consoleCaptureStartStep } from "./console-capture";
import { assertPlanText } from "../../jobs/plan";

const def = ZXenDefinition.parse({
  name: "haps",
  kernel: "/var/lib/labdeck/images/vmlinuz",
  ramdisk: "/var/lib/labdeck/images/initrd",
  extra: "console=hvc0 quiet",
  memoryMiB: 192,
  vifs: [{ bridge: "xenbr0" }],
  autostart: true,
});
const files = xenGuestFiles("/var/lib/labdeck", "haps");

describe("xenGuestFiles", () => {
  it("puts the config under the persistence root and the rest in the guest's run directory", () => {
    expect(files).toMatchObject({
      dir: "/var/lib/labdeck/guests/haps",
      config: "/etc/xen/labdeck/haps.cfg",
      autostartLink: "/etc/xen/auto/haps",
      console: { log: "/var/lib/labdeck/guests/haps/console.log", input: "/var/lib/labdeck/guests/haps/console.in" },
    });
    expect(xenGuestFiles("/srv/lab/", "haps", "/srv/lab/etcroot").config).toBe("/srv/lab/etcroot/etc/xen/labdeck/haps.cfg");
  });

  it("refuses a name that is not a guest name and a persistence root that could be anywhere", () => {
    expect(() => xenGuestFiles("/var/lib/labdeck", "../etc")).toThrow(/name/);
    expect(() => xenGuestFiles("/var/lib/labdeck", "haps", "/etc")).toThrow(/configRoot/);
  });
});

describe("xenCommands", () => {
  it("speaks both toolstacks with the same verbs", () => {
    expect(xenCommands("xl").create("/etc/xen/labdeck/haps.cfg", { dryRun: true })).toEqual([
      "xl",
      "create",
      "-n",
      "/etc/xen/labdeck/haps.cfg",
    ]);
    expect(xenCommands("xm").shutdown("haps", { wait: true })).toEqual(["xm", "shutdown", "-w", "haps"]);
    expect(xenCommands("xm").list()).toEqual(["xm", "list"]);
  });

  it("never lets a name or a path become an option", () => {
    expect(() => xenCommands("xl").destroy("-a")).toThrow(/name/);
    expect(() => xenCommands("xl").create("-q")).toThrow(/configFile/);
  });
});

describe("planXenStart", () => {
  const plan = planXenStart({ def, files, toolstack: "xl" });
  const argvs = plan.steps.map((s) => s.argv);

  it("checks the config on the host, creates the domain paused, captures the console at a mark, then unpauses", () => {
    const at = (argv: string[]) => argvs.findIndex((a) => JSON.stringify(a) === JSON.stringify(argv));
    const dry = at(["xl", "create", "-n", files.config]);
    const create = at(["xl", "create", "-p", files.config]);
    const unpause = at(["xl", "unpause", "haps"]);
    const capture = argvs.findIndex((a) => a.includes(files.console.input));
    const mark = plan.steps.findIndex((s) => s.purpose.includes("note where this boot's output begins"));
    expect(dry).toBeGreaterThan(0);
    expect([dry < create, create < mark, mark < capture, capture < unpause]).toEqual([true, true, true, true]);
    expect(plan.steps[create]?.undo).toEqual(["xl", "destroy", "haps"]);
    expect(() => assertPlanText(plan)).not.toThrow();
  });

  it("writes the rendered config through stdin, never on a command line", () => {
    const write = plan.steps.find((s) => s.stdin !== undefined);
    expect(write?.stdin).toContain('name = "haps"');
    expect(write?.argv.at(-1)).toBe(files.config);
    expect(argvs.flat().some((a) => a.includes("memory = 192"))).toBe(false);
  });

  it("links the config into /etc/xen/auto when autostart is on, and removes the link when it is off", () => {
    expect(argvs.some((a) => a.includes(files.autostartLink) && a.includes(files.config))).toBe(true);
    const off = planXenStart({ def: { ...def, autostart: false }, files, toolstack: "xl" });
    expect(off.steps.map((s) => s.argv)).toContainEqual(["rm", "-f", "--", files.autostartLink]);
  });
});

describe("the other plans", () => {
  it("waits for a shutdown under a timeout, destroys at once, and stops the capture after either", () => {
    const down = planXenShutdown({ name: "haps", files, toolstack: "xl", waitS: 60 });
    expect(down.steps[0]?.argv).toEqual(["timeout", "60", "xl", "shutdown", "-w", "haps"]);
    expect(planXenDestroy({ name: "haps", files, toolstack: "xm" }).steps[0]?.argv).toEqual(["xm", "destroy", "haps"]);
    for (const p of [down, planXenDestroy({ name: "haps", files, toolstack: "xl" })])
      expect(p.steps.at(-1)?.argv.at(-1)).toBe(files.pidfile);
  });

  it("deletes only this guest's files, and images only under the roots", () => {
    const del = planXenDelete({
      name: "haps",
      files,
      roots: ["/var/lib/labdeck/images"],
      removeImages: ["/var/lib/labdeck/images/haps.img"],
    });
    expect(del.steps.map((s) => s.argv.at(-1))).toEqual(
      expect.arrayContaining([files.dir, files.config, files.autostartLink, "/var/lib/labdeck/images/haps.img"]),
    );
    expect(() => planXenDelete({ name: "haps", files, roots: ["/var/lib/labdeck/images"], removeImages: ["/etc/passwd"] })).toThrow(
      /removeImages\.0/,
    );
    expect(() => planXenDelete({ name: "other", files, roots: [], removeImages: [] })).toThrow(/files\.dir/);
  });

  it("gives the capture's script the name and paths as arguments, never inside its text", () => {
    const step = consoleCaptureStartStep("xl", "haps", files);
    expect(step.argv.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(step.argv[2]).not.toContain("haps");
    expect(step.argv.slice(4)).toEqual(["xl", "haps", files.console.log, files.console.input, files.pidfile]);
    expect(() => consoleCaptureStartStep("xl", "haps; reboot", files)).toThrow(/name/);
  });
});
