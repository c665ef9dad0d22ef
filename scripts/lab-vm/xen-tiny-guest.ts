// The tiny guest (scripts/guest-image/) as a Xen PV domU: a PV guest has no ttyS0, its
// console is hvc0. The kernel unpacks concatenated cpio archives in order and a later
// entry replaces an earlier one, so a small second archive with /init talking to hvc0 and
// the hvc0 device node is appended to the cached initramfs instead of building another.
// The whole is gzipped as one stream: Xen's domain builder inflates a gzip ramdisk itself
// and sizes it from the last member's trailer, so two gzip members fail `xl create` with
// "xc_dom_do_gunzip: inflate failed".
// What must not break: the replaced /init is the stock one with only the tty changed, so
// BANNER and the shell behave exactly as in the QEMU tests.
import { readFile } from "node:fs/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { writeCpioNewc } from "../guest-image/cpio";
import { INIT_SCRIPT } from "../guest-image/tiny-guest-init";

/** Xen's PV console driver (hvc_xen): char 229:0. */
const HVC0 = { major: 229, minor: 0 };

export function hvc0InitScript(): string {
  const script = INIT_SCRIPT.replaceAll("/dev/ttyS0", "/dev/hvc0");
  if (script === INIT_SCRIPT || script.includes("ttyS0"))
    throw new Error("the tiny guest's /init no longer names /dev/ttyS0 the way this expects");
  return script;
}

/** The tiny initramfs followed by the hvc0 overlay, ready to be a domU's ramdisk. */
export async function tinyGuestHvc0Initramfs(initramfsFile: string): Promise<Buffer> {
  const overlay = writeCpioNewc([
    { kind: "char", path: "dev/hvc0", ...HVC0 },
    { kind: "file", path: "init", data: hvc0InitScript(), mode: 0o755 },
  ]);
  return gzipSync(Buffer.concat([gunzipSync(await readFile(initramfsFile)), overlay]), { level: 6 });
}
