import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import {
  armRollbackSteps,
  confirmRollbackArgv,
  parseRollbackStatus,
  renderRollbackScript,
  rollbackNowArgv,
  rollbackStatusArgv,
} from "./rollback";

const DIR = "/var/lib/labdeck/jobs/42";
const undo = [
  ["iptables-restore", "-c", `${DIR}/iptables.before`],
  ["ip", "addr", "del", "10.1.0.1/24", "dev", "br-lab"],
  ["sh", "-c", 'echo "$1"', "sh", "it's; rm -rf /"],
];

describe("the rollback script", () => {
  it("quotes every undo argv, keeps going after a failure and marks its end", () => {
    const script = renderRollbackScript({ dir: DIR, seconds: 60, undo });
    expect(script.split("\n")).toEqual([
      "#!/bin/sh",
      "# Written by Labdeck: restores the network as it was before the change.",
      "set +e",
      `iptables-restore -c ${DIR}/iptables.before`,
      'echo "undo 1/3 exit $?"',
      "ip addr del 10.1.0.1/24 dev br-lab",
      'echo "undo 2/3 exit $?"',
      `sh -c 'echo "$1"' sh 'it'\\''s; rm -rf /'`,
      'echo "undo 3/3 exit $?"',
      `: > ${DIR}/rolled-back`,
      "",
    ]);
  });

  it("refuses an empty undo list or an empty argv", () => {
    expect(() => renderRollbackScript({ dir: DIR, seconds: 60, undo: [] })).toThrow(/undo/);
    expect(() => renderRollbackScript({ dir: DIR, seconds: 60, undo: [["true"], []] })).toThrow(/undo\.1/);
  });
});

describe("arming", () => {
  it("makes the directory, writes the script through stdin, arms the timer with constant scripts", () => {
    const steps = armRollbackSteps({ dir: DIR, seconds: 90, undo });
    expect(steps.map((s) => s.argv.slice(0, 2))).toEqual([
      ["mkdir", "-p"],
      ["sh", "-c"],
      ["sh", "-c"],
    ]);
    expect(steps[1]).toMatchObject({
      argv: ["sh", "-c", 'umask 077; cat > "$1"', "sh", `${DIR}/rollback.sh`],
      stdin: renderRollbackScript({ dir: DIR, seconds: 90, undo }),
    });
    expect(steps[2]?.argv.slice(3)).toEqual(["sh", DIR, "90"]);
    expect(steps[2]?.argv[2]).toContain("setsid -f sh -c");
    expect(steps.every((s) => s.undo === undefined)).toBe(true);
    // The same script whatever the directory: only positional arguments change.
    expect(armRollbackSteps({ dir: "/tmp/other", seconds: 5, undo })[2]?.argv[2]).toBe(steps[2]?.argv[2]);
  });

  it("validates the directory and the countdown", () => {
    for (const dir of ["relative/dir", "/tmp/../etc", "/tmp/a b", "/", "/tmp/$(reboot)"]) {
      expect(() => armRollbackSteps({ dir, seconds: 60, undo })).toThrow(LabdeckError);
    }
    for (const seconds of [0, 3601, 1.5, Number.NaN]) {
      expect(() => armRollbackSteps({ dir: DIR, seconds, undo })).toThrow(/seconds/);
    }
    expect(() => confirmRollbackArgv("not/absolute")).toThrow(/dir/);
  });

  it("passes the directory as an argument to constant confirm, status and revert scripts", () => {
    for (const f of [confirmRollbackArgv, rollbackStatusArgv, rollbackNowArgv]) {
      const argv = f(DIR);
      expect(argv).toHaveLength(5);
      expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
      expect(argv.slice(3)).toEqual(["sh", DIR]);
      expect(argv[2]).not.toContain(DIR);
      expect(f(`${DIR}/`)[4]).toBe(DIR);
    }
  });
});

describe("parseRollbackStatus", () => {
  it("reads the JSON line", () => {
    expect(parseRollbackStatus('{"state":"armed","deadline":1790000060,"now":1790000000,"timerAlive":true}\n')).toEqual({
      state: "armed",
      deadline: 1790000060,
      now: 1790000000,
      timerAlive: true,
    });
    expect(parseRollbackStatus('motd noise\n{"state":"none","deadline":null,"now":1,"timerAlive":false}')).toMatchObject({
      state: "none",
      deadline: null,
    });
  });

  it("refuses anything else", () => {
    expect(() => parseRollbackStatus("")).toThrow(LabdeckError);
    expect(() => parseRollbackStatus('{"state":"exploded","deadline":null,"now":1,"timerAlive":false}')).toThrow(LabdeckError);
  });
});
