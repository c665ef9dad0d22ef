import { describe, expect, it } from "vitest";
import { SessionEvents } from "./session-events";

describe("SessionEvents", () => {
  it("ends one session on sign-out, every session of the user otherwise", () => {
    const ev = new SessionEvents();
    const seen: string[] = [];
    ev.onEnd({ userId: "u1", sessionId: "a" }, (e) => seen.push(`a:${e.reason}`));
    ev.onEnd({ userId: "u1", sessionId: "b" }, (e) => seen.push(`b:${e.reason}`));
    ev.onEnd({ userId: "u2", sessionId: "c" }, (e) => seen.push(`c:${e.reason}`));
    ev.end({ userId: "u1", sessionId: "a", reason: "signed-out" });
    expect(seen).toEqual(["a:signed-out"]);
    ev.end({ userId: "u1", reason: "role-changed" });
    expect(seen).toEqual(["a:signed-out", "b:role-changed"]);
    expect(ev.listenerCount).toBe(1);
  });
  it("remembers recent ends for a request that looked its session up just before", () => {
    const ev = new SessionEvents();
    const before = Date.now();
    ev.end({ userId: "u1", reason: "removed" });
    expect(ev.endedSince({ userId: "u1", sessionId: "x" }, before)?.reason).toBe("removed");
    expect(ev.endedSince({ userId: "u2", sessionId: "x" }, before)).toBeNull();
    expect(ev.endedSince({ userId: "u1", sessionId: "x" }, Date.now() + 10)).toBeNull();
  });
});
