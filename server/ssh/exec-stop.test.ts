import { describe, expect, it } from "vitest";
import { ExecStop } from "./exec-stop";

describe("ExecStop", () => {
  it("reports a timeout", async () => {
    const s = new ExecStop({ timeoutMs: 5 });
    await new Promise((r) => s.signal.addEventListener("abort", r));
    expect(s.reason).toBe("timeout");
    s.dispose();
  });

  it("reports a cancel, including one that happened before the exec", () => {
    const ac = new AbortController();
    ac.abort();
    expect(new ExecStop({ signal: ac.signal }).reason).toBe("cancelled");
    const later = new AbortController();
    const s = new ExecStop({ signal: later.signal, timeoutMs: 10_000 });
    later.abort();
    expect(s.reason).toBe("cancelled");
    s.dispose();
  });

  it("keeps the first reason", async () => {
    const ac = new AbortController();
    const s = new ExecStop({ signal: ac.signal, timeoutMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect(s.reason).toBe("timeout");
    s.dispose();
  });
});
