// The Xen dom0 variant of the lab VM image (LAB-HOSTS.md, "Xen 4.17 (dom0 in a VM)"): the
// LVM lab VM's recipe plus the hypervisor and a kernel that can be dom0 (the cloud kernel
// cannot). Its key hashes the base recipe's key too, so a change to either builds a new
// image, and the LVM image's key (labVmRecipeKey) is untouched by anything here.
import { createHash } from "node:crypto";
import { labVmRecipeKey, type ImageRecipe } from "./image";
import { PACKAGES } from "./recipe";

export const XEN_EXTRA_PACKAGES = ["xen-system-amd64", "linux-image-amd64"] as const;
export const XEN_PACKAGES = [...PACKAGES, ...XEN_EXTRA_PACKAGES] as const;
/** Bumped by hand when Xen-only build steps change in a way the image shows. */
export const XEN_BUILD_STEPS_VERSION = 1;

export function xenLabVmRecipeKey(): string {
  return createHash("sha256")
    .update(JSON.stringify({ base: labVmRecipeKey(), XEN_PACKAGES, XEN_BUILD_STEPS_VERSION }))
    .digest("hex")
    .slice(0, 16);
}

/** Both kernels are installed; dom0 boots the generic one (vmlinuz-<release>-amd64, not -cloud-amd64). */
export function pickDom0Kernel(vmlinuzFiles: readonly string[]): string | undefined {
  return vmlinuzFiles.filter((f) => f.endsWith("-amd64") && !f.endsWith("-cloud-amd64")).at(-1);
}

export function xenImageRecipe(): ImageRecipe {
  return { cacheName: "xen-lab-vm", key: xenLabVmRecipeKey(), packages: XEN_PACKAGES, pickKernel: pickDom0Kernel, xen: true };
}
