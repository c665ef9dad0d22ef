// A QEMU start: what the host must be asked first (the user QEMU drops to, TAP names the
// definition keeps, its LVs), then the plan. The service has already checked the disk
// images (every kind shares that); these reads are QEMU's own. Each read goes through the
// caller's HostReader, which audits it.
import { badInput } from "../../errors";
import { SSH_USER } from "../../names";
import { settleInOrder } from "../../concurrency";
import { checkBlockDisks } from "../../storage/guest-volumes";
import type { HostReader } from "../../ssh/host-reader";
import type { GuestHost, GuestPlan } from "../contract";
import { guestRunFiles, type TGuestDefinition } from "./guest-definition";
import { resolveAccelFor } from "./definition-checks";
import { guestTapNames, planStartGuest } from "./guest-plans";

/** The user QEMU drops to on this host, checked to exist there, with the host's QEMU version. */
export async function qemuRunAs(
  host: Pick<GuestHost, "runAs" | "probe">,
  def: Pick<TGuestDefinition, "arch">,
  read: HostReader,
): Promise<{ user: string; qemuVersion: string | null } | null> {
  const user = host.runAs;
  if (user === null || user === "") return null;
  if (!SSH_USER.test(user)) throw badInput("host.qemuRunAs", `"${user}" is not a Unix user name`);
  const res = await read({ argv: ["id", "-u", "--", user], purpose: `does the user ${user} exist (QEMU's -runas)` });
  if (res.exitStatus !== 0) throw badInput("host.qemuRunAs", `the user ${user} does not exist on the host (QEMU would refuse -runas)`);
  const bin = host.probe?.qemu.binaries.find((b) => b.name === `qemu-system-${def.arch}`);
  return { user, qemuVersion: bin?.version ?? null };
}

/**
 * A TAP named in the definition (an imported ifname=) must not exist yet: ip tuntap add
 * would take over someone else's persistent TAP, and this guest's stop would then delete
 * it. Generated names (ldt…) are Labdeck's own and are not asked about.
 */
export async function checkNamedTapsFree(def: TGuestDefinition, read: HostReader): Promise<void> {
  await settleInOrder(
    def.nics.map(async (n, i) => {
      if (n.network.kind !== "tap" || n.network.ifname === undefined) return;
      const tap = n.network.ifname;
      if ((await read({ argv: ["ip", "link", "show", "dev", tap], purpose: `is ${tap} free` })).exitStatus === 0) {
        throw badInput(
          `definition.nics.${i}.network.ifname`,
          `an interface named ${tap} already exists on the host; if it is left over from this guest, remove it (ip link del ${tap}), or choose another name`,
        );
      }
    }),
  );
}

/** QEMU's reads before a start, asked at once (each its own audited command), then the plan. */
export async function planQemuStart(o: {
  def: TGuestDefinition;
  host: GuestHost;
  read: HostReader;
  images: Promise<{ toCreate: number[] }>;
  checkLvs: boolean;
}): Promise<GuestPlan> {
  const def = o.def; // checked by the caller (definition.check), forwards bound
  const [, { toCreate }, , runAs] = await settleInOrder<[void, { toCreate: number[] }, void, Awaited<ReturnType<typeof qemuRunAs>>]>([
    o.checkLvs ? checkBlockDisks(def.disks, o.read) : Promise.resolve(),
    o.images,
    checkNamedTapsFree(def, o.read),
    qemuRunAs(o.host, def, o.read),
  ]);
  return planStartGuest({
    def,
    files: guestRunFiles(o.host.runDir, def.name),
    accel: resolveAccelFor(def, o.host.probe),
    macs: def.nics.map((n) => n.mac ?? ""),
    taps: guestTapNames(def),
    roots: o.host.roots,
    runAs,
    imagesToCreate: toCreate,
  });
}
