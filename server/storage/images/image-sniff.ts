// The one-time look at a file's first bytes when a user adds it as a disk (or a page lists
// it), so Labdeck can suggest its format without letting QEMU probe it. What must not
// break: this only ever suggests; the format a guest runs with is the one stored in its
// definition, shown to the user, and every later qemu/qemu-img call forces it with -f.
// The read is a fixed script with the path as its positional argument.
import { LabdeckError } from "../../errors";
import { assertAbsPath } from "../../names";
import type { GuestImageFormat as GuestImageFormat } from "../../../lib/image-formats";

/** Bytes read from the start of the file: enough for every magic below. */
export const SNIFF_BYTES = 96;

// `od` prints the bytes as hex; "absent" when there is no regular file, so a failing read
// always means the host could not be asked.
const SNIFF = `if [ -f "$1" ]; then head -c ${SNIFF_BYTES} -- "$1" | od -An -tx1 -v; else echo absent; fi`;

export function sniffArgv(imagePath: string): string[] {
  return ["sh", "-c", SNIFF, "sh", assertAbsPath("path", imagePath)];
}

export type SniffResult =
  | { kind: "absent" }
  | { kind: "guest-format"; format: GuestImageFormat }
  /** A format Labdeck does not give a guest (it may name other files on the host). */
  | { kind: "other"; format: string };

const ascii = (s: string) => Buffer.from(s, "latin1");
const MAGICS: { at: number; bytes: Buffer; format: string }[] = [
  { at: 0, bytes: Buffer.from([0x51, 0x46, 0x49, 0xfb]), format: "qcow2" },
  { at: 0, bytes: ascii("KDMV"), format: "vmdk" },
  { at: 0, bytes: ascii("# Disk DescriptorFile"), format: "vmdk" },
  { at: 0, bytes: ascii("QED\0"), format: "qed" },
  { at: 0, bytes: ascii("vhdxfile"), format: "vhdx" },
  { at: 0, bytes: ascii("conectix"), format: "vpc" },
  { at: 0x40, bytes: Buffer.from([0x7f, 0x10, 0xda, 0xbe]), format: "vdi" },
  { at: 0, bytes: Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]), format: "luks" },
];

/** What the first bytes say; anything without a known magic is raw (as it is to QEMU). */
export function parseSniff(stdout: string): SniffResult {
  const text = stdout.trim();
  if (text === "absent") return { kind: "absent" };
  if (text.length > SNIFF_BYTES * 4 || !/^[0-9a-f\s]*$/.test(text))
    throw new LabdeckError("INTERNAL", "the image header read printed something that is not od output");
  const bytes = Buffer.from(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((h) => Number.parseInt(h, 16)),
  );
  const hit = MAGICS.find((m) => bytes.length >= m.at + m.bytes.length && bytes.subarray(m.at, m.at + m.bytes.length).equals(m.bytes));
  if (hit === undefined) return { kind: "guest-format", format: "raw" };
  return hit.format === "qcow2" ? { kind: "guest-format", format: "qcow2" } : { kind: "other", format: hit.format };
}

/**
 * `qemu-img info` with the format forced to what the file's first bytes say (qcow2 magic:
 * qcow2, else raw), for pages that list or plan on files no guest definition describes.
 * A raw disk whose guest wrote a qcow2 header is then read as qcow2: callers must still
 * check the chain (checkImageWithinRoots) before acting on it.
 */
export function infoByMagicScript(o: { backingChain: boolean }): string {
  const chain = o.backingChain ? " --backing-chain" : "";
  return `m=$(head -c 4 -- "$1" | od -An -tx1 | tr -d " \\n"); if [ "$m" = 514649fb ]; then f=qcow2; else f=raw; fi; exec qemu-img info -U -f "$f" --output=json${chain} -- "$1"`;
}
