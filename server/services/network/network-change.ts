import { randomUUID } from "node:crypto";
import { z } from "zod";
import { LabdeckError } from "../../errors";
import { auditEvent } from "../../audit/audit-writer";
import { planToShellScript } from "../../jobs/plan-script";
import type { TPlan, TPlanStep } from "../../jobs/plan";
import { assertAbsPath, trimTrailing, ZRecordId } from "../../names";
import type { THostNetwork } from "../../network/network-model";
import { ROLLBACK_OPS, ZNetOp, type TNetOp } from "../../network/ops";
import { buildNetworkPlan, checkedOp, describeOp } from "../../network/plan/build-plan";
import type { TPlanOpStatus } from "../../network/plan/types";
import { armRollbackSteps } from "../../network/safety/rollback";
import { checkSshPath } from "../../network/safety/ssh-path";
import { updateGuest } from "../guest-service";
import { readGuestState } from "../guest-state";
import { withHostRead } from "../host-read";
import { guestLinkEdits, ZGuestLink, type GuestEdit, type TGuestLink } from "./guest-links";
import type { NetworkDeps } from "./network-deps";
import { guestNetworkViews, readLiveNetwork, rtTablesFileFor } from "./network-read";
import { hostLabel } from "../host-identity";
import { recordJob } from "../job-create";

// A network change from ops to job. The plan is built against the host as read now; the
// SSH-path guard runs on the projected network and refuses before any step exists; a
// change that can cut the session gets a rollback timer armed on the host first. The
// plan previewed is the plan that runs: run rebuilds it from a fresh read with the same
// inputs, so a host that moved on in between is planned against what it is.

export const DEFAULT_ROLLBACK_SECONDS = 60;

/** How long a user may ask the host to wait for a confirm before it rolls back by itself. */
export const ZRollbackSeconds = z.number().int().min(10).max(3600).optional();

/** What network.preview and network.run take (the editor's pending edits as ops, with their grouping). */
export const ZChangeInput = z.object({
  hostId: ZRecordId,
  ops: z.array(ZNetOp).max(500).default([]),
  guestLinks: z.array(ZGuestLink).max(64).optional(),
  rollbackSeconds: ZRollbackSeconds,
  opEdits: z.array(z.number().int().min(0).max(999)).max(500).optional(),
  linkEdits: z.array(z.number().int().min(0).max(999)).max(64).optional(),
});

export interface ChangeInput {
  hostId: string;
  ops: TNetOp[];
  guestLinks?: TGuestLink[] | undefined;
  rollbackSeconds?: number | undefined;
  /** The editor's grouping: opEdits[i] numbers the pending edit op i came from (likewise for guestLinks), so the title counts edits as the editor does. */
  opEdits?: number[] | undefined;
  linkEdits?: number[] | undefined;
}

/** Edits that change something: by the editor's grouping when given, else one per changing op. */
export function changedEditCount(
  ops: readonly TPlanOpStatus[],
  guestLinkCount: number,
  input: Pick<ChangeInput, "opEdits" | "linkEdits">,
): number {
  const changing = ops.filter((o) => o.status === "change");
  if (!input.opEdits) return changing.length + guestLinkCount;
  const edits = new Set<string>();
  for (const o of changing) edits.add(o.index < input.opEdits.length ? `e${input.opEdits[o.index]}` : "links");
  for (let i = 0; i < guestLinkCount; i++) edits.add(input.linkEdits?.[i] !== undefined ? `e${input.linkEdits[i]}` : `l${i}`);
  edits.delete("links");
  return edits.size;
}

export interface BuiltChange {
  changeId: string;
  workDir: string;
  title: string;
  plan: TPlan | null;
  script: string | null;
  steps: TPlanStep[];
  ops: TPlanOpStatus[];
  guestEdits: GuestEdit[];
  projected: THostNetwork;
  ssh: { ok: boolean; reasons: string[] };
  rollback: { needed: boolean; seconds: number };
  nothingToDo: boolean;
}

/** A change can cut the session when it touches firewall, routes, or the SSH interface itself. */
function needsRollback(ops: readonly TNetOp[], sshInterface: string | null): boolean {
  return ops.some((op) => {
    if (ROLLBACK_OPS.has(op.op)) return true;
    if (sshInterface === null) return false;
    const named = "name" in op ? op.name : "dev" in op ? op.dev : "port" in op ? op.port : null;
    return named === sshInterface;
  });
}

export async function buildChange(
  deps: Pick<NetworkDeps, "db" | "ssh" | "secret" | "actor" | "guestStates">,
  input: ChangeInput,
  current?: THostNetwork,
): Promise<BuiltChange> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  // Before the read: a refused value (a CR in a comment) must not even cost a command on the host.
  input.ops.forEach((op, i) => checkedOp(op, i));
  const net = current ?? (await readLiveNetwork(deps, host.id));
  const changeId = randomUUID();
  const workDir = assertAbsPath("runDir", `${trimTrailing(host.runDir, "/")}/network/${changeId}`);
  const ctx = { workDir, rtTablesFile: rtTablesFileFor(host) };
  let ops = [...input.ops];
  let guestEdits: GuestEdit[] = [];
  if (input.guestLinks && input.guestLinks.length > 0) {
    const first = buildNetworkPlan(net, ops, ctx);
    // Running or not as the guest pages say (QMP, else the pidfile): a guest on user-mode
    // networking has no TAP to tell by, and "its TAP is made when it starts" would be untrue.
    const linked = new Set(input.guestLinks.map((l) => l.guestId));
    const guests = await Promise.all(
      (await guestNetworkViews(deps.db, host.id, net)).map(async (g) =>
        linked.has(g.id) ? { ...g, running: ["running", "paused"].includes((await readGuestState(deps, g.id)).state) } : g,
      ),
    );
    const rows = await deps.db.guest.findMany({ where: { hostId: host.id }, select: { id: true, hypervisor: true, definitionJson: true } });
    const relinked = guestLinkEdits(input.guestLinks, guests, new Map(rows.map((r) => [r.id, r])), first.projected);
    guestEdits = relinked.edits;
    ops = [...ops, ...relinked.ops];
  }
  const built = buildNetworkPlan(net, ops, ctx);
  const ssh = checkSshPath(net, built.projected);
  const seconds = input.rollbackSeconds ?? DEFAULT_ROLLBACK_SECONDS;
  const rollback = built.steps.length > 0 && needsRollback(ops, net.ssh?.interface ?? null);
  const undo = built.steps.flatMap((s) => (s.undo ? [s.undo] : [])).reverse();
  const steps = rollback ? [...armRollbackSteps({ dir: workDir, seconds, undo }), ...built.steps] : built.steps;
  const changes = built.ops.filter((o) => o.status === "change");
  const edits = changedEditCount(built.ops, input.guestLinks?.length ?? 0, input);
  const title =
    changes.length === 1 && edits <= 1
      ? `${host.name}: ${describeOp(ops[changes[0]?.index ?? 0] as TNetOp)}`
      : `${host.name}: network change (${edits} edit${edits === 1 ? "" : "s"}${guestEdits.length ? `, ${guestEdits.length} guest(s)` : ""})`;
  const plan: TPlan | null = steps.length > 0 ? { title, steps } : null;
  return {
    changeId,
    workDir,
    title,
    plan,
    script: plan ? planToShellScript(plan, hostLabel(host)) : null,
    steps,
    ops: built.ops,
    guestEdits,
    projected: built.projected,
    ssh,
    rollback: { needed: rollback, seconds },
    nothingToDo: steps.length === 0 && guestEdits.length === 0,
  };
}

export function previewView(b: BuiltChange) {
  return {
    title: b.title,
    nothingToDo: b.nothingToDo,
    steps: b.steps,
    script: b.script ?? "",
    ops: b.ops,
    guestEdits: b.guestEdits.map((e) => ({ guestId: e.guestId, name: e.name, summary: e.summary })),
    projected: b.projected,
    ssh: b.ssh,
    rollback: b.rollback,
  };
}

export async function previewChange(deps: NetworkDeps, input: ChangeInput) {
  return withHostRead(deps, { hostId: input.hostId, action: "network.preview" }, async (d) => previewView(await buildChange(d, input)));
}

export async function runChange(
  deps: NetworkDeps,
  input: ChangeInput,
): Promise<{ jobId: string | null; changeId: string | null; title?: string }> {
  const b = await buildChange(deps, input);
  if (!b.ssh.ok) {
    throw new LabdeckError("CONFLICT", `Refused: this change would cut Labdeck's own SSH session. ${b.ssh.reasons.join(" ")}`, {
      details: { reasons: b.ssh.reasons },
    });
  }
  if (b.nothingToDo) return { jobId: null, changeId: null };
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  if (!b.plan) {
    // Inventory only (stopped guests moved onto an existing bridge): no host command.
    await applyGuestEdits(deps, b.guestEdits);
    return { jobId: null, changeId: null };
  }
  await deps.db.networkChange.create({
    data: {
      id: b.changeId,
      hostId: host.id,
      title: b.title,
      opsJson: JSON.stringify({ ops: input.ops, guestLinks: input.guestLinks ?? [] }),
      workDir: b.workDir,
      rollbackSeconds: b.rollback.needed ? b.rollback.seconds : null,
      state: "applying",
      createdBy: deps.actor.username,
    },
  });
  const job = await recordJob(deps, {
    hostId: host.id,
    kind: "network-change",
    title: b.title,
    plan: {
      ...b.plan,
      changeId: b.changeId,
      guestEdits: b.guestEdits.map((e) => ({ guestId: e.guestId, version: e.version, definition: e.definition })),
    },
  });
  await deps.db.networkChange.update({ where: { id: b.changeId }, data: { jobId: job.id } });
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "network.change",
    hostId: host.id,
    hostName: host.name,
    details: {
      changeId: b.changeId,
      jobId: job.id,
      ops: input.ops,
      guestLinks: input.guestLinks ?? [],
      rollbackSeconds: b.rollback.needed ? b.rollback.seconds : null,
    },
  });
  deps.jobs.enqueue(job.id);
  return { jobId: job.id, changeId: b.changeId, title: b.title };
}

export async function applyGuestEdits(
  deps: Pick<NetworkDeps, "db" | "actor">,
  edits: readonly { guestId: string; version: number; definition: GuestEdit["definition"] | Record<string, unknown> }[],
): Promise<void> {
  for (const e of edits) await updateGuest(deps, { id: e.guestId, version: e.version, definition: e.definition });
}
