import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import type { ExecResult } from "../../ssh/types";
import { ZHostCapabilities } from "./capabilities";
import { PROBE_STEPS, type ProbeStep } from "./commands";
import { probeHost } from "./probe";
import { manifest, recorded } from "./test-fixtures";

const HOST = "debian12-pvm";

/**
 * Replays the recorded run: each step must ask for exactly the argv that was recorded for
 * its id. Overrides stand in for other hosts' answers to single steps.
 */
function replay(overrides: Record<string, ExecResult | ((step: ProbeStep) => ExecResult)> = {}) {
  const recordedArgv = new Map(manifest(HOST).map((e) => [e.id, e.argv]));
  const calls: ProbeStep[] = [];
  const run = async (step: ProbeStep): Promise<ExecResult> => {
    calls.push(step);
    const o = overrides[step.id];
    if (o) return typeof o === "function" ? o(step) : o;
    expect(step.argv).toEqual(recordedArgv.get(step.id));
    return recorded(HOST, step.id);
  };
  return { run, calls };
}

const exited = (stdout: string, exitStatus = 0, stderr = ""): ExecResult => ({
  outcome: "exited",
  exitStatus,
  exitSignal: null,
  stdout,
  stderr,
  durationMs: 1,
});

describe("probeHost on the recorded Debian 12 PVM host", () => {
  it("reports what the host has, and that KVM could not be tested", async () => {
    const caps = await probeHost(replay().run);
    expect(ZHostCapabilities.parse(caps)).toEqual(caps);
    expect(caps).toMatchObject({
      arch: "x86_64",
      kernel: "6.18.44-fc-v595",
      os: "Debian GNU/Linux 12 (bookworm)",
      cpu: { count: 2, model: "AMD EPYC", virtFlags: [] },
      kvm: { device: true, usable: false, check: "not-run", detail: "no kernel found to test KVM with", testKernel: null },
      tun: { device: true },
      qemu: { img: { path: "/usr/bin/qemu-img", version: "7.2.22" } },
      xen: { xl: { path: "/usr/sbin/xl", version: null, hypervisor: false }, xm: null },
      uml: { path: "/usr/bin/linux.uml", version: "6.1.176", mconsolePath: "/usr/bin/uml_mconsole" },
      lvm: { path: "/usr/sbin/lvm", version: "2.03.16(2)", driverVersion: null, deviceMapper: false },
      ip: { path: "/usr/sbin/ip", version: "6.1.0" },
      bridge: { path: "/usr/sbin/bridge", version: "6.1.0" },
      brctl: { path: "/usr/sbin/brctl", version: "1.7" },
      iptables: {
        path: "/usr/sbin/iptables",
        version: "1.8.9",
        backend: "nf_tables",
        legacyPath: "/usr/sbin/iptables-legacy",
        nftPath: "/usr/sbin/iptables-nft",
      },
      ipForward: false,
    });
    expect(caps.qemu.binaries.find((b) => b.name === "qemu-system-x86_64")).toEqual({
      name: "qemu-system-x86_64",
      path: "/usr/bin/qemu-system-x86_64",
      version: "7.2.22",
    });
    expect(caps.disks.map((d) => d.name)).toEqual(["zram0", "vda"]);
  });

  it("issues exactly the recorded steps, the reads all before any dependent one", async () => {
    const { run, calls } = replay();
    await probeHost(run);
    expect(calls.map((c) => c.id).sort()).toEqual(
      manifest(HOST)
        .map((e) => e.id)
        .sort(),
    );
    expect(calls.slice(0, PROBE_STEPS.length).map((c) => c.id)).toEqual(PROBE_STEPS.map((s) => s.id));
  });

  it("runs the reads concurrently", async () => {
    let inFlight = 0;
    let peak = 0;
    const base = replay();
    await probeHost(async (step) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return base.run(step);
    });
    expect(peak).toBeGreaterThanOrEqual(PROBE_STEPS.length);
  });

  it("falls back to the MOUNTPOINT column and /usr/lib/os-release on older hosts", async () => {
    const lsblkOld = recorded(HOST, "lsblk");
    const { run, calls } = replay({
      lsblk: exited("", 1, "lsblk: unknown column: MOUNTPOINTS\n"),
      "lsblk-mountpoint": exited(lsblkOld.stdout.replace(/"mountpoints": \[\s*("[^"]*"|null)[^\]]*\]/g, '"mountpoint": $1')),
      "os-release": exited("", 1, "cat: /etc/os-release: No such file or directory\n"),
      "os-release-usr-lib": recorded(HOST, "os-release"),
    });
    const caps = await probeHost(run);
    expect(calls.map((c) => c.id)).toEqual(expect.arrayContaining(["lsblk-mountpoint", "os-release-usr-lib"]));
    expect(caps.disks.find((d) => d.name === "vda")?.mountpoints.length).toBe(1);
    expect(caps.os).toBe("Debian GNU/Linux 12 (bookworm)");
  });

  it("reports tools as absent when find finds none, without running their version commands", async () => {
    const { run, calls } = replay({ tools: exited("", 1, "find: '/usr/local/sbin': No such file or directory\n") });
    const caps = await probeHost(run);
    expect(calls.length).toBe(PROBE_STEPS.length);
    expect(caps).toMatchObject({
      qemu: { binaries: [], img: null },
      xen: { xl: null, xm: null },
      uml: null,
      lvm: null,
      ip: null,
      iptables: null,
    });
    expect(caps.kvm).toMatchObject({ check: "not-run", detail: "no QEMU system emulator for x86_64 to test KVM with" });
  });

  it("does not test KVM without a /dev/kvm character device", async () => {
    const devNodes = recorded(HOST, "dev-nodes");
    const { run, calls } = replay({ "dev-nodes": { ...devNodes, stdout: devNodes.stdout.replace(/^.*\/dev\/kvm\n/m, "") } });
    const caps = await probeHost(run);
    expect(caps.kvm).toMatchObject({ device: false, usable: false, check: "not-run" });
    expect(calls.some((c) => c.id === "kvm-boot")).toBe(false);
  });
});

describe("probeHost's KVM boot check", () => {
  const withKernel = (kvmBoot: ExecResult) => {
    const seen: ProbeStep[] = [];
    const { run } = replay({
      "boot-files": exited("config-6.18.44-fc-v595\nvmlinuz-6.18.44-fc-v595\n"),
      "kvm-boot": (step) => (seen.push(step), kvmBoot),
    });
    return { run, seen };
  };

  it("boots the running kernel with the host-arch QEMU and reports the PVM stall", async () => {
    const { run, seen } = withKernel(recorded("kvm-check", "kvm-pvm"));
    const caps = await probeHost(run);
    expect(seen[0]?.argv.slice(0, 7)).toEqual(["timeout", "-s", "KILL", "20", "/usr/bin/qemu-system-x86_64", "-accel", "kvm"]);
    expect(seen[0]?.argv).toContain("/boot/vmlinuz-6.18.44-fc-v595");
    expect(caps.kvm).toMatchObject({ device: true, usable: false, check: "stalled", testKernel: "/boot/vmlinuz-6.18.44-fc-v595" });
    expect(caps.kvm.detail).toContain("Probing EDD");
  });

  it("says usable when the guest kernel got to its panic (output of a good boot)", async () => {
    const caps = await probeHost(withKernel(recorded("kvm-check", "tcg-reference")).run);
    expect(caps.kvm).toMatchObject({ usable: true, check: "passed" });
  });

  it("uses RHEL's /usr/libexec/qemu-kvm when there is no qemu-system-x86_64", async () => {
    const seen: ProbeStep[] = [];
    const { run } = replay({
      tools: exited("/usr/sbin/ip\n/usr/libexec/qemu-kvm\n"),
      "version-qemu-kvm": recorded(HOST, "version-qemu-system-x86_64"),
      "boot-files": exited("vmlinuz-6.18.44-fc-v595\n"),
      "kvm-boot": (step) => (seen.push(step), recorded("kvm-check", "tcg-reference")),
    });
    const caps = await probeHost(run);
    expect(caps.qemu.binaries).toEqual([{ name: "qemu-kvm", path: "/usr/libexec/qemu-kvm", version: "7.2.22" }]);
    expect(seen[0]?.argv[4]).toBe("/usr/libexec/qemu-kvm");
  });

  it("takes a runner timeout of the boot check as a stall, not a probe failure", async () => {
    const caps = await probeHost(withKernel({ ...recorded("kvm-check", "kvm-pvm"), outcome: "timeout", exitSignal: null }).run);
    expect(caps.kvm.check).toBe("stalled");
  });
});

describe("probeHost when a command's outcome is unknown", () => {
  const failWith = async (id: string, outcome: ExecResult["outcome"]) => {
    const { run } = replay({ [id]: { ...exited(""), outcome, exitStatus: null } });
    return probeHost(run).then(
      () => null,
      (e: unknown) => e,
    );
  };

  it("throws SSH_TIMEOUT for a timed-out read", async () => {
    const e = await failWith("cpuinfo", "timeout");
    expect(e).toBeInstanceOf(LabdeckError);
    expect(e).toMatchObject({ code: "SSH_TIMEOUT", details: { stepId: "cpuinfo", outcome: "timeout" } });
  });

  it("throws INTERNAL when the connection was lost, even on a version step", async () => {
    expect(await failWith("version-lvm", "connection-lost")).toMatchObject({ code: "INTERNAL" });
  });

  it("throws CANCELLED when the job was cancelled", async () => {
    expect(await failWith("tools", "cancelled")).toMatchObject({ code: "CANCELLED" });
  });
});

describe("probeHost with its reads batched (one round trip per phase)", () => {
  it("reports the same capabilities in three round trips: reads, versions, and no KVM check here", async () => {
    const alone = await probeHost(replay().run);
    const { run, calls } = replay();
    const trips: string[][] = [];
    const caps = await probeHost(run, async (steps) => {
      trips.push(steps.map((s) => s.id));
      return Promise.all(steps.map((s) => run(s)));
    });
    expect(caps).toEqual(alone);
    expect(trips).toHaveLength(2);
    expect(trips[0]).toEqual(PROBE_STEPS.map((s) => s.id));
    expect(calls.map((c) => c.id).sort()).toEqual(
      manifest(HOST)
        .map((e) => e.id)
        .sort(),
    );
  });

  it("fails on a batched read whose outcome could not be read, naming that step", async () => {
    const { run } = replay({ meminfo: { ...exited(""), outcome: "timeout", exitStatus: null } });
    const e = await probeHost(run, (steps) => Promise.all(steps.map((s) => run(s)))).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: "SSH_TIMEOUT", details: { stepId: "meminfo" } });
  });
});
