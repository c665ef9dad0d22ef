import { describe, expect, it } from "vitest";
import { ConsoleTicketStore } from "./console-tickets";

function store() {
  let now = 1_000_000;
  const s = new ConsoleTicketStore({ ttlMs: 30_000, now: () => now });
  return { s, advance: (ms: number) => (now += ms) };
}

describe("console tickets", () => {
  it("redeems once for the bound user and guest", () => {
    const { s } = store();
    const { ticket, expiresAt } = s.issue({ userId: "u1", guestId: "g1", canWrite: true });
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime()).toBe(1_030_000);
    expect(s.redeem(ticket, { userId: "u1", guestId: "g1" })).toEqual({ ok: true, canWrite: true });
    expect(s.redeem(ticket, { userId: "u1", guestId: "g1" })).toEqual({ ok: false, reason: "unknown" });
  });

  it("carries read-only", () => {
    const { s } = store();
    const { ticket } = s.issue({ userId: "u1", guestId: "g1", canWrite: false });
    expect(s.redeem(ticket, { userId: "u1", guestId: "g1" })).toEqual({ ok: true, canWrite: false });
  });

  it("expires after 30 s", () => {
    const { s, advance } = store();
    const { ticket } = s.issue({ userId: "u1", guestId: "g1", canWrite: true });
    advance(30_000);
    expect(s.redeem(ticket, { userId: "u1", guestId: "g1" })).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses another user or guest and is spent by the attempt", () => {
    const { s } = store();
    const a = s.issue({ userId: "u1", guestId: "g1", canWrite: true });
    expect(s.redeem(a.ticket, { userId: "u2", guestId: "g1" })).toEqual({ ok: false, reason: "wrong-user" });
    expect(s.redeem(a.ticket, { userId: "u1", guestId: "g1" })).toEqual({ ok: false, reason: "unknown" });
    const b = s.issue({ userId: "u1", guestId: "g1", canWrite: true });
    expect(s.redeem(b.ticket, { userId: "u1", guestId: "g2" })).toEqual({ ok: false, reason: "wrong-guest" });
  });

  it("refuses missing and made-up tickets", () => {
    const { s } = store();
    expect(s.redeem(null, { userId: "u1", guestId: "g1" }).ok).toBe(false);
    expect(s.redeem("", { userId: "u1", guestId: "g1" }).ok).toBe(false);
    expect(s.redeem("x".repeat(43), { userId: "u1", guestId: "g1" }).ok).toBe(false);
  });

  it("sweeps expired tickets when issuing", () => {
    const { s, advance } = store();
    for (let i = 0; i < 5; i++) s.issue({ userId: "u1", guestId: "g1", canWrite: true });
    advance(31_000);
    s.issue({ userId: "u1", guestId: "g1", canWrite: true });
    expect(s.outstanding).toBe(1);
  });
});
