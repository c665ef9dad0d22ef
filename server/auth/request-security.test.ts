import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress, requestIsSecure, sessionTokenOf, type RequestPolicy } from "./request-security";

function req(peer: string, headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { socket: { remoteAddress: peer, encrypted }, headers } as unknown as IncomingMessage;
}

const untrusting: RequestPolicy = { allowedOrigins: [], trustedProxies: [], secureCookies: "auto" };
const behindProxy: RequestPolicy = { ...untrusting, trustedProxies: ["127.0.0.1"] };

describe("clientAddress", () => {
  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress(req("198.51.100.7", { "x-forwarded-for": "10.0.0.1" }), behindProxy)).toBe("198.51.100.7");
    expect(clientAddress(req("127.0.0.1", { "x-forwarded-for": "10.0.0.1" }), untrusting)).toBe("127.0.0.1");
  });
  it("takes the nearest untrusted hop behind a trusted proxy (the client cannot choose it)", () => {
    expect(clientAddress(req("::ffff:127.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.7" }), behindProxy)).toBe("198.51.100.7");
    expect(clientAddress(req("127.0.0.1", { "x-forwarded-for": "not-an-ip" }), behindProxy)).toBe("127.0.0.1");
    expect(clientAddress(req("127.0.0.1", {}), behindProxy)).toBe("127.0.0.1");
  });
});

describe("requestIsSecure", () => {
  it("believes X-Forwarded-Proto only from a trusted proxy", () => {
    expect(requestIsSecure(req("127.0.0.1", { "x-forwarded-proto": "https" }), untrusting)).toBe(false);
    expect(requestIsSecure(req("198.51.100.7", { "x-forwarded-proto": "https" }), behindProxy)).toBe(false);
    expect(requestIsSecure(req("127.0.0.1", { "x-forwarded-proto": "https" }), behindProxy)).toBe(true);
    expect(requestIsSecure(req("127.0.0.1", { "x-forwarded-proto": "http" }), behindProxy)).toBe(false);
  });
  it("knows direct TLS, and obeys the setting", () => {
    expect(requestIsSecure(req("198.51.100.7", {}, true), untrusting)).toBe(true);
    expect(requestIsSecure(req("198.51.100.7", {}), { ...untrusting, secureCookies: "always" })).toBe(true);
    expect(requestIsSecure(req("198.51.100.7", {}, true), { ...untrusting, secureCookies: "never" })).toBe(false);
  });
  it("reads the session from the cookie name that fits the request", () => {
    const cookie = "labdeck_session=plain; __Host-labdeck_session=prefixed";
    expect(sessionTokenOf(req("198.51.100.7", { cookie }), untrusting)).toBe("plain");
    expect(sessionTokenOf(req("198.51.100.7", { cookie }, true), untrusting)).toBe("prefixed");
    expect(sessionTokenOf(req("198.51.100.7", { cookie: "labdeck_session=%E0%A4%A" }), untrusting)).toBeUndefined();
  });
});
