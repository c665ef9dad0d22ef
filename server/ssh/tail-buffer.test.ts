import { describe, expect, it } from "vitest";
import { TailBuffer } from "./tail-buffer";

describe("TailBuffer", () => {
  it("keeps everything under the cap", () => {
    const b = new TailBuffer(10);
    b.push(Buffer.from("abc"));
    b.push(Buffer.from("def"));
    expect(b.toString()).toBe("abcdef");
    expect(b.dropped).toBe(0);
  });

  it("keeps the last bytes and counts what it dropped", () => {
    const b = new TailBuffer(5);
    b.push(Buffer.from("abc"));
    b.push(Buffer.from("defgh"));
    b.push(Buffer.from("ij"));
    expect(b.toString()).toBe("fghij");
    expect(b.dropped).toBe(5);
  });

  it("handles one chunk larger than the cap", () => {
    const b = new TailBuffer(4);
    b.push(Buffer.from("0123456789"));
    expect(b.toString()).toBe("6789");
    expect(b.dropped).toBe(6);
  });
});
