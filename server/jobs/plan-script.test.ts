import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HOSTILE } from "../safe-text-cases";
import { hereDocMarker, planToShellScript } from "./plan-script";
import { qmpArgv, ZPlan } from "./plan";

describe("planToShellScript", () => {
  it("quotes every argv element and keeps the order", () => {
    const script = planToShellScript(
      {
        title: "t",
        steps: [
          { argv: ["mkdir", "--", "/tmp/a b"], purpose: "make", undo: ["rmdir", "--", "/tmp/a b"] },
          { argv: ["echo", "it's"], purpose: "say" },
        ],
      },
      "root@h",
    );
    expect(script).toContain("mkdir -- '/tmp/a b'");
    expect(script).toContain("#    undo: rmdir -- '/tmp/a b'");
    expect(script).toContain(`echo 'it'\\''s'`);
    expect(script.indexOf("mkdir")).toBeLessThan(script.indexOf("echo"));
    expect(() => execFileSync("sh", ["-n", "-c", script])).not.toThrow();
  });

  it("renders a QMP step as the handshake piped into socat", () => {
    const call = { socket: "/var/lib/labdeck/guests/g1/qmp.sock", execute: "system_powerdown" };
    const script = planToShellScript(
      { title: "t", steps: [{ argv: qmpArgv(call), qmp: call, purpose: "ask the guest to power off" }] },
      "h",
    );
    expect(script).toContain(
      `printf '%s\\n' '{"execute":"qmp_capabilities"}' '{"execute":"system_powerdown"}' | socat - UNIX-CONNECT:/var/lib/labdeck/guests/g1/qmp.sock`,
    );
    expect(() => execFileSync("sh", ["-n", "-c", script])).not.toThrow();
  });

  it("gives a step's stdin as a quoted here-document that reproduces the text exactly", () => {
    const text = '*filter\n-A FORWARD -m comment --comment "$HOME `x`" -j ACCEPT\nLABDECK_EOF\nCOMMIT\n';
    const script = planToShellScript({ title: "t", steps: [{ argv: ["cat"], purpose: "write", stdin: text }] }, "h");
    expect(script).toContain("<<'LABDECK_EOF_1'");
    expect(execFileSync("sh", ["-c", script], { encoding: "utf8" })).toBe(text);
  });

  // Each line break an editor, a terminal or a CRLF-converting paste may honour: a marker
  // that equals such a "line" would end the here-document early for whoever reads or
  // re-pastes the script. The old check split on LF only.
  it.each([
    ["LF", "\n"],
    ["CR", "\r"],
    ["CRLF", "\r\n"],
    ["VT", "\u000b"],
    ["FF", "\u000c"],
    ["NEL", "\u0085"],
    ["U+2028", "\u2028"],
    ["U+2029", "\u2029"],
  ])("picks a marker that is no line of stdin split on %s", (_kind, br) => {
    const text = ["*filter", "LABDECK_EOF", "LABDECK_EOF_1", "COMMIT", ""].join(br);
    const marker = hereDocMarker(text);
    expect(marker).toBe("LABDECK_EOF_2");
    for (const sep of ["\n", "\r", "\u000b", "\u000c", "\u0085", "\u2028", "\u2029"]) {
      expect(text.split(/\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/).includes(marker)).toBe(false);
      expect(text.split(sep).includes(marker)).toBe(false);
    }
  });

  it("keeps a multi-line undo inside its comment: nothing after its line break runs", () => {
    const undo = ["sh", "-c", "echo first\necho UNDO-RAN"];
    const script = planToShellScript({ title: "t", steps: [{ argv: ["true"], purpose: "p", undo }] }, "h");
    expect(script).toContain("#    undo: sh -c 'echo first\\u000aecho UNDO-RAN'");
    expect(execFileSync("sh", ["-c", script], { encoding: "utf8" })).toBe("");
  });

  it.each(HOSTILE.filter(([k]) => k !== "LF" && k !== "TAB"))("refuses a plan whose stdin or argv holds %s", (_kind, value) => {
    expect(() => planToShellScript({ title: "t", steps: [{ argv: ["cat"], purpose: "w", stdin: `a${value}b\n` }] }, "h")).toThrow(
      /^plan\.steps\.0\.stdin: /,
    );
    expect(() => planToShellScript({ title: "t", steps: [{ argv: ["echo", value], purpose: "w" }] }, "h")).toThrow(
      /^plan\.steps\.0\.argv\.1: /,
    );
  });

  it.each(HOSTILE)("refuses a plan whose purpose or title holds %s", (_kind, value) => {
    expect(() => planToShellScript({ title: "t", steps: [{ argv: ["true"], purpose: `p${value}` }] }, "h")).toThrow(
      /^plan\.steps\.0\.purpose: /,
    );
    expect(() => planToShellScript({ title: `t${value}`, steps: [{ argv: ["true"], purpose: "p" }] }, "h")).toThrow(/^plan\.title: /);
  });

  it("refuses the same in a stored plan (ZPlan, as the job runner parses it)", () => {
    expect(ZPlan.safeParse({ title: "t", steps: [{ argv: ["true"], purpose: "p\rq" }] }).success).toBe(false);
    expect(ZPlan.safeParse({ title: "t", steps: [{ argv: ["sh", "-c", "a\n\tb"], purpose: "p", stdin: "x\n\ty\n" }] }).success).toBe(true);
  });
});
