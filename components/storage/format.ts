// Byte counts for reading. Every size on the page is shown rounded with its exact byte
// count beside it (title), because a rounded "1.5 GiB" typed back into a form is not
// the size the host has. The units are binary, as LVM and qemu-img count them.

const UNITS: readonly [string, number][] = [
  ["TiB", 2 ** 40],
  ["GiB", 2 ** 30],
  ["MiB", 2 ** 20],
  ["KiB", 2 ** 10],
];

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
