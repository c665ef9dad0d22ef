import { describe, expect, it } from "vitest";
import { capabilityMatrix } from "./matrix";
import { probeHost } from "./probe";
import type { ProbeStep } from "./commands";
import { recorded } from "./test-fixtures";

describe("capabilityMatrix of the recorded Debian 12 PVM host", () => {
  it("shows KVM, LVM and Xen as unavailable although their files and tools exist", async () => {
    const caps = await probeHost(async (step: ProbeStep) => recorded("debian12-pvm", step.id));
    const rows = Object.fromEntries(capabilityMatrix(caps).map((r) => [r.id, r]));
    expect(rows.kvm).toEqual({ id: "kvm", label: "KVM", available: false, detail: "/dev/kvm present; no kernel found to test KVM with" });
    expect(rows.lvm).toMatchObject({ available: false, detail: "2.03.16(2); kernel has no device-mapper" });
    expect(rows.xen?.available).toBe(false);
    expect(rows.tun?.available).toBe(true);
    expect(rows.qemu).toMatchObject({ available: true });
    expect(rows.qemu?.detail).toContain("qemu-system-x86_64 7.2.22");
    expect(rows.iptables?.detail).toBe("1.8.9 (nf_tables); legacy variant installed");
    expect(rows.bridge?.detail).toBe("bridge 6.1.0, brctl 1.7");
    expect(rows["ip-forward"]).toMatchObject({ available: false, detail: "off" });
    expect(rows.disks?.detail).toBe("vda 256.0 GiB (/run/netns, /)");
  });
});
