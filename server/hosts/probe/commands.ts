import type { HostReadStep } from "../../ssh/host-reader";

// The probe's commands: every one is read-only on the host and an argv array. Nothing here
// may change host state (no modprobe, no sysctl -w, no writes): the probe runs without a
// plan and without confirmation, so a step that mutates anything breaks that promise.

export interface ProbeStep extends HostReadStep {
  id: string;
  timeoutMs?: number;
  /** The file or device may be absent: a non-zero exit is an answer ("absent" in the audit), not a failure. */
  optional?: boolean;
  /** When batched (batch.ts), the most bytes kept of each stream; STEP_OUTPUT_BYTES when absent. */
  maxBytes?: number;
}

/** A batched step's stream bound: far above what these reads print (a version line, a /proc file). */
export const STEP_OUTPUT_BYTES = 64 * 1024;
/** /proc/cpuinfo (about 1.5 kB a CPU) and lsblk's JSON grow with the machine. */
const LARGE_OUTPUT_BYTES = 1024 * 1024;

// Timeouts by what a step does, with room for a loaded host: reading a /proc file or
// running uname is instant even then; `find` over a few directories and lsblk walk the
// filesystem and udev; a tool's --version loads the program (QEMU links a hundred
// libraries, and under load that alone took over 15 s on a test host).
const READ_TIMEOUT_MS = 20_000;
const SCAN_TIMEOUT_MS = 45_000;
const PROGRAM_TIMEOUT_MS = 90_000;

/** The KVM check kills QEMU on the host after this long; a working KVM needs about a second. */
export const KVM_BOOT_KILL_AFTER_S = 20;

/**
 * Tools are found by listing fixed directories rather than by `command -v`: a non-root SSH
 * user's PATH usually lacks the sbin directories where lvm, ip, brctl and iptables live, a
 * glob is the only way to learn which qemu-system-* exist without guessing architectures,
 * and `find` needs no shell. Later steps run each tool by the absolute path found here.
 * /usr/libexec holds RHEL's qemu-kvm. Order matters: the first directory wins a name.
 */
export const TOOL_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/libexec"] as const;

export const QEMU_SYSTEM_PREFIX = "qemu-system-";
export type QemuSystemName = `${typeof QEMU_SYSTEM_PREFIX}${string}`;

export const TOOL_NAMES = [
  "qemu-img",
  "qemu-kvm",
  "xl",
  "xm",
  "linux.uml",
  "uml_mconsole",
  "lvm",
  "ip",
  "bridge",
  "brctl",
  "iptables",
  "iptables-legacy",
  "iptables-nft",
] as const;

export type ToolName = (typeof TOOL_NAMES)[number];

export const DEV_KVM = "/dev/kvm";
export const DEV_TUN = "/dev/net/tun";
export const ROOT_VMLINUZ = "/vmlinuz";

function nameTests(): string[] {
  const names = [`${QEMU_SYSTEM_PREFIX}*`, ...TOOL_NAMES];
  return names.flatMap((name, i) => (i === 0 ? ["-name", name] : ["-o", "-name", name]));
}

/** Independent reads, run concurrently in the first phase. */
export const PROBE_STEPS: readonly ProbeStep[] = [
  { id: "arch", argv: ["uname", "-m"], purpose: "read the machine architecture" },
  { id: "kernel", argv: ["uname", "-r"], purpose: "read the running kernel release" },
  { id: "os-release", argv: ["cat", "/etc/os-release"], purpose: "read the distribution name", optional: true },
  { id: "cpuinfo", argv: ["cat", "/proc/cpuinfo"], purpose: "count CPUs and read virtualization flags" },
  { id: "meminfo", argv: ["cat", "/proc/meminfo"], purpose: "read total and available memory" },
  {
    id: "lsblk",
    argv: ["lsblk", "-J", "-b", "-o", "NAME,SIZE,TYPE,MODEL,MOUNTPOINTS"],
    purpose: "list block devices",
  },
  {
    // -L follows /vmlinuz to its target so a dangling link reads as absent; -d keeps ls
    // from listing a directory's contents if one of these paths ever is one.
    id: "dev-nodes",
    argv: ["ls", "-lLd", DEV_KVM, DEV_TUN, ROOT_VMLINUZ],
    purpose: "check the KVM and TUN device nodes and /vmlinuz",
    optional: true,
  },
  { id: "boot-files", argv: ["ls", "-1", "/boot"], purpose: "find a kernel image to test KVM with", optional: true },
  {
    id: "tools",
    argv: ["find", "-H", ...TOOL_DIRS, "-maxdepth", "1", "(", ...nameTests(), ")", "-print"],
    purpose: "find virtualization, storage and network tools",
  },
  {
    id: "ip-forward",
    argv: ["cat", "/proc/sys/net/ipv4/ip_forward"],
    purpose: "read whether IPv4 forwarding is on",
  },
].map((s) => ({
  ...s,
  timeoutMs: s.id === "tools" || s.id === "lsblk" ? SCAN_TIMEOUT_MS : READ_TIMEOUT_MS,
  ...(s.id === "cpuinfo" || s.id === "lsblk" ? { maxBytes: LARGE_OUTPUT_BYTES } : {}),
}));

/** os-release(5): /usr/lib/os-release is the fallback when /etc/os-release is missing. */
export const OS_RELEASE_FALLBACK_STEP: ProbeStep = {
  id: "os-release-usr-lib",
  argv: ["cat", "/usr/lib/os-release"],
  purpose: "read the distribution name (fallback location)",
  timeoutMs: READ_TIMEOUT_MS,
  optional: true,
};

/** util-linux before 2.37 has no MOUNTPOINTS column, only the single MOUNTPOINT. */
export const LSBLK_FALLBACK_STEP: ProbeStep = {
  id: "lsblk-mountpoint",
  argv: ["lsblk", "-J", "-b", "-o", "NAME,SIZE,TYPE,MODEL,MOUNTPOINT"],
  purpose: "list block devices (older lsblk)",
  timeoutMs: SCAN_TIMEOUT_MS,
  maxBytes: LARGE_OUTPUT_BYTES,
};

const VERSION_ARGS = {
  "qemu-img": ["--version"],
  lvm: ["version"],
  ip: ["-V"],
  bridge: ["-V"],
  brctl: ["-V"],
  iptables: ["-V"],
} as const;

export type VersionedTool = keyof typeof VERSION_ARGS | QemuSystemName | "qemu-kvm";

/** `<tool> --version`-style step for a tool found at an absolute path. */
export function versionStep(name: VersionedTool, path: string): ProbeStep {
  const args = name in VERSION_ARGS ? VERSION_ARGS[name as keyof typeof VERSION_ARGS] : ["--version"];
  return { id: `version-${name}`, argv: [path, ...args], purpose: `read the ${name} version`, timeoutMs: PROGRAM_TIMEOUT_MS };
}

/**
 * UML's `--version` is handled while the kernel parses its command line and exits before
 * booting (verified with Debian's linux.uml 6.1); the KILL timeout guards against a build
 * that would boot instead.
 */
export function umlVersionStep(path: string): ProbeStep {
  return {
    id: "version-linux.uml",
    argv: ["timeout", "-s", "KILL", "10", path, "--version"],
    purpose: "read the User-Mode Linux kernel version",
    timeoutMs: PROGRAM_TIMEOUT_MS,
  };
}

/** `xl info` / `xm info` read the hypervisor's version; both are read-only. */
export function xenInfoStep(name: "xl" | "xm", path: string): ProbeStep {
  // Optional: the tool may be installed on a host that is not a running dom0.
  return {
    id: `xen-${name}`,
    argv: [path, "info"],
    purpose: `ask the Xen hypervisor for its version (${name})`,
    timeoutMs: PROGRAM_TIMEOUT_MS,
    optional: true,
  };
}

/**
 * Boot the host's own kernel with no root device: under a working accelerator it reaches
 * "VFS: Unable to mount root fs" and panics in about a second, panic=-1 reboots at once
 * and -no-reboot turns that into QEMU exiting. The CPU model is QEMU's default: `-cpu
 * host` aborts on some nested hosts (PVM) before the guest runs, and the question is
 * whether guests Labdeck starts will run, which use the default. earlyprintk shows how
 * far a stalled boot got. Read-only: no disk, no network, nothing left behind.
 */
export function kvmBootArgv(qemuPath: string, kernelPath: string, accel: "kvm" | "tcg" = "kvm"): string[] {
  return [
    "timeout",
    "-s",
    "KILL",
    String(KVM_BOOT_KILL_AFTER_S),
    qemuPath,
    "-accel",
    accel,
    "-m",
    "128",
    "-nodefaults",
    "-no-user-config",
    "-no-reboot",
    "-display",
    "none",
    "-serial",
    "stdio",
    "-kernel",
    kernelPath,
    "-append",
    "console=ttyS0 earlyprintk=serial panic=-1 loglevel=4",
  ];
}

export function kvmBootStep(qemuPath: string, kernelPath: string): ProbeStep {
  return {
    id: "kvm-boot",
    argv: kvmBootArgv(qemuPath, kernelPath),
    purpose: "boot the host kernel under KVM for a few seconds to see whether KVM works",
    // The host kills QEMU itself after KVM_BOOT_KILL_AFTER_S; the rest is QEMU's start-up.
    timeoutMs: KVM_BOOT_KILL_AFTER_S * 1000 + PROGRAM_TIMEOUT_MS,
  };
}
