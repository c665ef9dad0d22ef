import { nonEmptyLines } from "./parse-util";

// Which kernel image the KVM check boots. The running kernel's own image is preferred: it
// is known to suit this CPU, and on distributions that keep several, the others may be
// half-removed leftovers. Rescue images are a last resort (huge initrd-less generic
// kernels boot fine, but they are rarely updated).

export function parseBootEntries(lsOutput: string): string[] {
  return nonEmptyLines(lsOutput).filter((n) => !n.includes("/"));
}

export function pickTestKernel(opts: { release: string; bootEntries: readonly string[]; rootVmlinuz: boolean }): string | null {
  const entries = new Set(opts.bootEntries);
  if (opts.release && entries.has(`vmlinuz-${opts.release}`)) return `/boot/vmlinuz-${opts.release}`;
  if (entries.has("vmlinuz")) return "/boot/vmlinuz";
  if (opts.rootVmlinuz) return "/vmlinuz";
  const others = [...entries]
    .filter((n) => /^vmlinuz-./.test(n) && !n.endsWith(".old"))
    .sort()
    .reverse();
  const preferred = others.find((n) => !n.includes("rescue")) ?? others[0];
  return preferred ? `/boot/${preferred}` : null;
}
