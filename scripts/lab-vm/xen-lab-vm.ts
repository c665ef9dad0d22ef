// The Xen dom0 lab VM: the image of xen-recipe.ts booted with Xen as QEMU's multiboot kernel
// and the generic Debian kernel as dom0 (LAB-HOSTS.md, "Xen 4.17 (dom0 in a VM)"). Same
// overlay, disks, SSH and stop() as the LVM lab VM (lab-vm.ts). What must not break: -smap
// stays off (without it dom0 crash-loops under QEMU 7.2 TCG), and no multiboot argument
// holds a comma (QEMU splits -initrd on commas into modules).
import { accessSync, constants } from "node:fs";
import { ensureImage } from "./image";
import { bootLabVm, checkLabVmOptions, type LabVm, type StartLabVmOptions } from "./lab-vm";
import { labVmsSupported } from "./support";
import { xenImageRecipe } from "./xen-recipe";

/** Xen's own console goes to the serial log (com1); dom0 memory is fixed so domUs get the rest. */
export const XEN_APPEND = "dom0_mem=1024M,max:1024M console=com1 com1=115200,8n1";
/** dom0's console is Xen's PV console (hvc0), which Xen copies to com1 too. */
export const DOM0_CMDLINE = "root=/dev/vda rw console=hvc0 quiet";
export const XEN_CPU = "max,-smap";
/** 1 GiB for dom0, the rest for domUs (a tiny PV guest needs 128 MiB). */
export const XEN_DEFAULT_MEMORY_MIB = 3072;

export function xenLabVmsSupported(): { ok: boolean; reason?: string } {
  const base = labVmsSupported();
  if (!base.ok) return base;
  try {
    accessSync("/usr/share/qemu/multiboot_dma.bin", constants.R_OK);
  } catch {
    // QEMU's multiboot loader option ROM: without it -kernel refuses the Xen ELF.
    return { ok: false, reason: "missing /usr/share/qemu/multiboot_dma.bin (qemu-system-data)" };
  }
  return { ok: true };
}

/** Boots a Xen dom0 lab VM (building its image first if needed) and resolves once dom0 SSH answers. */
export async function startXenLabVm(opts: StartLabVmOptions = {}): Promise<LabVm> {
  checkLabVmOptions(opts);
  const image = await ensureImage(xenImageRecipe(), { cacheRoot: opts.cacheRoot, log: opts.log });
  if (image.xen === undefined) throw new Error(`the image at ${image.dir} has no xen.elf`);
  return bootLabVm(
    image,
    {
      kernel: image.xen,
      initrd: [{ file: image.kernel, cmdline: DOM0_CMDLINE }, { file: image.initrd }],
      append: XEN_APPEND,
      cpu: XEN_CPU,
      memoryMiB: opts.memoryMiB ?? XEN_DEFAULT_MEMORY_MIB,
    },
    opts,
  );
}
