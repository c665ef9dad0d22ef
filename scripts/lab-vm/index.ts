// Public face of the lab-VM harness (tier 2 of LAB-HOSTS.md): a Debian VM under QEMU/TCG
// with LVM and spare disks. Everything here needs root; check labVmsSupported() first.
export {
  attachLabVm,
  DEFAULT_LAB_VM_BASE_DIR,
  labVmTarget,
  loadLabVm,
  LVM_DISK_SERIAL,
  startLabVm,
  type LabVm,
  type LabVmDiskSpec,
  type LabVmState,
  type StartLabVmOptions,
} from "./lab-vm";
export { ensureLabVmImage, labVmCacheDir, labVmRecipeKey, type LabVmImage } from "./image";
export { cleanupStaleLabVms, type LabVmCleanupReport } from "./cleanup";
export { labVmsSupported } from "./support";
