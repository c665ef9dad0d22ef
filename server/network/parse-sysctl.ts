import { LabdeckError } from "../errors";

// A boolean sysctl read as `cat /proc/sys/...` or `sysctl -n`: "0" or "1". Anything else
// is an error rather than false, because "forwarding off" shown for an unreadable value
// would invite the user to turn on something that may already be on.

export function parseSysctlBool(name: string, stdout: string): boolean {
  const v = stdout.trim();
  if (v === "1") return true;
  if (v === "0") return false;
  throw new LabdeckError("INTERNAL", `${name}: unexpected value`, { details: { value: v.slice(0, 50) } });
}

/** `$SSH_CONNECTION`: "client-ip client-port server-ip server-port"; null when unset. */
export function parseSshConnection(
  stdout: string,
): { clientAddress: string; clientPort: number; serverAddress: string; serverPort: number } | null {
  const parts = stdout.trim().split(/\s+/);
  if (parts.length !== 4) return null;
  const [clientAddress, clientPort, serverAddress, serverPort] = parts as [string, string, string, string];
  if (!/^\d+$/.test(clientPort) || !/^\d+$/.test(serverPort)) return null;
  return { clientAddress, clientPort: Number(clientPort), serverAddress, serverPort: Number(serverPort) };
}
