import type { THostCapabilities, TToolInfo } from "./capabilities";

// The capability matrix the host page shows: one row per capability with "available" and
// a one-line detail. Kept beside the schema so the page, the API and tests agree on what
// "available" means; in particular KVM is available only when the boot check passed, and
// LVM only when the kernel has device-mapper, never because a file or binary exists.

export interface CapabilityRow {
  id: string;
  label: string;
  available: boolean;
  detail: string;
}

function gib(bytes: number | null): string {
  return bytes === null ? "unknown" : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function toolRow(id: string, label: string, t: TToolInfo | null, extra = ""): CapabilityRow {
  if (!t) return { id, label, available: false, detail: "not installed" };
  return { id, label, available: true, detail: `${t.version ?? "version unknown"} (${t.path})${extra}` };
}

export function capabilityMatrix(c: THostCapabilities): CapabilityRow[] {
  const flags = c.cpu.virtFlags.length ? c.cpu.virtFlags.join(", ") : "no vmx/svm flag";
  const disks = c.disks.filter((d) => d.parent === null && d.sizeBytes > 0);
  const qemus = c.qemu.binaries.map((b) => `${b.name} ${b.version ?? "?"}`).join(", ");
  const xen = c.xen.xl ?? c.xen.xm;
  const lvm = c.lvm;
  const ipt = c.iptables;
  return [
    { id: "system", label: "System", available: true, detail: `${c.os ?? "unknown OS"}, kernel ${c.kernel}, ${c.arch}` },
    { id: "cpu", label: "CPU", available: c.cpu.count > 0, detail: `${c.cpu.count} × ${c.cpu.model ?? "unknown model"}; ${flags}` },
    { id: "memory", label: "Memory", available: c.memory.totalBytes !== null, detail: `${gib(c.memory.availableBytes)} available of ${gib(c.memory.totalBytes)}` },
    {
      id: "disks",
      label: "Disks",
      available: disks.length > 0,
      detail: disks.map((d) => `${d.name} ${gib(d.sizeBytes)}${d.mountpoints.length ? ` (${d.mountpoints.join(", ")})` : ""}`).join("; ") || "none found",
    },
    { id: "kvm", label: "KVM", available: c.kvm.usable, detail: `${c.kvm.device ? "/dev/kvm present" : "no /dev/kvm"}; ${c.kvm.detail}` },
    { id: "tun", label: "TUN/TAP", available: c.tun.device, detail: c.tun.device ? "/dev/net/tun present" : "no /dev/net/tun" },
    { id: "qemu", label: "QEMU", available: c.qemu.binaries.length > 0, detail: qemus || "not installed" },
    toolRow("qemu-img", "qemu-img", c.qemu.img),
    {
      id: "xen",
      label: "Xen",
      available: xen?.hypervisor === true,
      detail: xen ? `${c.xen.xl ? "xl" : "xm"}: ${xen.detail}` : "not installed",
    },
    toolRow("uml", "User-Mode Linux", c.uml, c.uml && !c.uml.mconsolePath ? "; no uml_mconsole" : ""),
    {
      id: "lvm",
      label: "LVM",
      available: lvm !== null && lvm.deviceMapper !== false,
      detail: !lvm
        ? "not installed"
        : `${lvm.version ?? "version unknown"}${lvm.deviceMapper === false ? "; kernel has no device-mapper" : lvm.driverVersion ? `, driver ${lvm.driverVersion}` : ""}`,
    },
    toolRow("ip", "iproute2 ip", c.ip),
    { ...toolRow("bridge", "Bridges", c.bridge ?? c.brctl), detail: [c.bridge && `bridge ${c.bridge.version ?? "?"}`, c.brctl && `brctl ${c.brctl.version ?? "?"}`].filter(Boolean).join(", ") || "not installed" },
    {
      id: "iptables",
      label: "iptables",
      available: ipt !== null,
      detail: !ipt
        ? "not installed"
        : `${ipt.version ?? "version unknown"} (${ipt.backend ?? "backend unknown"})${ipt.backend === "nf_tables" && ipt.legacyPath ? "; legacy variant installed" : ""}`,
    },
    { id: "ip-forward", label: "IPv4 forwarding", available: c.ipForward === true, detail: c.ipForward === null ? "unknown" : c.ipForward ? "on" : "off" },
  ];
}
