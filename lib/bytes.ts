// Byte counts for reading and for forms, on both sides. The units are binary, as LVM and
// qemu-img count them. What must not break: a rounded text ("1.5 GiB") is for reading
// only; a size that goes back into a form or a plan is written with exactSizeText or
// wholeUnitBytes, which never round.

const UNITS: readonly [string, number][] = [
  ["TiB", 2 ** 40],
  ["GiB", 2 ** 30],
  ["MiB", 2 ** 20],
  ["KiB", 2 ** 10],
];

/**
 * "10 GiB", "1.5 GiB", "512 B": the largest unit that gives at least 1, at most two
 * decimals, trailing zeros dropped. Rounded for reading; never feed it back as an exact
 * size (a whole number of the unit is exact, "1.33 GiB" is not).
 */
export function humanBytes(bytes: number): string {
  for (const [name, size] of UNITS) {
    if (bytes >= size) return `${String(Math.round((bytes / size) * 100) / 100)} ${name}`;
  }
  return `${Math.floor(bytes)} B`;
}

/** "1073741824 bytes" with thousands grouped, for a title attribute. */
export function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes`;
}

/** An exact size text for a form ("1536M", "2G"): the largest binary unit that divides it, so nothing is rounded. */
export function exactSizeText(bytes: number): string {
  for (const [name, size] of UNITS) {
    if (bytes % size === 0 && bytes >= size) return `${bytes / size}${name.charAt(0)}`;
  }
  return `${bytes}B`;
}

const WHOLE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/** "1536 MiB", "8 GiB": the largest unit that divides the count exactly (a definition's size, never rounded). */
export function wholeUnitBytes(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < WHOLE_UNITS.length - 1 && v % 1024 === 0) {
    v /= 1024;
    i++;
  }
  return `${v} ${WHOLE_UNITS[i]}`;
}

/** A guest's memory: "2 GiB" when whole, else "1536 MiB". */
export function formatMemory(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}
