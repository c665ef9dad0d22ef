import { RT_TABLES_FILE } from "../read-commands";
import { badInput } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import { assertAbsPath, trimTrailing } from "../../names";
import { ZHostNetwork, type THostNetwork } from "../network-model";
import { ZNetOp, type TNetOp } from "../ops";
import type { TIptablesTable } from "../parse-iptables-save";
import { planBridgeCreate, planBridgeDelete, planBridgeSet, planPortAttach, planPortDetach } from "./bridges";
import { planFirewallOp } from "./firewall";
import { firewallSteps, renderRestore, touchedTables, type IptablesFamily } from "./firewall-restore";
import { planAddress, planForward, planLinkState, planTapCreate, planTapDelete } from "./links";
import type { Net } from "./project";
import { planIpRule, planRouteAdd, planRouteDelete, planRtTable } from "./routes";
import { opAt, type OpAt, type OpResult, type TPlanOpStatus } from "./types";

import { describeOp } from "./describe-op";

export { describeOp };

// Network ops -> plan. The ops are applied in order to a copy of the host's network, so
// op 2 sees op 1's effect (create a bridge, then attach a port to it), and each op
// emits only the steps still needed: planning the same ops again after they ran gives
// no steps at all. Every refusal happens here, before any step exists.
// Step order: link, address and route steps in op order (a route is refused unless its
// device exists and is up at that point of the list, so it always follows the link
// steps it needs, and a route deleted before its link goes is deleted while it still
// exists); the firewall last, as one atomic rule set, so a DNAT to a guest on a new
// bridge is loaded once the bridge is there.

export interface NetworkPlanContext {
  /** Directory on the host for this change's files (rule sets, rollback snapshot), e.g. `${runDir}/network/${changeId}`; validated absolute path. */
  workDir: string;
  /** iptables-restore/iptables-save command family of the host; default "iptables". */
  iptables?: IptablesFamily;
  /** The file rttable ops write names to (RT_TABLES_FILE, under the host's persistence root). */
  rtTablesFile?: string;
}

export interface NetworkPlanResult {
  /** Steps in order, each with purpose and, where one exists, `undo`. Empty when the host already matches every op. */
  steps: TPlanStep[];
  /**
   * One entry per op: it changes something, the host already has it ("in-place"), or it
   * has nothing left to do only because an earlier op of this same plan does it
   * ("covered", with `by` that op's index): "already so" would be untrue there.
   */
  ops: TPlanOpStatus[];
  /** The host network as it will be after the plan: the editor's preview, the SSH-path guard's input. */
  projected: THostNetwork;
  /** Set when iptables changes: the touched tables as they will be, and their iptables-restore input (with counters of kept rules). */
  firewall: { tables: TIptablesTable[]; restoreText: string } | null;
}

function planOp(net: Net, op: TNetOp, at: OpAt, rtTablesFile: string): OpResult {
  switch (op.op) {
    case "bridge.create":
      return planBridgeCreate(net, op, at);
    case "bridge.set":
      return planBridgeSet(net, op, at);
    case "bridge.delete":
      return planBridgeDelete(net, op, at);
    case "port.attach":
      return planPortAttach(net, op, at);
    case "port.detach":
      return planPortDetach(net, op);
    case "link.up":
    case "link.down":
      return planLinkState(net, op, at);
    case "address.add":
    case "address.delete":
      return planAddress(net, op, at);
    case "tap.create":
      return planTapCreate(net, op, at);
    case "tap.delete":
      return planTapDelete(net, op, at);
    case "forward.set":
      return planForward(net, op);
    case "route.add":
      return planRouteAdd(net, op, at);
    case "route.delete":
      return planRouteDelete(net, op, at);
    case "iprule.add":
    case "iprule.delete":
      return planIpRule(net, op, at);
    case "rttable.add":
    case "rttable.delete":
      return planRtTable(net, op, at, rtTablesFile);
    default:
      return planFirewallOp(net, op, at);
  }
}

/** Checked again here, not only at the API edge: this is the last stop before argv. */
export function checkedOp(op: TNetOp, index: number): TNetOp {
  const parsed = ZNetOp.safeParse(op);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badInput(["ops", index, ...(issue?.path ?? [])].map(String).join("."), issue?.message ?? "invalid op");
}

/** Whether `op` alone, on `net` as given, has nothing to do (a refusal counts as "not"). */
function inPlaceOn(net: THostNetwork, op: TNetOp, index: number, rtTablesFile: string): boolean {
  try {
    return planOp(structuredClone(net), op, opAt(index), rtTablesFile).status === "in-place";
  } catch {
    return false;
  }
}

// Finding which earlier op covers one replays the list; past this many ops the summary
// only says "an earlier op" rather than make a large plan quadratic.
const COVER_SEARCH_LIMIT = 64;

/** The first earlier op after which `ops[index]` has nothing to do. */
function coveringOp(current: THostNetwork, ops: readonly TNetOp[], index: number, rtTablesFile: string): number | null {
  if (index > COVER_SEARCH_LIMIT) return null;
  const net: Net = structuredClone(current);
  for (let k = 0; k < index; k++) {
    const op = ops[k];
    if (op === undefined) return null;
    planOp(net, op, opAt(k), rtTablesFile);
    if (inPlaceOn(net, ops[index] as TNetOp, index, rtTablesFile)) return k;
  }
  return null;
}

export function buildNetworkPlan(current: THostNetwork, ops: readonly TNetOp[], ctx: NetworkPlanContext): NetworkPlanResult {
  const rtTablesFile = assertAbsPath("rtTablesFile", ctx.rtTablesFile ?? RT_TABLES_FILE);
  const workDir = assertAbsPath("workDir", ctx.workDir.length > 1 ? trimTrailing(ctx.workDir, "/") : ctx.workDir);
  const net: Net = structuredClone(current);
  const steps: TPlanStep[] = [];
  const results: NetworkPlanResult["ops"] = [];
  const checked = ops.map((raw, index) => checkedOp(raw, index));
  checked.forEach((op, index) => {
    const r = planOp(net, op, opAt(index), rtTablesFile);
    steps.push(...r.steps);
    if (r.status === "in-place" && !inPlaceOn(current, op, index, rtTablesFile)) {
      const by = coveringOp(current, checked, index, rtTablesFile);
      const earlier = by === null ? undefined : results[by];
      const what = describeOp(op);
      results.push({
        index,
        status: "covered",
        by,
        summary: earlier
          ? `${what}: done by op ${by === null ? "" : by + 1} (${earlier.summary})`
          : `${what}: done by an earlier op of this change`,
      });
    } else results.push({ index, status: r.status, summary: r.summary });
  });
  const tables = touchedTables(current.iptables, net.iptables);
  let firewall: NetworkPlanResult["firewall"] = null;
  if (tables.length > 0) {
    const restoreText = renderRestore(tables);
    firewall = { tables, restoreText };
    steps.push(
      ...firewallSteps(
        workDir,
        ctx.iptables ?? "iptables",
        restoreText,
        tables.map((t) => t.name),
      ),
    );
  }
  return { steps, ops: results, projected: ZHostNetwork.parse(net), firewall };
}
