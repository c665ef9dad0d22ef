import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { planToShellScript } from "./plan-script";
import { qmpArgv } from "./plan";

describe("planToShellScript", () => {
  it("quotes every argv element and keeps the order", () => {
    const script = planToShellScript(
      { title: "t", steps: [{ argv: ["mkdir", "--", "/tmp/a b"], purpose: "make", undo: ["rmdir", "--", "/tmp/a b"] }, { argv: ["echo", "it's"], purpose: "say" }] },
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
    const script = planToShellScript({ title: "t", steps: [{ argv: qmpArgv(call), qmp: call, purpose: "ask the guest to power off" }] }, "h");
    expect(script).toContain(`printf '%s\\n' '{"execute":"qmp_capabilities"}' '{"execute":"system_powerdown"}' | socat - UNIX-CONNECT:/var/lib/labdeck/guests/g1/qmp.sock`);
    expect(() => execFileSync("sh", ["-n", "-c", script])).not.toThrow();
  });

  it("gives a step's stdin as a quoted here-document that reproduces the text exactly", () => {
    const text = "*filter\n-A FORWARD -m comment --comment \"$HOME `x`\" -j ACCEPT\nLABDECK_EOF\nCOMMIT\n";
    const script = planToShellScript({ title: "t", steps: [{ argv: ["cat"], purpose: "write", stdin: text }] }, "h");
    expect(script).toContain("<<'LABDECK_EOF_1'");
    expect(execFileSync("sh", ["-c", script], { encoding: "utf8" })).toBe(text);
  });
});
