import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { persistencePlanSteps, underRoot } from "./persistence-steps";

const file = { path: "/etc/iptables/rules.v4", content: "*filter\nCOMMIT\n", purpose: "iptables rules", mode: "0640" };

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabdeckError) return e.field;
    throw e;
  }
  return undefined;
}

describe("persistencePlanSteps", () => {
  it("makes the directory, keeps the old file, replaces it atomically, and can undo", () => {
    expect(persistencePlanSteps([file], { root: "/" })).toEqual([
      { argv: ["mkdir", "-p", "--", "/etc/iptables"], purpose: "Make sure /etc/iptables exists for /etc/iptables/rules.v4" },
      {
        argv: [
          "sh",
          "-c",
          'if [ -e "$1" ]; then cp -p "$1" "$2"; else rm -f "$2"; fi',
          "sh",
          "/etc/iptables/rules.v4",
          "/etc/iptables/.rules.v4.labdeck-old",
        ],
        purpose: "Keep the current /etc/iptables/rules.v4 (if any) so this change can be undone",
      },
      {
        argv: [
          "sh",
          "-c",
          'cat > "$2" && chmod "$3" "$2" && mv -f "$2" "$1"',
          "sh",
          "/etc/iptables/rules.v4",
          "/etc/iptables/.rules.v4.labdeck-new",
          "0640",
        ],
        stdin: "*filter\nCOMMIT\n",
        purpose: "Write /etc/iptables/rules.v4: iptables rules",
        undo: [
          "sh",
          "-c",
          'if [ -e "$2" ]; then mv -f "$2" "$1"; else rm -f "$1"; fi',
          "sh",
          "/etc/iptables/rules.v4",
          "/etc/iptables/.rules.v4.labdeck-old",
        ],
      },
    ]);
  });

  it("writes under a root prefix without doubled slashes", () => {
    expect(underRoot("/", "/etc/x")).toBe("/etc/x");
    expect(underRoot("/tmp/lab/etc-root/", "/etc/x")).toBe("/tmp/lab/etc-root/etc/x");
    const steps = persistencePlanSteps([{ ...file, mode: undefined }], { root: "/tmp/lab/etc-root" });
    expect(steps[0]?.argv).toEqual(["mkdir", "-p", "--", "/tmp/lab/etc-root/etc/iptables"]);
    expect(steps[2]?.argv).toEqual([
      "sh",
      "-c",
      'cat > "$2" && mv -f "$2" "$1"',
      "sh",
      "/tmp/lab/etc-root/etc/iptables/rules.v4",
      "/tmp/lab/etc-root/etc/iptables/.rules.v4.labdeck-new",
    ]);
  });

  it("refuses a bad root, path or mode and names the field", () => {
    expect(fieldOf(() => persistencePlanSteps([file], { root: "relative/dir" }))).toBe("root");
    expect(fieldOf(() => persistencePlanSteps([file], { root: "/tmp/../etc" }))).toBe("root");
    expect(fieldOf(() => persistencePlanSteps([file, { ...file, path: "/etc/../shadow" }], { root: "/" }))).toBe("files.1.path");
    expect(fieldOf(() => persistencePlanSteps([{ ...file, path: "/etc/a b" }], { root: "/" }))).toBe("files.0.path");
    expect(fieldOf(() => persistencePlanSteps([{ ...file, mode: "u+x" }], { root: "/" }))).toBe("files.0.mode");
  });
});
