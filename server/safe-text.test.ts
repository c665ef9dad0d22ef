import { describe, expect, it } from "vitest";
import { LabdeckError } from "./errors";
import { escapeUnsafe, unsafeCharIn } from "../lib/safe-text";
import { assertSafeText, assertSafeTextDeep, zOneLine } from "./safe-text";
import { HARMLESS, HOSTILE } from "./safe-text-cases";

describe("safe text", () => {
  it.each(HOSTILE)("refuses %s in one-line text, naming the field and the character", (_name, value) => {
    expect(unsafeCharIn(value)).not.toBeNull();
    let err: unknown;
    try {
      assertSafeText("ops.0.rule.comment", value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabdeckError);
    expect((err as LabdeckError).field).toBe("ops.0.rule.comment");
    expect((err as LabdeckError).message).toMatch(/^ops\.0\.rule\.comment: .*U\+[0-9A-F]{4}/);
    expect(zOneLine(200).safeParse(value).success).toBe(false);
  });

  it("names CR as CR, with its position", () => {
    expect(unsafeCharIn("ok\rx")).toBe("U+000D carriage return (CR) at position 3");
    expect(unsafeCharIn("a\u2028")).toBe("U+2028 line separator at position 2");
  });

  it.each(HARMLESS)("lets %s through", (value) => {
    expect(unsafeCharIn(value)).toBeNull();
    expect(zOneLine(200).safeParse(value).success).toBe(true);
  });

  it("allows LF and TAB only where the field says so, and nothing else with them", () => {
    const rules = { allowLineFeed: true, allowTab: true };
    expect(unsafeCharIn("a\n\tb\n", rules)).toBeNull();
    for (const [, value] of HOSTILE) {
      const withoutAllowed = value.replace(/[\n\t]/g, "");
      if (unsafeCharIn(withoutAllowed) !== null) expect(unsafeCharIn(value, rules)).not.toBeNull();
    }
    expect(unsafeCharIn("a\r\nb", rules)).toMatch(/CR/);
    expect(unsafeCharIn("a\u0085b", rules)).toMatch(/NEL/);
    expect(unsafeCharIn("a\tb", { allowLineFeed: true })).toMatch(/TAB/);
  });

  it("walks nested values and names the path", () => {
    expect(() => assertSafeTextDeep("op", { rule: { target: { prefix: ["ok", "x\ry"] } } })).toThrow(/^op\.rule\.target\.prefix\.1: /);
    expect(() => assertSafeTextDeep("op", { a: ["x", { b: 1 }], c: null })).not.toThrow();
  });

  it("escapes every unsafe character visibly and leaves the rest", () => {
    expect(escapeUnsafe("a\rb\u2028c\u0085d é")).toBe("a\\u000db\\u2028c\\u0085d é");
    for (const [, value] of HOSTILE) expect(unsafeCharIn(escapeUnsafe(value))).toBeNull();
  });

  it("stays linear on a long hostile input", () => {
    const long = `${"a".repeat(2_000_000)}\r`;
    const t = performance.now();
    expect(unsafeCharIn(long)).toMatch(/position 2000001/);
    expect(performance.now() - t).toBeLessThan(500);
  });
});
