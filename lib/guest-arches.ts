// The guest architectures Labdeck offers, in the order the wizard lists them. A
// hypervisor's definition schema takes its enum from here, so the wizard never offers
// one the server refuses.
export const ARCHES = ["x86_64", "i386", "aarch64", "arm", "riscv64", "ppc64", "s390x"] as const;
export type Arch = (typeof ARCHES)[number];
