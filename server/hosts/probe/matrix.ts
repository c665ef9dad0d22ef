import type { THostCapabilities as HostCapabilities } from "./capabilities";

// The capability matrix the host page shows, computed here so the page, the API and the
// tests agree on what "available" means. Only a positive finding is "yes": KVM only when
// the boot check passed, LVM only with device-mapper; a check that did not run is "unknown".

export type CapStatus = "yes" | "no" | "unknown";
export interface CapRow {
  key: string;
  label: string;
  status: CapStatus;
  detail: string;
}
export interface FactRow {
  key: string;
  label: string;
  value: string;
}

type Tool = { path: string; version: string | null } | null;

function gib(bytes: number | null): string {
  return bytes === null ? "?" : `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

function tool(t: Tool, missing = "not installed"): Pick<CapRow, "status" | "detail"> {
  if (!t) return { status: "no", detail: missing };
  return { status: "yes", detail: `${t.path}${t.version ? ` (${t.version})` : " (version unreadable)"}` };
}

function tri(value: boolean | null): CapStatus {
  return value === null ? "unknown" : value ? "yes" : "no";
}

function xen(t: HostCapabilities["xen"]["xl"]): Pick<CapRow, "status" | "detail"> {
  if (!t) return { status: "no", detail: "not installed" };
  const hv =
    t.hypervisor === true ? "hypervisor answered" : t.hypervisor === false ? "no Xen hypervisor running" : "hypervisor state unknown";
  return { status: tri(t.hypervisor), detail: `${t.path}${t.version ? ` ${t.version}` : ""}: ${hv}${t.detail ? `; ${t.detail}` : ""}` };
}

export function capabilityFacts(c: HostCapabilities): FactRow[] {
  const top = c.disks.filter((d) => d.parent === null && d.type === "disk");
  return [
    { key: "arch", label: "Architecture", value: c.arch },
    { key: "kernel", label: "Kernel", value: c.kernel },
    { key: "os", label: "OS", value: c.os ?? "unknown" },
    {
      key: "cpu",
      label: "CPU",
      value: `${c.cpu.count} × ${c.cpu.model ?? "unknown model"}${c.cpu.virtFlags.length ? ` (${c.cpu.virtFlags.join(", ")})` : ""}`,
    },
    { key: "memory", label: "Memory", value: `${gib(c.memory.totalBytes)} total, ${gib(c.memory.availableBytes)} available` },
    {
      key: "disks",
      label: "Disks",
      value: top.length ? top.map((d) => `${d.name} ${gib(d.sizeBytes)}${d.model ? ` ${d.model}` : ""}`).join(", ") : "none listed",
    },
  ];
}

export function capabilityRows(c: HostCapabilities): CapRow[] {
  const kvmStatus: CapStatus = c.kvm.usable ? "yes" : c.kvm.check === "failed" || !c.kvm.device ? "no" : "unknown";
  const qemu = c.qemu.binaries;
  const lvm = c.lvm;
  return [
    {
      key: "kvm",
      label: "KVM",
      status: kvmStatus,
      detail: `/dev/kvm ${c.kvm.device ? "present" : "absent"}; boot check ${c.kvm.check}${c.kvm.detail ? `: ${c.kvm.detail}` : ""}`,
    },
    {
      key: "qemu",
      label: "QEMU",
      status: qemu.length ? "yes" : "no",
      detail: qemu.length ? qemu.map((b) => `${b.name} ${b.version ?? "(version unreadable)"}`).join(", ") : "no qemu-system-* found",
    },
    { key: "qemu-img", label: "qemu-img", ...tool(c.qemu.img) },
    {
      key: "tun",
      label: "TUN/TAP",
      status: c.tun.device ? "yes" : "no",
      detail: c.tun.device ? "/dev/net/tun present" : "/dev/net/tun missing",
    },
    { key: "xen-xl", label: "Xen (xl)", ...xen(c.xen.xl) },
    { key: "xen-xm", label: "Xen (xm, legacy)", ...xen(c.xen.xm) },
    {
      key: "uml",
      label: "User-Mode Linux",
      ...tool(c.uml),
      ...(c.uml ? { detail: `${tool(c.uml).detail}; mconsole ${c.uml.mconsolePath ?? "missing"}` } : {}),
    },
    {
      key: "lvm",
      label: "LVM",
      status: !lvm ? "no" : tri(lvm.deviceMapper),
      detail: !lvm
        ? "not installed"
        : `${tool(lvm).detail}; device-mapper ${lvm.deviceMapper === null ? "unknown" : lvm.deviceMapper ? `driver ${lvm.driverVersion ?? "?"}` : "missing in kernel"}`,
    },
    { key: "ip", label: "iproute2 (ip)", ...tool(c.ip) },
    { key: "bridge", label: "bridge", ...tool(c.bridge) },
    { key: "brctl", label: "brctl (legacy)", ...tool(c.brctl) },
    {
      key: "iptables",
      label: "iptables",
      ...tool(c.iptables),
      ...(c.iptables ? { detail: `${tool(c.iptables).detail}; backend ${c.iptables.backend}` } : {}),
    },
    {
      key: "ip-forward",
      label: "IPv4 forwarding",
      status: tri(c.ipForward),
      detail: c.ipForward === null ? "net.ipv4.ip_forward unreadable" : `net.ipv4.ip_forward = ${c.ipForward ? 1 : 0}`,
    },
  ];
}

/** One line for the host list: arch, KVM, QEMU version. */
export function capabilitySummary(c: HostCapabilities): string {
  const qemu = c.qemu.binaries[0];
  return [c.arch, c.kvm.usable ? "KVM usable" : "no KVM", qemu ? `QEMU ${qemu.version ?? "?"}` : "no QEMU"].join(" · ");
}
