import { humanBytes } from "../../lib/bytes";
import { badInput } from "../errors";

// Sizes typed by a user (LV size, disk size) into bytes, and bytes back into text. Every
// unit is binary (K = 1024), as in lvcreate -L and qemu-img: "GB" is refused rather than
// guessed, because to LVM and to a disk vendor it means different things, and a size that
// is 7% off silently is worse than a form that asks again. Arithmetic is exact (BigInt):
// "1.1G" is floor(1.1 × 2³⁰) bytes, not whatever a float made of it.

const UNITS = { B: 0n, K: 10n, M: 20n, G: 30n, T: 40n } as const;
type Unit = keyof typeof UNITS;

// Number, optional space, unit letter, optional "iB" (so "1.5 GiB", which formatBytes
// prints, parses back). Anything else is looked at again below for a helpful message.
const SIZE = /^(\d+)(?:\.(\d+))?\s?([BKMGT])(iB)?$/i;

/** Bytes for "10G", "1.5 GiB", "512M", "4096B". Throws badInput(field, …) on anything else. */
export function parseSize(input: string, field = "size"): number {
  const text = input.trim();
  const m = SIZE.exec(text);
  if (m === null) {
    const decimal = /^\d+(?:\.\d+)?\s?([kmgt])B$/i.exec(text);
    if (decimal?.[1] !== undefined) {
      const u = decimal[1].toUpperCase();
      throw badInput(field, `"${input}" is ambiguous (${u}B is 1000- or 1024-based); use ${u} for ${u}iB (binary)`);
    }
    if (/^\d+(?:\.\d+)?$/.test(text)) {
      throw badInput(field, `"${input}" has no unit; add B, K, M, G or T (binary: 1G = 1024 M)`);
    }
    throw badInput(field, `"${input}" is not a size such as 10G, 512M or 1.5T`);
  }
  const [, whole = "", fraction = "", unitLetter = "", iB] = m;
  const unit = unitLetter.toUpperCase() as Unit;
  if (unit === "B" && (iB !== undefined || fraction !== "")) {
    throw badInput(field, `"${input}": bytes are a whole number such as 4096B`);
  }
  const scale = 10n ** BigInt(fraction.length);
  const bytes = ((BigInt(whole) * scale + BigInt(fraction || "0")) << UNITS[unit]) / scale;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw badInput(field, `"${input}" is too large`);
  return Number(bytes);
}

/**
 * "10 GiB", "1.5 GiB", "512 B" (lib/bytes.ts humanBytes, which the pages use too), refusing
 * what is not a byte count. Rounded for reading; never feed it back as an exact size.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw badInput("bytes", `${bytes} is not a byte count`);
  return humanBytes(bytes);
}

/**
 * A new size as recipes write it: absolute ("2G") or relative to the current size ("+64M",
 * "-64M", as `lvextend -L +64M` and `lvreduce -L -64M` take it). A sign that points the
 * other way than the action is refused rather than turned into the opposite change.
 */
export function resolveSize(input: string, currentBytes: number, field: string, direction: "grow" | "shrink"): number {
  const text = input.trim();
  const sign = text[0];
  if (sign !== "+" && sign !== "-") return parseSize(text, field);
  if ((sign === "+") !== (direction === "grow")) {
    throw badInput(
      field,
      `"${input}" would ${sign === "+" ? "grow" : "shrink"} it; a ${direction} takes ${direction === "grow" ? "+SIZE" : "-SIZE"} or a new total size`,
    );
  }
  const delta = parseSize(text.slice(1), field);
  if (delta === 0) throw badInput(field, `"${input}" changes nothing`);
  const result = sign === "+" ? currentBytes + delta : currentBytes - delta;
  if (result <= 0) throw badInput(field, `"${input}" leaves nothing of the current ${formatBytes(currentBytes)}`);
  if (result > Number.MAX_SAFE_INTEGER) throw badInput(field, `"${input}" is too large`);
  return result;
}
