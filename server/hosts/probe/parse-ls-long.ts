// `ls -lLd PATH...` -> what each path is. Used for /dev/kvm, /dev/net/tun and /vmlinuz: a
// device must be a character device, not merely exist (a stale regular file at /dev/kvm
// is not KVM). Paths ls could not stat are absent.

export type PathKind = "char" | "block" | "file" | "dir" | "other";

export function parseLsLong(stdout: string, paths: readonly string[]): Map<string, PathKind> {
  const out = new Map<string, PathKind>();
  for (const line of stdout.split("\n")) {
    const path = paths.find((p) => line.endsWith(` ${p}`));
    if (!path || out.has(path)) continue;
    out.set(path, kindOf(line[0]));
  }
  return out;
}

function kindOf(c: string | undefined): PathKind {
  switch (c) {
    case "c":
      return "char";
    case "b":
      return "block";
    case "-":
      return "file";
    case "d":
      return "dir";
    default:
      return "other";
  }
}
