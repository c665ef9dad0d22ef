import { describe, expect, it } from "vitest";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE, clearedSessionCookie, readCookie, sessionCookie } from "./session-token";

describe("readCookie", () => {
  it("reads a cookie among others", () => {
    expect(readCookie("a=1; labdeck_session=tok-en_1; b=2", SESSION_COOKIE)).toBe("tok-en_1");
  });
  it.each(["labdeck_session=%E0%A4%A", "labdeck_session=%", "labdeck_session=%zz", "x=1; labdeck_session=%E0%A4%A; y=2"])(
    "treats the malformed value in %j as absent",
    (header) => expect(readCookie(header, SESSION_COOKIE)).toBeUndefined(),
  );
  it("does not read the unprefixed cookie for the __Host- name, nor the other way round", () => {
    expect(readCookie("labdeck_session=a", SECURE_SESSION_COOKIE)).toBeUndefined();
    expect(readCookie("__Host-labdeck_session=b", SESSION_COOKIE)).toBeUndefined();
    expect(readCookie("labdeck_session=a; __Host-labdeck_session=b", SECURE_SESSION_COOKIE)).toBe("b");
  });
});

describe("sessionCookie", () => {
  it("over HTTPS: __Host- name, Secure, Path=/, no Domain", () => {
    const c = sessionCookie("t", { secure: true, maxAgeMs: 60_000 });
    expect(c).toMatch(/^__Host-labdeck_session=t; /);
    expect(c).toMatch(/; Secure$/);
    expect(c).toMatch(/Path=\//);
    expect(c).not.toMatch(/Domain/i);
    expect(clearedSessionCookie(true)).toMatch(/^__Host-labdeck_session=; .*Max-Age=0; Secure$/);
  });
  it("over plain http: the unprefixed name, no Secure", () => {
    const c = sessionCookie("t", { secure: false, maxAgeMs: 60_000 });
    expect(c).toMatch(/^labdeck_session=t; /);
    expect(c).not.toMatch(/Secure/);
  });
});
