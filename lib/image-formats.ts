// The only formats a guest disk may have, whatever the hypervisor. Others (vmdk, vdi,
// vhdx, qed…) can name extent or child files anywhere on the host, which the hypervisor
// then opens with the guest's access.
export const GUEST_IMAGE_FORMATS = ["raw", "qcow2"] as const;
export type GuestImageFormat = (typeof GUEST_IMAGE_FORMATS)[number];
