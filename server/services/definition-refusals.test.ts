import { beforeAll, describe, expect, it } from "vitest";
import { LabdeckError } from "../errors";
import { ZGuestDefinition, guestRunFiles, type TGuestDefinitionInput } from "../hypervisors/qemu/guest-definition";
import type { KvmFacts } from "../hypervisors/qemu/definition-checks";
import { buildQemuArgv } from "../hypervisors/qemu/qemu-argv";
import { guestTapNames } from "../hypervisors/qemu/guest-plans";
import { fillMacs } from "../hypervisors/qemu/mac";
import { qemu } from "../hypervisors/qemu";
import type { THostCapabilities } from "../hosts/probe/capabilities";
import { probeHost } from "../hosts/probe/probe";
import { manifest, recorded } from "../hosts/probe/test-fixtures";
import type { SshExecutor } from "../ssh/types";
import { useTempDataDir } from "../test-support/temp-data";

// One validation, one value: every refusal a start makes from the definition and the host
// row alone, enumerated, and refused the same way (same field) by create, update, "Show
// commands" and start. The start here is a saved row written past the service (as an older
// version might have), so it meets the start's checks without the save's help. No host is
// contacted: each of these is refused before the start reads anything.

const runDir = "/srv/labdeck";
const root = `${runDir}/images`;
const kernel = { kind: "kernel" as const, kernel: `${root}/vmlinuz`, append: "console=ttyS0" };
const ok = (over: Partial<TGuestDefinitionInput> = {}): TGuestDefinitionInput => ({
  name: "g",
  accel: "tcg",
  machine: "pc",
  boot: kernel,
  nics: [{ network: { kind: "user", restrict: true } }],
  ...over,
});
const tap = (extra: Record<string, string> = {}) => ({ network: { kind: "tap" as const, bridge: "br0", ...extra } });

/** A host's probe as recorded on the Debian 12 test machine, with its KVM verdict replaced. */
async function recordedProbe(kvm: Partial<KvmFacts>): Promise<THostCapabilities> {
  const argv = new Map(manifest("debian12-pvm").map((e) => [e.id, e.argv]));
  const caps = await probeHost(async (step) => {
    expect(step.argv).toEqual(argv.get(step.id));
    return recorded("debian12-pvm", step.id);
  });
  return { ...caps, kvm: { ...caps.kvm, ...kvm } };
}

interface Refusal {
  what: string;
  def: TGuestDefinitionInput;
  /** The field the start refuses, without the `definition.` prefix. */
  field: string;
  /** Refused by the argv builder itself (checked below against the builder directly). */
  argv?: true;
  host?: "stalled-kvm" | "no-kvm-device";
}

const REFUSALS: Refusal[] = [
  {
    what: "a disk outside the roots",
    def: ok({ disks: [{ kind: "existing-image", path: "/etc/shadow", format: "raw" }] }),
    field: "disks.0.path",
    argv: true,
  },
  { what: "a kernel outside the roots", def: ok({ boot: { kind: "kernel", kernel: "/boot/vmlinuz" } }), field: "boot.kernel", argv: true },
  { what: "an initrd outside the roots", def: ok({ boot: { ...kernel, initrd: "/boot/initrd.img" } }), field: "boot.initrd", argv: true },
  {
    what: "one image as two disks",
    def: ok({
      disks: [
        { kind: "existing-image", path: `${root}/a.img`, format: "raw" },
        { kind: "existing-image", path: `${root}/a.img`, format: "raw" },
      ],
    }),
    field: "disks.1.path",
  },
  {
    what: "an existing image without a format",
    def: ok({ disks: [{ kind: "existing-image", path: `${root}/a.img` }] }),
    field: "disks.0.format",
    argv: true,
  },
  {
    what: "a vmdk format",
    def: ok({ disks: [{ kind: "existing-image", path: `${root}/a.img`, format: "vmdk" as "raw" }] }),
    field: "disks.0.format",
  },
  { what: "boot from CD-ROM without one", def: ok({ boot: { kind: "cdrom" } }), field: "boot", argv: true },
  {
    what: "boot from disk without one",
    def: ok({ boot: { kind: "disk" }, disks: [{ kind: "cdrom", path: `${root}/d.iso` }] }),
    field: "boot",
    argv: true,
  },
  {
    what: "a multicast MAC (ff:ff:ff:ff:ff:ff)",
    def: ok({ nics: [{ mac: "ff:ff:ff:ff:ff:ff", network: { kind: "user" } }] }),
    field: "nics.0.mac",
    argv: true,
  },
  { what: "a vendor MAC", def: ok({ nics: [{ mac: "00:16:3e:00:00:01", network: { kind: "user" } }] }), field: "nics.0.mac", argv: true },
  {
    what: "the all-zero MAC",
    def: ok({ nics: [{ mac: "00:00:00:00:00:00", network: { kind: "user" } }] }),
    field: "nics.0.mac",
    argv: true,
  },
  {
    what: "one MAC on two NICs",
    def: ok({
      nics: [
        { mac: "52:54:00:00:00:01", network: { kind: "user" } },
        { mac: "52:54:00:00:00:01", network: { kind: "user" } },
      ],
    }),
    field: "nics.1.mac",
    argv: true,
  },
  {
    what: "a forward on every address",
    def: ok({ nics: [{ network: { kind: "user", forwards: [{ hostAddress: "0.0.0.0", hostPort: 2222, guestPort: 22 }] } }] }),
    field: "nics.0.network.forwards.0.hostAddress",
    argv: true,
  },
  {
    what: "one host port forwarded twice",
    def: ok({
      nics: [
        { network: { kind: "user", forwards: [{ hostAddress: "10.0.0.5", hostPort: 2222, guestPort: 22 }] } },
        { network: { kind: "user", forwards: [{ hostAddress: "10.0.0.5", hostPort: 2222, guestPort: 80 }] } },
      ],
    }),
    field: "nics.1.network.forwards",
  },
  {
    what: "a bridge name longer than IFNAMSIZ",
    def: ok({ nics: [{ network: { kind: "tap", bridge: "br-much-too-long0" } }] }),
    field: "nics.0.network.bridge",
  },
  {
    what: "one TAP name on two NICs",
    def: ok({ nics: [tap({ ifname: "tap3" }), tap({ ifname: "tap3" })] }),
    field: "nics.1.network.ifname",
    argv: true,
  },
  { what: "a TAP named like its bridge", def: ok({ nics: [tap({ ifname: "br0" })] }), field: "nics.0.network.ifname", argv: true },
  { what: "an append with a newline", def: ok({ boot: { ...kernel, append: "console=ttyS0\ninit=/bin/sh" } }), field: "boot.append" },
  { what: "an append with a NUL", def: ok({ boot: { ...kernel, append: "a\u0000b" } }), field: "boot.append" },
  { what: "-cpu host without KVM", def: ok({ cpuModel: "host" }), field: "cpuModel", argv: true },
  { what: "KVM on a host where the probe's KVM boot stalled", def: ok({ accel: "kvm" }), field: "accel", host: "stalled-kvm" },
  { what: "KVM on a host without /dev/kvm", def: ok({ accel: "kvm" }), field: "accel", host: "no-kvm-device" },
  { what: "the x86 machine q35 on aarch64", def: ok({ arch: "aarch64", machine: "q35" }), field: "machine" },
  { what: "the ARM machine virt on x86_64", def: ok({ machine: "virt" }), field: "machine" },
  { what: "the POWER machine pseries on riscv64", def: ok({ arch: "riscv64", machine: "pseries" }), field: "machine" },
  {
    what: "an architecture the host has no emulator for",
    def: ok({ arch: "s390x", machine: "s390-ccw-virtio" }),
    field: "arch",
    host: "stalled-kvm",
  },
];

let ctx: Awaited<ReturnType<typeof load>>;
const hosts: Record<"plain" | "stalled-kvm" | "no-kvm-device", string> = { plain: "", "stalled-kvm": "", "no-kvm-device": "" };
const noHost: SshExecutor = {
  exec: () => Promise.reject(new Error("this test contacts no host")),
  openStreamLocal: () => Promise.reject(new Error("this test contacts no host")),
  fetchHostKey: () => Promise.reject(new Error("this test contacts no host")),
  drop: () => undefined,
  closeAll: () => Promise.resolve(),
};

async function load() {
  const { db } = await import("../db");
  const { GuestStates } = await import("./guest-state");
  const deps = {
    db,
    ssh: noHost,
    secret: Buffer.alloc(32),
    jobs: undefined as never,
    guestStates: new GuestStates(),
    actor: { userId: null, username: "tester" },
  };
  return {
    db,
    deps,
    guests: await import("./guest-service"),
    actions: await import("./guest-actions"),
    host: await import("./guest-host"),
  };
}

async function fieldOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT") return e.field;
    throw e;
  }
  return undefined;
}

beforeAll(async () => {
  await useTempDataDir("labdeck-refusals-");
  ctx = await load();
  const host = (name: string, probe: THostCapabilities | null) =>
    ctx.db.host.create({
      data: {
        name,
        address: "10.0.0.5",
        username: "root",
        sealedPrivateKey: "-",
        publicKey: "-",
        runDir,
        probeJson: probe && JSON.stringify(probe),
      },
    });
  hosts.plain = (await host("plain", null)).id;
  hosts["stalled-kvm"] = (await host("pvm", await recordedProbe({ usable: false, check: "stalled", detail: "no banner within 20 s" }))).id;
  hosts["no-kvm-device"] = (
    await host(
      "nokvm",
      await recordedProbe({ device: false, usable: false, check: "not-run", detail: "/dev/kvm is not present as a character device" }),
    )
  ).id;
}, 30_000);

describe("every refusal a start makes from the definition is made on save, with the same field", () => {
  it.each(REFUSALS.filter((r) => r.argv))("the argv builder itself refuses $what as $field", ({ def, field }) => {
    const parsed = ZGuestDefinition.parse(def);
    let got: string | undefined;
    try {
      buildQemuArgv(parsed, {
        files: guestRunFiles(runDir, parsed.name),
        accel: "tcg",
        macs: fillMacs(parsed.nics, []),
        taps: guestTapNames(parsed),
        roots: [root],
      });
    } catch (e) {
      got = e instanceof LabdeckError ? e.field : String(e);
    }
    expect(got).toBe(field);
  });

  it.each(REFUSALS)("$what: start, create, update and Show commands all refuse definition.$field", async ({ def, field, host: which }) => {
    const hostId = hosts[which ?? "plain"];
    const want = `definition.${field}`;
    const parsed = ZGuestDefinition.safeParse(def);
    // A schema-level refusal (e.g. a bridge name) cannot even be stored; the rest are
    // written as an older version might have written them, and started.
    if (parsed.success) {
      const row = await ctx.db.guest.create({
        data: {
          hostId,
          name: `old-${Math.random().toString(36).slice(2, 8)}`,
          definitionJson: JSON.stringify({ ...parsed.data, name: "g" }),
          createdBy: "old",
        },
      });
      expect(await fieldOf(ctx.actions.previewGuestAction(ctx.deps, { id: row.id, action: "start" }))).toBe(want);
      await ctx.db.guest.delete({ where: { id: row.id } });
    }
    const host = await ctx.db.host.findUniqueOrThrow({ where: { id: hostId } });
    expect(await fieldOf(ctx.guests.prepareDefinition(ctx.db, qemu, host, def))).toBe(want);
    expect(await fieldOf(ctx.guests.createGuest(ctx.deps, { hostId, definition: def }))).toBe(want);
    expect(await ctx.db.guest.count({ where: { hostId } })).toBe(0);
    const saved = await ctx.guests.createGuest(ctx.deps, { hostId, definition: ok() });
    expect(await fieldOf(ctx.guests.updateGuest(ctx.deps, { id: saved.id, version: saved.version, definition: def }))).toBe(want);
    expect((await ctx.guests.getGuest(ctx.db, saved.id)).version).toBe(1);
    await ctx.db.guest.delete({ where: { id: saved.id } });
  });

  it("refuses a TAP name another guest of the host uses, explicit or generated", async () => {
    const hostId = hosts.plain;
    const a = await ctx.guests.createGuest(ctx.deps, { hostId, definition: ok({ name: "a", nics: [tap({ ifname: "tap3" }), tap()] }) });
    expect(
      await fieldOf(ctx.guests.createGuest(ctx.deps, { hostId, definition: ok({ name: "b", nics: [tap({ ifname: "tap3" })] }) })),
    ).toBe("definition.nics.0.network.ifname");
    const generated = guestTapNames(a.definition)[1] as string;
    expect(
      await fieldOf(
        ctx.guests.createGuest(ctx.deps, {
          hostId,
          definition: ok({ name: "c", nics: [{ network: { kind: "user" } }, tap({ ifname: generated })] }),
        }),
      ),
    ).toBe("definition.nics.1.network.ifname");
    // Its own TAP names are not a conflict with itself on update.
    expect((await ctx.guests.updateGuest(ctx.deps, { id: a.id, version: 1, definition: { ...a.definition, vcpus: 2 } })).version).toBe(2);
    await ctx.db.guest.delete({ where: { id: a.id } });
  });

  it("accepts KVM where the probe could not decide, and auto resolves to TCG on a stalled host", async () => {
    const pvm = await ctx.db.host.findUniqueOrThrow({ where: { id: hosts["stalled-kvm"] } });
    expect(
      (
        await ctx.guests.prepareDefinition(
          ctx.db,
          qemu,
          { ...pvm, probeJson: JSON.stringify(await recordedProbe({})) },
          ok({ accel: "kvm" }),
        )
      ).accel,
    ).toBe("kvm");
    expect(qemu.definition.accel(ZGuestDefinition.parse(ok({ accel: "auto" })), ctx.host.guestHostOf(pvm))).toBe("tcg");
  });
});
