// A minimal writer for the "newc" cpio format the Linux kernel unpacks as an initramfs.
// Written here rather than run through cpio(1) so device nodes need no mknod (no root)
// and the archive is byte-for-byte reproducible: every mtime, uid and inode is fixed.
// What must not break: the 4-byte alignment of names and data, and the TRAILER!!! entry.

export type CpioEntry =
  | { kind: "dir"; path: string; mode?: number }
  | { kind: "file"; path: string; data: Buffer | string; mode?: number }
  | { kind: "symlink"; path: string; target: string }
  | { kind: "char"; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

function pad4(len: number): Buffer {
  return Buffer.alloc((4 - (len % 4)) % 4);
}

function record(ino: number, mode: number, data: Buffer, name: string, rdev: { major: number; minor: number }): Buffer {
  if (name.startsWith("/") || name.includes("\0")) throw new Error(`cpio: bad entry name ${JSON.stringify(name)}`);
  const nameBuf = Buffer.from(`${name}\0`);
  const header = Buffer.from(
    "070701" + [ino, mode, 0, 0, 1, 0, data.length, 0, 0, rdev.major, rdev.minor, nameBuf.length, 0].map(hex8).join(""),
  );
  const headerAndName = Buffer.concat([header, nameBuf]);
  return Buffer.concat([headerAndName, pad4(headerAndName.length), data, pad4(data.length)]);
}

/** The archive for `entries`, in order (parents must precede children), plus the trailer. */
export function writeCpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const none = { major: 0, minor: 0 };
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, "");
    switch (e.kind) {
      case "dir":
        parts.push(record(ino++, S_IFDIR | (e.mode ?? 0o755), Buffer.alloc(0), name, none));
        break;
      case "file":
        parts.push(record(ino++, S_IFREG | (e.mode ?? 0o644), Buffer.from(e.data), name, none));
        break;
      case "symlink":
        parts.push(record(ino++, S_IFLNK | 0o777, Buffer.from(e.target), name, none));
        break;
      case "char":
        parts.push(record(ino++, S_IFCHR | (e.mode ?? 0o600), Buffer.alloc(0), name, { major: e.major, minor: e.minor }));
        break;
    }
  }
  parts.push(record(0, 0, Buffer.alloc(0), "TRAILER!!!", none));
  return Buffer.concat(parts);
}
