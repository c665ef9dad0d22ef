import { describe, expect, it } from "vitest";
import type { THostCapabilities as HostCapabilities } from "./capabilities";
import { capabilityFacts, capabilityRows, capabilitySummary } from "./matrix";
import { probeHost } from "./probe";
import type { ProbeStep } from "./commands";
import { recorded } from "./test-fixtures";

const tool = (path: string, version: string | null = "1.0") => ({ path, version });

const caps: HostCapabilities = {
  arch: "x86_64",
  kernel: "6.1.0-18-amd64",
  os: "Debian GNU/Linux 12 (bookworm)",
  cpu: { count: 2, model: "AMD EPYC", virtFlags: ["svm"] },
  memory: { totalBytes: 8 * 1024 ** 3, availableBytes: 6 * 1024 ** 3 },
  disks: [{ name: "vda", sizeBytes: 20 * 1024 ** 3, type: "disk", model: null, mountpoints: ["/"], parent: null }],
  kvm: { device: true, usable: false, check: "stalled", detail: "guest stalled", testKernel: "/boot/vmlinuz" },
  tun: { device: true },
  qemu: { binaries: [{ name: "qemu-system-x86_64", ...tool("/usr/bin/qemu-system-x86_64", "7.2.22") }], img: tool("/usr/bin/qemu-img") },
  xen: { xl: { ...tool("/usr/sbin/xl"), hypervisor: null, detail: "" }, xm: null },
  uml: null,
  lvm: { ...tool("/usr/sbin/lvm"), driverVersion: null, deviceMapper: false },
  ip: tool("/usr/sbin/ip"),
  bridge: null,
  brctl: null,
  iptables: { ...tool("/usr/sbin/iptables"), backend: "nf_tables", legacyPath: null, nftPath: "/usr/sbin/iptables-nft" },
  ipForward: null,
};

const status = (key: string) => capabilityRows(caps).find((r) => r.key === key)?.status;

describe("capability rows", () => {
  it("says yes only for positive findings", () => {
    expect(status("kvm")).toBe("unknown");
    expect(status("qemu")).toBe("yes");
    expect(status("xen-xl")).toBe("unknown");
    expect(status("xen-xm")).toBe("no");
    expect(status("uml")).toBe("no");
    expect(status("lvm")).toBe("no");
    expect(status("ip-forward")).toBe("unknown");
  });

  it("calls KVM unusable when there is no /dev/kvm, and usable only after the boot check", () => {
    const without = { ...caps, kvm: { ...caps.kvm, device: false, check: "not-run" as const } };
    expect(capabilityRows(without).find((r) => r.key === "kvm")?.status).toBe("no");
    const usable = { ...caps, kvm: { ...caps.kvm, usable: true, check: "passed" as const } };
    expect(capabilityRows(usable).find((r) => r.key === "kvm")?.status).toBe("yes");
  });

  it("summarises arch, KVM and QEMU, and lists the facts", () => {
    expect(capabilitySummary(caps)).toBe("x86_64 · no KVM · QEMU 7.2.22");
    expect(capabilityFacts(caps).find((f) => f.key === "memory")?.value).toBe("8.0 GiB total, 6.0 GiB available");
  });
});

describe("capability rows of the recorded Debian 12 PVM host", () => {
  it("does not call KVM, LVM or Xen available although their files and tools exist", async () => {
    const recordedCaps = await probeHost(async (step: ProbeStep) => recorded("debian12-pvm", step.id));
    const rows = Object.fromEntries(capabilityRows(recordedCaps).map((r) => [r.key, r]));
    expect(rows.kvm).toMatchObject({ status: "unknown", detail: "/dev/kvm present; boot check not-run: no kernel found to test KVM with" });
    expect(rows.lvm?.status).toBe("no");
    expect(rows["xen-xl"]?.status).toBe("no");
    expect(rows.tun?.status).toBe("yes");
    expect(rows.qemu?.detail).toContain("qemu-system-x86_64 7.2.22");
    expect(rows.iptables?.detail).toContain("backend nf_tables");
    expect(rows["ip-forward"]).toMatchObject({ status: "no", detail: "net.ipv4.ip_forward = 0" });
  });
});
