import { describe, expect, it } from "vitest";
import { exactSizeText, formatMemory, humanBytes, wholeUnitBytes } from "./bytes";

describe("bytes", () => {
  it("rounds for reading and stays exact for forms", () => {
    expect(humanBytes(1.5 * 2 ** 30)).toBe("1.5 GiB");
    expect(humanBytes(512)).toBe("512 B");
    expect(exactSizeText(1536 * 2 ** 20)).toBe("1536M");
    expect(wholeUnitBytes(1536 * 2 ** 20)).toBe("1536 MiB");
    expect(wholeUnitBytes(8 * 2 ** 30)).toBe("8 GiB");
    expect(formatMemory(2048)).toBe("2 GiB");
    expect(formatMemory(1536)).toBe("1536 MiB");
  });
});
