import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LabdeckError } from "../errors";
import { quoteArg, quoteArgv } from "./quote";

const run = promisify(execFile);

// Runs the quoted words through a real shell and reads them back NUL-separated, which is
// exactly how a remote login shell will split them.
async function roundTrip(shell: string, args: readonly string[]): Promise<string[]> {
  const { stdout } = await run(shell, ["-c", `printf '%s\\0' ${quoteArgv(args)}`], {
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  const parts = stdout.toString("utf8").split("\0");
  parts.pop();
  return parts;
}

const TRICKY = [
  "",
  " ",
  "'",
  "''",
  '"',
  "a'b\"c",
  "$HOME",
  "${PATH}",
  "$(id)",
  "`id`",
  "\\",
  "a\\'b",
  "line1\nline2",
  "\n",
  "\t",
  "*",
  "?",
  "[a]",
  "~",
  "~root",
  "-n",
  "--",
  "!",
  "#comment",
  "a;b",
  "a&&b",
  "a|b",
  "a>b",
  "é",
  "日本語",
  "😀",
  "%s%d",
  "=",
  "a=b",
];

describe("quoteArg", () => {
  it("leaves plain words alone and quotes everything else", () => {
    expect(quoteArg("ip")).toBe("ip");
    expect(quoteArg("/dev/vg0/lv-1")).toBe("/dev/vg0/lv-1");
    expect(quoteArg("10.0.0.1/24")).toBe("10.0.0.1/24");
    expect(quoteArg("")).toBe("''");
    expect(quoteArg("a b")).toBe("'a b'");
    expect(quoteArg("it's")).toBe("'it'\\''s'");
  });

  it("refuses a NUL byte as bad input naming argv", () => {
    let caught: unknown;
    try {
      quoteArg("a\0b");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(LabdeckError);
    expect((caught as LabdeckError).code).toBe("BAD_INPUT");
    expect((caught as LabdeckError).field).toBe("argv");
  });

  it("refuses any word that contains a NUL (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(() => quoteArgv(["echo", `${a}\0${b}`])).toThrow(LabdeckError);
      }),
    );
  });

  it("refuses an empty argv", () => {
    expect(() => quoteArgv([])).toThrow(LabdeckError);
  });
});

describe.each(["sh", "bash"])("quoteArgv through a real %s", (shell) => {
  it("keeps every tricky word intact, as one word each", async () => {
    expect(await roundTrip(shell, TRICKY)).toEqual(TRICKY);
  });

  it("keeps any string without NUL intact (property)", async () => {
    const word = fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\0"));
    const grapheme = fc.string({ unit: "grapheme", maxLength: 20 });
    const shellish = fc.string({
      unit: fc.constantFrom("'", '"', "\\", "$", "`", "\n", " ", "\t", "!", "*", "(", ")", ";", "&", "|", "a", "-"),
      maxLength: 20,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(word, grapheme, shellish), { minLength: 1, maxLength: 12 }), async (args) => {
        // Lone UTF-16 surrogates cannot be encoded as UTF-8 at all; that is transport, not quoting.
        const sendable = args.map((a) => Buffer.from(a, "utf8").toString("utf8"));
        expect(await roundTrip(shell, sendable)).toEqual(sendable);
      }),
      { numRuns: 150 },
    );
    // 150 runs of sh: about 1 s on an idle machine, several under a loaded suite.
  }, 30_000);
});
