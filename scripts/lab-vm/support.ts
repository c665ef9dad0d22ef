// Whether this machine can run lab VMs. Tests call it to skip with a reason; it stays
// cheap and changes nothing (building the image is ensureLabVmImage's job, not this one's).
import { accessSync, constants } from "node:fs";

const REQUIRED: readonly [string, string][] = [
  ["/usr/bin/qemu-system-x86_64", "qemu-system-x86"],
  ["/usr/bin/qemu-img", "qemu-utils"],
  ["/usr/bin/ssh-keygen", "openssh-client"],
  ["/usr/sbin/mkfs.ext4", "e2fsprogs"],
  ["/usr/sbin/chroot", "coreutils"],
];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function labVmsSupported(): { ok: boolean; reason?: string } {
  if (process.platform !== "linux") return { ok: false, reason: "lab VMs need Linux" };
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    return { ok: false, reason: "lab VMs need root (debootstrap and chroot build the image)" };
  }
  const missing = REQUIRED.filter(([file]) => !executable(file));
  if (missing.length > 0) {
    return { ok: false, reason: `missing ${missing.map(([f, pkg]) => `${f} (${pkg})`).join(", ")}` };
  }
  return { ok: true };
}
