// Whether this machine can run lab hosts. Tests call it to skip with a reason instead of
// failing obscurely; it must stay cheap and side-effect free.
import { accessSync, constants } from "node:fs";

const REQUIRED = ["/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/bin/unshare"];
const IP_CANDIDATES = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function labHostsSupported(): { ok: boolean; reason?: string } {
  if (process.platform !== "linux") return { ok: false, reason: "lab hosts need Linux network namespaces" };
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    return { ok: false, reason: "lab hosts need root (network namespaces, veths, sshd)" };
  }
  if (!IP_CANDIDATES.some(executable)) return { ok: false, reason: "iproute2 `ip` is not installed" };
  const missing = REQUIRED.filter((f) => !executable(f));
  if (missing.length > 0) return { ok: false, reason: `missing ${missing.join(", ")} (openssh-server, util-linux)` };
  return { ok: true };
}
