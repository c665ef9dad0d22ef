import { z } from "zod";
import { auditEvent } from "../../audit/audit-writer";
import { diffNetworks } from "../../network/drift/diff-networks";
import { revertOps } from "../../network/drift/revert-ops";
import { persistencePlanSteps } from "../../network/persist/persistence-steps";
import { renderPersistence } from "../../network/persist/render-persistence";
import { persistFileState, type PersistFileState } from "../../network/persist/file-state";
import { underRoot } from "../../network/persist/persistence-steps";
import { readFromHost } from "../host-read";
import type { TPlan } from "../../jobs/plan";
import { planToShellScript } from "../../jobs/plan-script";
import { withHostRead } from "../host-read";
import { buildChange, previewView, runChange } from "./network-change";
import type { NetworkDeps } from "./network-deps";
import { guestNetworkViews, guestTaps, parseRecordedNetwork, readLiveNetwork } from "./network-read";
import { pendingChange, recordNetwork } from "./network-rollback";
import { hostLabel } from "../host-identity";
import { startJob } from "../job-create";

// What the topology page shows for one host, and the team-level actions on it: adopt the
// host's network as the recorded topology, revert the host to the recorded one, render
// and write persistence, save the canvas layout.

export const ZPositions = z
  .record(z.string().max(200), z.object({ x: z.number().finite(), y: z.number().finite() }))
  .refine((p) => Object.keys(p).length <= 5000, "at most 5000 positions");

async function layoutOf(db: NetworkDeps["db"], scope: string): Promise<Record<string, { x: number; y: number }>> {
  const row = await db.topologyLayout.findUnique({ where: { scope } });
  return row ? ZPositions.parse(JSON.parse(row.positionsJson)) : {};
}

/** One audited read row for the whole page: the network and the pending change's timer. */
export async function networkView(deps: Pick<NetworkDeps, "db" | "ssh" | "secret" | "networkBus" | "actor">, hostId: string) {
  return withHostRead(deps, { hostId, action: "network.read" }, (d) => assembleView(d, hostId));
}

/** The page's view; every host command goes through the caller's deps (an audited read, or a background refresh's collection). */
export async function assembleView(deps: Pick<NetworkDeps, "db" | "ssh" | "secret" | "networkBus" | "actor">, hostId: string) {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
  const network = await readLiveNetwork(deps, hostId);
  const guests = await guestNetworkViews(deps.db, hostId, network);
  const record = await deps.db.networkRecord.findUnique({ where: { hostId } });
  const items = record ? diffNetworks(parseRecordedNetwork(record.networkJson), network, { ignoreLinks: guestTaps(guests) }) : [];
  return {
    hostId,
    hostName: host.name,
    readAt: new Date().toISOString(),
    network,
    guests,
    drift: { recordedAt: record?.recordedAt.toISOString() ?? null, recordedBy: record?.recordedBy ?? null, items },
    pending: await pendingChange(deps, hostId),
    layout: await layoutOf(deps.db, hostId),
  };
}

/** "Adopt into inventory": the host's network as it is now becomes the team's topology. */
export async function adoptNetwork(deps: NetworkDeps, input: { hostId: string }) {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  const net = await readLiveNetwork(deps, host.id);
  await recordNetwork(deps.db, host.id, net, deps.actor.username, null);
  await auditEvent(deps.db, deps.actor, { kind: "inventory", action: "network.adopt", hostId: host.id, hostName: host.name });
  deps.networkBus.publish(host.id, "adopted");
  return { recordedAt: new Date().toISOString() };
}

async function revertInput(deps: NetworkDeps, hostId: string) {
  const record = await deps.db.networkRecord.findUnique({ where: { hostId } });
  if (!record) return null;
  const current = await readLiveNetwork(deps, hostId);
  const guests = await guestNetworkViews(deps.db, hostId, current);
  const reverted = revertOps(parseRecordedNetwork(record.networkJson), current, { ignoreLinks: guestTaps(guests) });
  return { current, ...reverted };
}

export async function revertPreview(deps: NetworkDeps, input: { hostId: string }) {
  const r = await revertInput(deps, input.hostId);
  if (!r) return { recorded: false, manual: [], ...emptyPreview() };
  const manual = r.manual.map((m) => ({ summary: m.summary }));
  if (r.ops.length === 0) return { recorded: true, manual, ...emptyPreview() };
  return { recorded: true, manual, ...previewView(await buildChange(deps, { hostId: input.hostId, ops: r.ops }, r.current)) };
}

/** Nothing recorded, or the host already matches the record. */
function emptyPreview() {
  return {
    nothingToDo: true,
    steps: [],
    script: "",
    ops: [],
    guestEdits: [],
    projected: null,
    ssh: { ok: true, reasons: [] as string[] },
    rollback: { needed: false, seconds: 0 },
  };
}

export async function revertNetwork(deps: NetworkDeps, input: { hostId: string; rollbackSeconds?: number | undefined }) {
  const r = await revertInput(deps, input.hostId);
  if (!r || r.ops.length === 0) return { jobId: null, changeId: null };
  return runChange(deps, { hostId: input.hostId, ops: r.ops, rollbackSeconds: input.rollbackSeconds });
}

async function persistenceFiles(deps: NetworkDeps, hostId: string) {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
  const net = await readLiveNetwork(deps, hostId);
  const guests = await guestNetworkViews(deps.db, hostId, net);
  return { host, files: renderPersistence(net, { exclude: guestTaps(guests) }) };
}

// Constant script; the path is an argument. Exit 3 means "no such file", told apart from
// a file that exists but cannot be read.
const READ_IF_EXISTS = 'if [ -e "$1" ]; then exec cat -- "$1"; else exit 3; fi';

/** The files as Labdeck would write them now, each with how the copy on the host compares. */
export async function persistencePreview(deps: NetworkDeps, input: { hostId: string }) {
  return withHostRead(deps, { hostId: input.hostId, action: "network.persistence" }, (d) => comparePersistence(d, input.hostId));
}

async function comparePersistence(deps: NetworkDeps, hostId: string) {
  const { host, files } = await persistenceFiles(deps, hostId);
  const compared = await Promise.all(
    files.map(async (f) => {
      const r = await readFromHost(deps, host.id, ["sh", "-c", READ_IF_EXISTS, "sh", underRoot(host.configRoot, f.path)]);
      const onHost = r.outcome === "exited" && r.exitStatus === 0 ? r.stdout : null;
      const unreadable = onHost === null && !(r.outcome === "exited" && r.exitStatus === 3);
      const state: PersistFileState | { state: "unreadable"; detail: string } = unreadable
        ? { state: "unreadable", detail: r.stderr.trim() || `exit ${r.exitStatus}` }
        : persistFileState(onHost, f.content);
      return { ...f, onHost: state };
    }),
  );
  return { root: host.configRoot, files: compared };
}

export async function writePersistence(deps: NetworkDeps, input: { hostId: string }) {
  const { host, files } = await persistenceFiles(deps, input.hostId);
  const plan: TPlan = {
    title: `${host.name}: write network persistence files`,
    steps: persistencePlanSteps(files, { root: host.configRoot }),
  };
  const { jobId } = await startJob(deps, { hostId: host.id, kind: "plan", title: plan.title, plan });
  return { jobId, script: planToShellScript(plan, hostLabel(host)) };
}

export async function getLayout(deps: Pick<NetworkDeps, "db">, input: { scope: string }) {
  return layoutOf(deps.db, input.scope);
}

export async function saveLayout(
  deps: Pick<NetworkDeps, "db" | "networkBus" | "actor">,
  input: { scope: string; positions: Record<string, { x: number; y: number }> },
) {
  if (input.scope !== "all") await deps.db.host.findUniqueOrThrow({ where: { id: input.scope } });
  const data = { positionsJson: JSON.stringify(input.positions), updatedBy: deps.actor.username };
  await deps.db.topologyLayout.upsert({ where: { scope: input.scope }, create: { scope: input.scope, ...data }, update: data });
  deps.networkBus.publish(input.scope, "layout");
  return { ok: true };
}
