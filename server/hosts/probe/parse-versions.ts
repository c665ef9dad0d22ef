import { firstMatch, nonEmptyLines } from "./parse-util";

// Version lines of the tools the probe finds. Each returns null when the output is not
// what the tool prints: the tool is then shown as present with an unknown version.

/** `qemu-system-* --version`, `qemu-kvm --version`: "QEMU emulator version 7.2.22 (Debian …)". */
export function parseQemuVersion(text: string): string | null {
  return firstMatch(text, /QEMU emulator version (\S+)/);
}

/** `qemu-img --version`: "qemu-img version 7.2.22 (Debian …)". */
export function parseQemuImgVersion(text: string): string | null {
  return firstMatch(text, /qemu-img version (\S+)/);
}

/** `ip -V`: "ip utility, iproute2-6.1.0, libbpf 1.1.2"; older ones "iproute2-ss200127". */
export function parseIpVersion(text: string): string | null {
  return firstMatch(text, /iproute2-([^\s,]+)/);
}

/** `bridge -V`: "bridge utility, 6.1.0"; older ones "bridge utility, iproute2-ss200127". */
export function parseBridgeVersion(text: string): string | null {
  return firstMatch(text, /bridge utility, (?:iproute2-)?([^\s,]+)/);
}

/** `brctl -V`: "bridge-utils, 1.7". */
export function parseBrctlVersion(text: string): string | null {
  return firstMatch(text, /bridge-utils,?\s+(\S+)/);
}

/** `linux.uml --version` prints the UML kernel release alone on a line. */
export function parseUmlVersion(text: string): string | null {
  const line = nonEmptyLines(text)[0];
  return line && /^\d+\.\d\S*$/.test(line) ? line : null;
}

export interface LvmVersion {
  version: string | null;
  driverVersion: string | null;
  deviceMapper: boolean | null;
}

/**
 * `lvm version` prints the tool version on stdout and, when the kernel lacks
 * device-mapper, complains on stderr and omits the driver line: LVM is then installed
 * but cannot create volumes, which the capability matrix must show.
 */
export function parseLvmVersion(stdout: string, stderr: string): LvmVersion {
  const driverVersion = firstMatch(stdout, /Driver version:\s+(\S+)/);
  const noDm = /Failure to communicate with kernel device-mapper driver|device-mapper is available/i.test(stderr);
  return {
    version: firstMatch(stdout, /LVM version:\s+(\S+)/),
    driverVersion,
    deviceMapper: driverVersion ? true : noDm ? false : null,
  };
}
