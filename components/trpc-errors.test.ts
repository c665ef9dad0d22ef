import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { fieldErrors, formError, labdeckCode } from "./trpc-errors";

function apiError(message: string, data: Record<string, unknown>) {
  return new TRPCClientError(message, { result: { error: { message, code: -32600, data } } } as never);
}

describe("reading server errors", () => {
  it("maps zod field errors and a domain error's field, without the field prefix", () => {
    const zod = apiError("bad", { httpStatus: 400, zodError: { formErrors: [], fieldErrors: { name: ["too short"], port: ["too big"] } } });
    expect(fieldErrors(zod)).toEqual({ name: "too short", port: "too big" });
    expect(formError(zod, ["name", "port"])).toBeNull();
    expect(formError(zod, ["name"])).toBe("port: too big");

    const domain = apiError('name: a host named "a" already exists', { httpStatus: 409, field: "name", labdeckCode: "CONFLICT" });
    expect(fieldErrors(domain)).toEqual({ name: 'a host named "a" already exists' });
    expect(labdeckCode(domain)).toBe("CONFLICT");
  });

  it("falls back to the message for errors without a field", () => {
    const err = apiError("host key for h changed", { httpStatus: 412, labdeckCode: "HOST_KEY_MISMATCH" });
    expect(formError(err, ["name"])).toBe("host key for h changed");
    expect(labdeckCode(err)).toBe("HOST_KEY_MISMATCH");
  });
});
