import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { ensureTinyGuest } from "./tiny-guest";

// Puts the tiny guest where a test host's guests may boot it: the host's default storage
// root, `<runDir>/images`. Used by the e2e global setup and the integration tests alike.

export function tinyGuestPaths(runDir: string): { kernel: string; initrd: string } {
  const images = path.join(runDir, "images");
  return { kernel: path.join(images, "vmlinuz"), initrd: path.join(images, "initramfs.cpio.gz") };
}

/** Builds (or takes from the cache) the tiny guest and copies it under the host's images root. */
export async function installTinyGuest(runDir: string): Promise<{ kernel: string; initrd: string }> {
  const tiny = await ensureTinyGuest();
  const dest = tinyGuestPaths(runDir);
  await mkdir(path.dirname(dest.kernel), { recursive: true });
  await copyFile(tiny.kernel, dest.kernel);
  await copyFile(tiny.initrd, dest.initrd);
  return dest;
}
