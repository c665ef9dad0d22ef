import { afterEach, describe, expect, it } from "vitest";
import type { Terminal } from "@xterm/xterm";
import { announceTerminal } from "./console-probe";

// The measuring hook hands the terminal only to a hook the page itself defined.

const g = globalThis as { __labdeckConsoleProbe?: unknown };
const term = { cols: 80 } as unknown as Terminal;

describe("announceTerminal", () => {
  afterEach(() => {
    delete g.__labdeckConsoleProbe;
  });

  it("does nothing when no hook is defined", () => {
    expect(() => announceTerminal(term)).not.toThrow();
  });

  it("ignores a hook that is not a function", () => {
    g.__labdeckConsoleProbe = "not a function";
    expect(() => announceTerminal(term)).not.toThrow();
  });

  it("hands the terminal to a defined hook", () => {
    const got: Terminal[] = [];
    g.__labdeckConsoleProbe = (t: Terminal) => got.push(t);
    announceTerminal(term);
    expect(got).toEqual([term]);
  });
});
