import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteRing } from "./byte-ring";

describe("ByteRing", () => {
  it("keeps everything below capacity, oldest first", () => {
    const r = new ByteRing(8);
    r.write(Buffer.from("abc"));
    r.write(Buffer.from("de"));
    expect(r.snapshot().toString()).toBe("abcde");
  });

  it("drops the oldest bytes across the wrap", () => {
    const r = new ByteRing(8);
    r.write(Buffer.from("abcdef"));
    r.write(Buffer.from("ghij"));
    expect(r.snapshot().toString()).toBe("cdefghij");
    r.write(Buffer.from("k"));
    expect(r.snapshot().toString()).toBe("defghijk");
  });

  it("keeps the tail of a chunk larger than itself", () => {
    const r = new ByteRing(4);
    r.write(Buffer.from("xy"));
    r.write(Buffer.from("0123456789"));
    expect(r.snapshot().toString()).toBe("6789");
    expect(r.length).toBe(4);
  });

  it("snapshots are copies", () => {
    const r = new ByteRing(4);
    r.write(Buffer.from("ab"));
    const s = r.snapshot();
    r.write(Buffer.from("cdef"));
    expect(s.toString()).toBe("ab");
  });

  it("always equals the last `capacity` bytes written", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.uint8Array({ maxLength: 100 })), (cap, chunks) => {
        const r = new ByteRing(cap);
        for (const c of chunks) r.write(c);
        const all = Buffer.concat(chunks);
        expect(r.snapshot()).toEqual(all.subarray(Math.max(0, all.length - cap)));
      }),
    );
  });
});
