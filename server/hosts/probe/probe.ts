import { LabdeckError } from "../../errors";
import type { ExecResult } from "../../ssh/types";
import type { HostReader } from "../../ssh/host-reader";
import { ZHostCapabilities, type THostCapabilities, type TKvmCheck } from "./capabilities";
import {
  DEV_KVM,
  DEV_TUN,
  LSBLK_FALLBACK_STEP,
  OS_RELEASE_FALLBACK_STEP,
  PROBE_STEPS,
  ROOT_VMLINUZ,
  kvmBootStep,
  umlVersionStep,
  versionStep,
  xenInfoStep,
  type ProbeStep,
  type VersionedTool,
} from "./commands";
import { parseBootEntries, pickTestKernel } from "./parse-boot-files";
import { parseCpuinfo } from "./parse-cpuinfo";
import { parseIpForward } from "./parse-ip-forward";
import { parseIptablesVersion } from "./parse-iptables";
import { parseKvmBootCheck } from "./parse-kvm-check";
import { parseLsLong } from "./parse-ls-long";
import { isUnknownLsblkColumn, parseLsblk } from "./parse-lsblk";
import { parseMeminfo } from "./parse-meminfo";
import { parseOsRelease } from "./parse-os-release";
import { parseToolPaths, type ToolPaths } from "./parse-tool-paths";
import {
  parseBrctlVersion,
  parseBridgeVersion,
  parseIpVersion,
  parseLvmVersion,
  parseQemuImgVersion,
  parseQemuVersion,
  parseUmlVersion,
} from "./parse-versions";
import { parseXenInfo } from "./parse-xen-info";

// The read-only host capability probe: reads first (concurrently), then the version
// commands of the tools found, then the KVM boot check when its preconditions hold. It
// gets a runner from the job runner, which audits every command, and must never reach
// ssh2 or the database itself. A missing tool is a normal answer; only a command whose
// outcome could not be read (timeout, lost connection, cancel) fails the probe, because
// then "absent" would be a guess.

/** Runs one step on the host; the job runner queues, streams and audits it. */
type ProbeRunner = HostReader<ProbeStep>;
/** Runs independent steps together (one round trip: batch.ts), one result per step in order. */
export type ProbeManyRunner = (steps: readonly ProbeStep[]) => Promise<ExecResult[]>;

function failure(step: ProbeStep, r: ExecResult): LabdeckError {
  const code = r.outcome === "timeout" ? "SSH_TIMEOUT" : r.outcome === "cancelled" ? "CANCELLED" : "INTERNAL";
  return new LabdeckError(code, `probe step "${step.purpose}" ended with ${r.outcome}`, {
    details: { stepId: step.id, argv: step.argv, outcome: r.outcome },
  });
}

async function exec(run: ProbeRunner, step: ProbeStep): Promise<ExecResult> {
  const r = await run(step);
  if (r.outcome !== "exited") throw failure(step, r);
  return r;
}

async function execAll(run: ProbeRunner, steps: readonly ProbeStep[], many?: ProbeManyRunner): Promise<Map<string, ExecResult>> {
  if (!many) return new Map(await Promise.all(steps.map(async (s) => [s.id, await exec(run, s)] as const)));
  const results = steps.length > 0 ? await many(steps) : [];
  return new Map(
    steps.map((s, i) => {
      const r = results[i];
      if (!r || r.outcome !== "exited")
        throw failure(s, r ?? { outcome: "connection-lost", exitStatus: null, exitSignal: null, stdout: "", stderr: "", durationMs: 0 });
      return [s.id, r] as const;
    }),
  );
}

const NOT_RUN: ExecResult = { outcome: "exited", exitStatus: null, exitSignal: null, stdout: "", stderr: "", durationMs: 0 };

/** x86 only: other architectures need a machine type, CPU and console the check has not been verified with. */
function qemuForArch(arch: string, paths: ToolPaths): string | null {
  const q = paths.qemuSystem;
  if (arch === "x86_64") return q.get("qemu-system-x86_64") ?? paths.tools["qemu-kvm"] ?? null;
  if (/^i[3-6]86$/.test(arch)) return q.get("qemu-system-i386") ?? q.get("qemu-system-x86_64") ?? null;
  return null;
}

function qemuPaths(paths: ToolPaths): [VersionedTool, string][] {
  const kvm = paths.tools["qemu-kvm"];
  return [...paths.qemuSystem, ...(kvm ? [["qemu-kvm", kvm] as [VersionedTool, string]] : [])];
}

function dependentSteps(paths: ToolPaths, first: Map<string, ExecResult>): ProbeStep[] {
  const t = paths.tools;
  const steps: ProbeStep[] = qemuPaths(paths).map(([name, path]) => versionStep(name, path));
  for (const name of ["qemu-img", "lvm", "ip", "bridge", "brctl", "iptables"] as const) {
    const path = t[name];
    if (path) steps.push(versionStep(name, path));
  }
  if (t.xl) steps.push(xenInfoStep("xl", t.xl));
  if (t.xm) steps.push(xenInfoStep("xm", t.xm));
  if (t["linux.uml"]) steps.push(umlVersionStep(t["linux.uml"]));
  if (first.get("os-release")?.exitStatus !== 0) steps.push(OS_RELEASE_FALLBACK_STEP);
  if (isUnknownLsblkColumn(first.get("lsblk")?.stderr ?? "")) steps.push(LSBLK_FALLBACK_STEP);
  return steps;
}

interface KvmResult {
  usable: boolean;
  check: TKvmCheck;
  detail: string;
  testKernel: string | null;
}

async function checkKvm(
  run: ProbeRunner,
  o: { device: boolean; arch: string; paths: ToolPaths; release: string; bootEntries: string[]; rootVmlinuz: boolean },
): Promise<KvmResult> {
  const notRun = (detail: string): KvmResult => ({ usable: false, check: "not-run", detail, testKernel: null });
  if (!o.device) return notRun(`${DEV_KVM} is not present as a character device`);
  const qemu = qemuForArch(o.arch, o.paths);
  if (!qemu) return notRun(`no QEMU system emulator for ${o.arch} to test KVM with`);
  const kernel = pickTestKernel({ release: o.release, bootEntries: o.bootEntries, rootVmlinuz: o.rootVmlinuz });
  if (!kernel) return notRun("no kernel found to test KVM with");

  const step = kvmBootStep(qemu, kernel);
  const r = await run(step);
  // A runner timeout is the host-side KILL not arriving in time: the guest stalled.
  if (r.outcome !== "exited" && r.outcome !== "timeout") throw failure(step, r);
  return { ...parseKvmBootCheck(r), testKernel: kernel };
}

function tool(path: string | undefined, r: ExecResult | undefined, parse: (text: string) => string | null) {
  return path ? { path, version: parse(`${r?.stdout ?? ""}\n${r?.stderr ?? ""}`) } : null;
}

/**
 * With `many`, each phase's reads go to the host together (two round trips and the KVM check
 * instead of a channel per command); without it each step runs on its own, concurrently.
 */
export async function probeHost(run: ProbeRunner, many?: ProbeManyRunner): Promise<THostCapabilities> {
  const first = await execAll(run, PROBE_STEPS, many);
  const out = (id: string) => first.get(id)?.stdout ?? "";
  const paths = parseToolPaths(out("tools"));
  const second = await execAll(run, dependentSteps(paths, first), many);
  const dep = (id: string) => second.get(id) ?? NOT_RUN;

  const arch = out("arch").trim() || "unknown";
  const release = out("kernel").trim();
  const nodes = parseLsLong(out("dev-nodes"), [DEV_KVM, DEV_TUN, ROOT_VMLINUZ]);
  const lsblkOut = second.has(LSBLK_FALLBACK_STEP.id) ? dep(LSBLK_FALLBACK_STEP.id).stdout : out("lsblk");
  const osOut = second.has(OS_RELEASE_FALLBACK_STEP.id) ? dep(OS_RELEASE_FALLBACK_STEP.id).stdout : out("os-release");

  const kvm = await checkKvm(run, {
    device: nodes.get(DEV_KVM) === "char",
    arch,
    paths,
    release,
    bootEntries: first.get("boot-files")?.exitStatus === 0 ? parseBootEntries(out("boot-files")) : [],
    rootVmlinuz: nodes.get(ROOT_VMLINUZ) === "file",
  });

  const t = paths.tools;
  const qemuBinaries = qemuPaths(paths).map(([name, path]) => ({ name, path, version: parseQemuVersion(dep(`version-${name}`).stdout) }));
  const lvm = t.lvm ? parseLvmVersion(dep("version-lvm").stdout, dep("version-lvm").stderr) : null;
  const iptables = t.iptables ? parseIptablesVersion(dep("version-iptables").stdout) : null;
  const xen = (name: "xl" | "xm") => {
    const path = t[name];
    return path ? { path, ...parseXenInfo(dep(`xen-${name}`)) } : null;
  };

  return ZHostCapabilities.parse({
    arch,
    kernel: release || "unknown",
    os: parseOsRelease(osOut),
    cpu: parseCpuinfo(out("cpuinfo")),
    memory: parseMeminfo(out("meminfo")),
    disks: parseLsblk(lsblkOut),
    kvm: { device: nodes.get(DEV_KVM) === "char", ...kvm },
    tun: { device: nodes.get(DEV_TUN) === "char" },
    qemu: { binaries: qemuBinaries, img: tool(t["qemu-img"], second.get("version-qemu-img"), parseQemuImgVersion) },
    xen: { xl: xen("xl"), xm: xen("xm") },
    uml: t["linux.uml"]
      ? { path: t["linux.uml"], version: parseUmlVersion(dep("version-linux.uml").stdout), mconsolePath: t.uml_mconsole ?? null }
      : null,
    lvm: t.lvm && lvm ? { path: t.lvm, ...lvm } : null,
    ip: tool(t.ip, second.get("version-ip"), parseIpVersion),
    bridge: tool(t.bridge, second.get("version-bridge"), parseBridgeVersion),
    brctl: tool(t.brctl, second.get("version-brctl"), parseBrctlVersion),
    iptables: t.iptables
      ? {
          path: t.iptables,
          version: iptables?.version ?? null,
          backend: iptables?.backend ?? null,
          legacyPath: t["iptables-legacy"] ?? null,
          nftPath: t["iptables-nft"] ?? null,
        }
      : null,
    ipForward: parseIpForward(out("ip-forward")),
  });
}
