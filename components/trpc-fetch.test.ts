import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { checkedResponse, RequestRefusedError } from "./trpc-fetch";
import { errorMessage, errorStatus } from "./trpc-errors";

// A request refused before tRPC answers (Node's 431, a 413 from a proxy) has no JSON body:
// the page must say what happened instead of "Unexpected end of JSON input".

describe("tRPC responses the server's edge refused", () => {
  it("turns a 431 without a body into an error naming the status and the cause", async () => {
    const err = await checkedResponse(new Response(null, { status: 431 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestRefusedError);
    expect((err as RequestRefusedError).status).toBe(431);
    expect((err as Error).message).toContain("HTTP 431");
    expect((err as Error).message).toContain("headers");
    const client = TRPCClientError.from(err as Error);
    expect(errorStatus(client)).toBe(431);
    expect(errorMessage(client)).toContain("The server refused the request (HTTP 431)");
  });

  it("shows a plain-text refusal's own words, cut and without control characters", async () => {
    const err = await checkedResponse(
      new Response(`Host not served here\u001b[31m${"x".repeat(500)}`, { status: 421, headers: { "content-type": "text/plain" } }),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toContain("HTTP 421): Host not served here [31m");
    expect((err as Error).message.length).toBeLessThan(400);
  });

  it("passes tRPC's own answers through, errors included", async () => {
    const ok = new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
    expect(await checkedResponse(ok)).toBe(ok);
    const bad = new Response('{"error":{}}', { status: 400, headers: { "content-type": "application/json" } });
    expect(await checkedResponse(bad)).toBe(bad);
  });
});
