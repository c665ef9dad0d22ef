import { describe, expect, it } from "vitest";
import { checkMutationOrigin } from "./origin-check";

const base = { host: "labdeck.lan:3000", allowedOrigins: ["https://ops.example"], contentType: "application/json" };

describe("checkMutationOrigin", () => {
  it("lets reads through whatever their origin", () => {
    expect(checkMutationOrigin({ ...base, method: "GET", origin: "https://evil.example", contentType: undefined }).ok).toBe(true);
  });
  it("accepts a same-origin JSON post", () => {
    expect(checkMutationOrigin({ ...base, method: "POST", origin: "http://labdeck.lan:3000" })).toEqual({ ok: true });
  });
  it("accepts a configured origin", () => {
    expect(checkMutationOrigin({ ...base, method: "POST", origin: "https://ops.example" }).ok).toBe(true);
  });
  it.each([
    [{ origin: "https://evil.example" }, /cross-site/],
    [{ origin: undefined }, /missing Origin/],
    [{ origin: "null" }, /malformed|cross-site/],
    [{ origin: "http://labdeck.lan:3000", contentType: "application/x-www-form-urlencoded" }, /application\/json/],
    [{ origin: "http://labdeck.lan:3000", contentType: "text/plain" }, /application\/json/],
    [{ origin: "http://labdeck.lan:3001" }, /cross-site/],
  ])("refuses %o", (over, reason) => {
    const res = checkMutationOrigin({ ...base, method: "POST", ...over });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason).toMatch(reason);
  });
});
