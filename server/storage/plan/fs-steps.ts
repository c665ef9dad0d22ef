import type { TPlanStep } from "../../jobs/plan";
import type { TFilesystem } from "../ops";

// Steps that put a filesystem on a device and make it part of the host: mkfs with a UUID
// chosen here (so the fstab line can name it before the filesystem exists), mount, and
// the /etc/fstab line with an undo that removes exactly that line and nothing else.

/** mkfs for a new, empty device or file. -F/-f: the device is new, but a stale signature must not stop the plan half-way. */
export function mkfsArgv(fs: TFilesystem, target: string, uuid?: string): string[] {
  switch (fs) {
    case "ext4":
      return ["mkfs.ext4", "-F", "-q", ...(uuid ? ["-U", uuid] : []), target];
    case "xfs":
      return ["mkfs.xfs", "-f", "-q", ...(uuid ? ["-m", `uuid=${uuid}`] : []), target];
    case "swap":
      return ["mkswap", ...(uuid ? ["-U", uuid] : []), target];
  }
}

export function mkfsStep(fs: TFilesystem, target: string, uuid?: string): TPlanStep {
  // A big xfs or ext4 on a slow disk takes a while; the default step timeout is for quick commands.
  return {
    argv: mkfsArgv(fs, target, uuid),
    purpose: `make ${fs === "swap" ? "swap space" : `an ${fs} filesystem`} on ${target}`,
    timeoutMs: 10 * 60_000,
  };
}

/** lsblk reads FSTYPE and UUID from udev's database, which is updated after mkfs: settle so the next read sees them. */
export function udevSettleStep(): TPlanStep {
  return { argv: ["udevadm", "settle", "--timeout=30"], purpose: "wait for udev to record the new filesystem", bestEffort: true };
}

/** xfs is only ever checked by xfs_repair by hand: fsck order 0. nofail: a lab host still boots when the volume is gone. */
export function fstabLine(uuid: string, mountpoint: string, fs: "ext4" | "xfs"): string {
  return `UUID=${uuid} ${mountpoint} ${fs} defaults,nofail 0 ${fs === "ext4" ? 2 : 0}`;
}

// The line arrives as $1. A file not ending in a newline gets one first, or the new line
// would be glued to the last entry.
const FSTAB_APPEND =
  'if [ -s /etc/fstab ] && [ -n "$(tail -c 1 /etc/fstab)" ]; then echo >> /etc/fstab; fi; printf "%s\\n" "$1" >> /etc/fstab';
// Exactly that line goes (-x -F: whole line, no pattern). grep exits 1 when no line is
// left, which is fine; the file is rewritten in place (cat >) to keep its owner and mode.
const FSTAB_REMOVE =
  't=$(mktemp /etc/.fstab.labdeck.XXXXXX) || exit 1; grep -v -x -F -e "$1" /etc/fstab > "$t"; s=$?; if [ "$s" -gt 1 ]; then rm -f "$t"; exit "$s"; fi; cat "$t" > /etc/fstab; s=$?; rm -f "$t"; exit "$s"';

export function fstabAppendArgv(line: string): string[] {
  return ["sh", "-c", FSTAB_APPEND, "sh", line];
}

export function fstabRemoveArgv(line: string): string[] {
  return ["sh", "-c", FSTAB_REMOVE, "sh", line];
}

export function fstabStep(line: string): TPlanStep {
  return { argv: fstabAppendArgv(line), purpose: `add to /etc/fstab: ${line}`, undo: fstabRemoveArgv(line) };
}

export function e2fsckStep(device: string): TPlanStep {
  // Exit 1 means "errors were found and fixed": the filesystem is clean now.
  return {
    argv: ["e2fsck", "-f", "-y", device],
    purpose: `check the filesystem on ${device} (resize2fs requires it)`,
    okExitStatuses: [1],
    timeoutMs: 30 * 60_000,
  };
}
