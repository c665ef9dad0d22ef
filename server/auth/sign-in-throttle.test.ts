import { describe, expect, it } from "vitest";
import { SignInThrottle, addressKey } from "./sign-in-throttle";

function clock() {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

function fail(th: SignInThrottle, who: { username: string; ip: string }) {
  const r = th.begin(who);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  r.attempt.failed();
}

describe("SignInThrottle", () => {
  const alice = { username: "alice", ip: "198.51.100.7" };

  it("lets the free failures through, then doubles the wait per failure", () => {
    const c = clock();
    const th = new SignInThrottle({ now: c.now, user: { free: 3, maxDelayMs: 60_000 }, address: { free: 100, maxDelayMs: 60_000 } });
    for (let i = 0; i < 3; i++) fail(th, alice);
    expect(th.begin(alice)).toEqual({ ok: false, scope: "user", retryAfterSeconds: 1 });
    c.t += 1000;
    fail(th, alice);
    expect(th.begin(alice)).toEqual({ ok: false, scope: "user", retryAfterSeconds: 2 });
    c.t += 2000;
    fail(th, alice);
    expect(th.begin(alice)).toMatchObject({ ok: false, retryAfterSeconds: 4 });
    c.t += 1500;
    expect(th.begin(alice)).toMatchObject({ ok: false, retryAfterSeconds: 3 });
  });

  it("caps the wait", () => {
    const c = clock();
    const th = new SignInThrottle({ now: c.now, user: { free: 1, maxDelayMs: 5000 } });
    for (let i = 0; i < 10; i++) {
      fail(th, alice);
      c.t += 60_000;
    }
    fail(th, alice);
    expect(th.begin(alice)).toMatchObject({ ok: false, retryAfterSeconds: 5 });
  });

  it("keys users and addresses separately; a success clears the user, not the address", () => {
    const c = clock();
    const th = new SignInThrottle({ now: c.now, user: { free: 2, maxDelayMs: 60_000 }, address: { free: 4, maxDelayMs: 60_000 } });
    fail(th, alice);
    fail(th, alice);
    expect(th.begin(alice).ok).toBe(false);
    expect(th.begin({ username: "alice", ip: "203.0.113.9" }).ok).toBe(false);
    const bob = th.begin({ username: "bob", ip: alice.ip });
    expect(bob.ok).toBe(true);
    if (bob.ok) bob.attempt.succeeded();
    fail(th, { username: "carol", ip: alice.ip });
    fail(th, { username: "dave", ip: alice.ip });
    expect(th.begin({ username: "erin", ip: alice.ip })).toMatchObject({ ok: false, scope: "address" });
  });

  it("counts attempts in flight against the free ones, so a parallel burst cannot all reach the hash", () => {
    const th = new SignInThrottle({ user: { free: 3, maxDelayMs: 60_000 } });
    const started = Array.from({ length: 10 }, () => th.begin(alice));
    expect(started.filter((r) => r.ok)).toHaveLength(3);
    expect(started.find((r) => !r.ok)).toMatchObject({ retryAfterSeconds: 1 });
  });

  it("forgets a key after a quiet period", () => {
    const c = clock();
    const th = new SignInThrottle({ now: c.now, user: { free: 1, maxDelayMs: 60_000 }, forgetAfterMs: 60_000 });
    fail(th, alice);
    c.t += 1000;
    fail(th, alice);
    expect(th.begin(alice)).toMatchObject({ ok: false, retryAfterSeconds: 2 });
    c.t += 61_000;
    fail(th, alice);
    expect(th.begin(alice)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
  });

  it("keeps its memory bounded under a flood of user names", () => {
    const th = new SignInThrottle({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) {
      const r = th.begin({ username: `u${i}`, ip: `10.0.${i >> 8}.${i & 255}` });
      if (r.ok) r.attempt.failed();
    }
    expect(th.keys.users).toBeLessThanOrEqual(100);
    expect(th.keys.addresses).toBeLessThanOrEqual(100);
  });
});

describe("addressKey", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::9", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:aaaa::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
  ])("%s -> %s", (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
