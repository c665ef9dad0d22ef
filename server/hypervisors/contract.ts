import type { Duplex } from "node:stream";
import type { z } from "zod";
import type { GuestState, HypervisorKind } from "../../lib/guest-states";
import type { GuestImageFormat } from "../../lib/image-formats";
import type { THostCapabilities } from "../hosts/probe/capabilities";
import type { TPlanStep } from "../jobs/plan";
import type { HostReader } from "../ssh/host-reader";

// What a guest kind (QEMU today; Xen and UML next) supplies, so that services and pages
// never branch on the kind: the definition's schema and checks, a plan for each lifecycle
// action, a state reader, where the console is, import of an existing command line or
// config, and the scan for guests on a host that Labdeck does not manage. Each kind lives
// in server/hypervisors/<kind>/ and is listed in registry.ts; services ask
// hypervisorFor(row.hypervisor). Everything here is a builder or a parser over a
// HostReader or GuestIo: the caller decides how reads run and audits them.

/** A disk as every kind names it: what the image checks and the storage view read. */
export type GuestDisk =
  | { kind: "new-image"; path: string; format: GuestImageFormat; sizeBytes: number }
  | { kind: "existing-image"; path: string; format?: GuestImageFormat | undefined }
  | { kind: "cdrom"; path: string }
  | { kind: "block"; path: string; readOnly?: boolean | undefined };

/** A NIC as every kind names it: what the network editor and the address reader use. */
export interface GuestNic {
  index: number;
  mac: string | undefined;
  /** The device model the guest sees ("virtio", "e1000", "netfront"). */
  model: string;
  /** "tap": a host interface on a bridge; "user": the kind's own user-mode network (no host interface). */
  kind: "tap" | "user";
  bridge: string | null;
  /** The host interface this NIC uses while the guest runs; null for user-mode NICs. */
  tap: string | null;
  /** Where the interface's name came from: "kept" (the definition names it) or "generated". */
  tapName: "kept" | "generated" | null;
}

/** The host as a guest kind sees it: the row's settings and its stored probe. */
export interface GuestHost {
  id: string;
  name: string;
  /** The management address: a forward saved without an address binds it (IPv4 literals only). */
  address: string;
  runDir: string;
  /** Where images, ISOs and kernels may live (host-roots.ts). */
  roots: readonly string[];
  /** Null when the host was never probed (or its stored probe no longer parses). */
  probe: THostCapabilities | null;
  /** The Unix user the guest drops to, when the host names one. */
  runAs: string | null;
}

/** Where a guest's files are on its host; `console` is the serial socket and its log. */
export interface GuestFiles {
  dir: string;
  pidfile: string;
  console: { socket: string; log: string };
}

/** An argv step, or a channel step (QEMU's monitor: `qmp`) whose argv is only the audit/display form. */
export type GuestPlanStep = TPlanStep;
export interface GuestPlan {
  title: string;
  steps: GuestPlanStep[];
}

/** How a kind reaches a guest's host: audited reads, and channels to sockets (a monitor). */
export interface GuestIo {
  read: HostReader;
  /** A channel to a Unix socket on the host; null when nothing listens there. */
  openSocket(path: string): Promise<Duplex | null>;
  /** Notes a read made over a channel (not a command) in the caller's audit row. */
  noteChannel(o: { argv: string[]; ok: boolean; durationMs: number; output: string; note?: string }): void;
}

export interface StateReading {
  state: GuestState;
  detail: string;
}

/** What a kind learned from its own side of a running guest's NICs (user-mode tables). */
export interface KindAddresses {
  /** Whether the guest's monitor answered (running or paused). */
  running: boolean;
  /** Why nothing could be learned (the monitor failed in a way other than "not running"). */
  problem: string | null;
  /** By NIC index: addresses the kind's user-mode network saw, and the forwards it really has. */
  userNics: Map<number, { addresses: { address: string; detail: string }[]; forwards: UserForward[] }>;
}

export interface UserForward {
  proto: "tcp" | "udp";
  hostAddress: string | null;
  hostPort: number;
  guestAddress: string;
  guestPort: number;
}

export interface ImportDifference {
  /** The definition field it concerns, e.g. "machine" or "nics.0.network.ifname". */
  field: string;
  /** What the line says, or what the hypervisor does when the line says nothing. */
  line: string;
  /** What the definition has instead. */
  definition: string;
  /**
   * default: the hypervisor's own default, filled in because the line left it out; labdeck:
   * how Labdeck runs every guest; host: forced by the host the guest is imported for.
   */
  kind: "default" | "labdeck" | "host";
}

export interface ImportResult<DI> {
  definition: Partial<DI>;
  unmapped: string[];
  /** What needs a choice before the guest can be saved (a bridge, a format, a path). */
  warnings: string[];
  /** Every way the definition differs from what the line would run. */
  differences: ImportDifference[];
}

/** A guest running on a host that no inventory row manages, read back as a definition. */
export type UnmanagedGuest<DI> = ImportResult<DI> & { pid: number; argv: string[] };

export interface Hypervisor<D extends { name: string }, DI = unknown, F extends GuestFiles = GuestFiles> {
  readonly kind: HypervisorKind;
  /** How pages name it: "QEMU". */
  readonly label: string;

  readonly definition: {
    /** Parses an input or a stored row (refusals name the field, under `definition.`). */
    schema: z.ZodType<D, DI>;
    /** Every refusal a start would make from the definition and the host row alone; binds derived values. */
    check(def: D, host: GuestHost): D;
    /** The same definition with its missing MACs generated, none of them in `inUse`. */
    withMacs(def: D, inUse: Iterable<string>): D;
    /** A NIC moved to another bridge, or (`null`) off any bridge, for the topology editor. */
    relinkNic(def: D, index: number, bridge: string | null): D;
    disks(def: D): readonly GuestDisk[];
    nics(def: D): readonly GuestNic[];
    /** The accelerator a start would use on this host ("kvm", "tcg"; a kind without one says "none"). */
    accel(def: D, host: GuestHost): string;
  };

  files(runDir: string, guestName: string): F;

  readonly plans: {
    /** Every plan takes a definition that passed definition.check. */
    /**
     * The kind's own reads before a start (its user, its interfaces, its LVs), asked while
     * the service's image checks run (`images`: which new images to create), then the plan.
     * The first refusal is thrown in a fixed order, LVs before images, whatever finished first.
     */
    start(o: { def: D; host: GuestHost; read: HostReader; images: Promise<{ toCreate: number[] }>; checkLvs: boolean }): Promise<GuestPlan>;
    /** An orderly shutdown that waits up to `waitS` seconds for the guest to go. */
    shutdown(def: D, files: F, waitS: number): GuestPlan;
    forceStop(def: D, files: F): GuestPlan;
    reboot(def: D, files: F): GuestPlan;
    pause(def: D, files: F): GuestPlan;
    resume(def: D, files: F): GuestPlan;
    remove(def: D, files: F, o: { roots: readonly string[]; removeImages: readonly string[] }): GuestPlan;
  };

  /**
   * The guest's state now. `knownOff`: the caller last saw it shut off, so when its monitor
   * is silent the audited command may be spared ("unchanged").
   */
  readState(io: GuestIo, files: F, o: { fresh: boolean; knownOff: boolean }): Promise<StateReading | "unchanged">;

  /** What the kind itself knows of a running guest's NICs (user-mode networking). */
  readAddresses(io: GuestIo, def: D, files: F): Promise<KindAddresses>;

  /** A pasted command line or config file read back as a definition, each difference listed. */
  readonly importer: {
    fromText(text: string): ImportResult<DI>;
    forHost(r: ImportResult<DI>, host: GuestHost): ImportResult<DI>;
  };

  /** Guests of this kind running on the host that no inventory row manages (at most `limit` looked at). */
  scanUnmanaged(read: HostReader, host: GuestHost, limit: number): Promise<UnmanagedGuest<DI>[]>;
}
