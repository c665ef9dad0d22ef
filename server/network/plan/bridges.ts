import { badInput } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import type { TNetOp } from "../ops";
import type { TBridgeOptions } from "../parse-links";
import { addBridge, findLink, removeLink, setAdminUp, setBridgeOptions, setMaster, type Net } from "./project";
import { change, inPlace, type OpAt, type OpResult } from "./types";

// Bridges and their ports, with iproute2 only (no brctl). Names always follow the `name`
// or `dev` keyword: ip reads a bare "brd", "up" or "type" as a keyword of its own, so
// `ip link add brd type bridge` fails while `ip link add name brd ...` works.
// Timers are centiseconds, the unit ip both takes and prints.

type Timers = Partial<Pick<TBridgeOptions, "stp" | "forwardDelayCs" | "helloTimeCs" | "maxAgeCs">>;
type TimerKey = keyof Timers;
const TIMER_KEYS: TimerKey[] = ["stp", "forwardDelayCs", "helloTimeCs", "maxAgeCs"];

/** What `ip link add ... type bridge` gives when a value is not passed (kernel defaults). */
const KERNEL_DEFAULTS = {
  stp: false,
  forwardDelayCs: 1500,
  helloTimeCs: 200,
  maxAgeCs: 2000,
  ageingTimeCs: 30000,
  priority: 32768,
  vlanFiltering: false,
};

function timerArgs(t: Timers): string[] {
  const out: string[] = [];
  if (t.stp !== undefined && t.stp !== null) out.push("stp_state", t.stp ? "1" : "0");
  if (t.forwardDelayCs != null) out.push("forward_delay", String(t.forwardDelayCs));
  if (t.helloTimeCs != null) out.push("hello_time", String(t.helloTimeCs));
  if (t.maxAgeCs != null) out.push("max_age", String(t.maxAgeCs));
  return out;
}

export function describeTimers(t: Timers): string {
  const parts: string[] = [];
  if (t.stp != null) parts.push(`stp ${t.stp ? "on" : "off"}`);
  if (t.forwardDelayCs != null) parts.push(`forward_delay ${t.forwardDelayCs}`);
  if (t.helloTimeCs != null) parts.push(`hello_time ${t.helloTimeCs}`);
  if (t.maxAgeCs != null) parts.push(`max_age ${t.maxAgeCs}`);
  return parts.join(", ");
}

function wanted(op: Timers): Timers {
  const t: Timers = {};
  for (const k of TIMER_KEYS) if (op[k] !== undefined) Object.assign(t, { [k]: op[k] });
  return t;
}

/** With STP on the kernel refuses (or, when STP is switched on, silently clamps) a forward delay outside 2..30 s. */
function checkStpDelay(at: OpAt, stp: boolean, forwardDelayCs: number | null): void {
  if (stp && forwardDelayCs !== null && (forwardDelayCs < 200 || forwardDelayCs > 3000)) {
    throw badInput(at.field("forwardDelayCs"), "with STP on the kernel needs a forward delay of 200..3000 centiseconds");
  }
}

function bridgeSet(name: string, t: Timers): string[] {
  return ["ip", "link", "set", "dev", name, "type", "bridge", ...timerArgs(t)];
}

/**
 * Steps that move a bridge's timers from `cur` to `want`. The kernel applies forward_delay
 * before stp_state within one message and checks the delay's range against the STP state
 * it finds, so a change of STP together with other timers is split: STP off goes first,
 * STP on goes last. Each half then has a one-message undo that also works in reverse.
 */
function timerSteps(name: string, cur: TBridgeOptions, want: Timers): TPlanStep[] {
  const diff: Timers = {};
  const prev: Timers = {};
  for (const k of TIMER_KEYS) {
    if (want[k] === undefined || want[k] === cur[k]) continue;
    Object.assign(diff, { [k]: want[k] });
    if (cur[k] !== null) Object.assign(prev, { [k]: cur[k] });
  }
  const step = (to: Timers, from: Timers): TPlanStep => ({
    argv: bridgeSet(name, to),
    purpose: `set ${describeTimers(to)} on bridge ${name}`,
    ...(timerArgs(from).length > 0 ? { undo: bridgeSet(name, from) } : {}),
  });
  if (Object.keys(diff).length === 0) return [];
  const { stp, ...rest } = diff;
  const { stp: prevStp, ...prevRest } = prev;
  if (stp === undefined || Object.keys(rest).length === 0) return [step(diff, prev)];
  const stpStep = step({ stp }, prevStp === undefined ? {} : { stp: prevStp });
  return stp ? [step(rest, prevRest), stpStep] : [stpStep, step(rest, prevRest)];
}

function upStep(name: string, what: string): TPlanStep {
  return {
    argv: ["ip", "link", "set", "dev", name, "up"],
    purpose: `bring ${what} ${name} up`,
    undo: ["ip", "link", "set", "dev", name, "down"],
  };
}

function existingBridge(net: Net, name: string, at: OpAt, field: string) {
  const link = findLink(net, name);
  if (link && (link.kind !== "bridge" || !link.bridge)) throw badInput(at.field(field), `${name} is a ${link.kind}, not a bridge`);
  return link;
}

type BridgeOp<K extends string> = Extract<TNetOp, { op: K }>;

export function planBridgeCreate(net: Net, op: BridgeOp<"bridge.create">, at: OpAt): OpResult {
  const want = wanted(op);
  const link = existingBridge(net, op.name, at, "name");
  if (link?.bridge) {
    const cur = link.bridge;
    checkStpDelay(at, want.stp ?? cur.stp, want.forwardDelayCs ?? cur.forwardDelayCs);
    const steps = [...timerSteps(op.name, cur, want), ...(link.adminUp ? [] : [upStep(op.name, "bridge")])];
    setBridgeOptions(net, op.name, { ...cur, ...want });
    if (!link.adminUp) setAdminUp(net, op.name, true);
    const now = describeTimers({ stp: want.stp ?? cur.stp, ...want });
    return steps.length === 0 ? inPlace(`bridge ${op.name} exists with ${now}`) : change(`bridge ${op.name} exists; set ${now}, up`, steps);
  }
  const options: TBridgeOptions = { ...KERNEL_DEFAULTS, ...want };
  checkStpDelay(at, options.stp, options.forwardDelayCs);
  // Every timer is passed, defaults included, so the bridge is what the projection says
  // whatever the host's kernel would default to.
  const full = { stp: options.stp, forwardDelayCs: options.forwardDelayCs, helloTimeCs: options.helloTimeCs, maxAgeCs: options.maxAgeCs };
  addBridge(net, op.name, options);
  setAdminUp(net, op.name, true);
  return change(`create bridge ${op.name} with ${describeTimers(full)}`, [
    {
      argv: ["ip", "link", "add", "name", op.name, "type", "bridge", ...timerArgs(full)],
      purpose: `create bridge ${op.name} (${describeTimers(full)})`,
      undo: ["ip", "link", "del", "dev", op.name],
    },
    { argv: ["ip", "link", "set", "dev", op.name, "up"], purpose: `bring bridge ${op.name} up` },
  ]);
}

export function planBridgeSet(net: Net, op: BridgeOp<"bridge.set">, at: OpAt): OpResult {
  const link = existingBridge(net, op.name, at, "name");
  if (!link?.bridge) throw badInput(at.field("name"), `bridge ${op.name} does not exist`);
  const cur = link.bridge;
  const want = wanted(op);
  checkStpDelay(at, want.stp ?? cur.stp, want.forwardDelayCs ?? cur.forwardDelayCs);
  const steps = timerSteps(op.name, cur, want);
  setBridgeOptions(net, op.name, { ...cur, ...want });
  const now = describeTimers({ stp: want.stp ?? cur.stp, ...want });
  return steps.length === 0 ? inPlace(`bridge ${op.name} already has ${now}`) : change(`set ${now} on bridge ${op.name}`, steps);
}

export function planBridgeDelete(net: Net, op: BridgeOp<"bridge.delete">, at: OpAt): OpResult {
  const link = existingBridge(net, op.name, at, "name");
  if (!link?.bridge) return inPlace(`bridge ${op.name} does not exist`);
  const b = link.bridge;
  const ports = net.bridges.find((x) => x.name === op.name)?.ports.map((p) => p.name) ?? [];
  removeLink(net, op.name);
  return change(`delete bridge ${op.name}${ports.length ? ` (frees ${ports.join(", ")})` : ""}`, [
    {
      argv: ["ip", "link", "del", "dev", op.name],
      purpose: `delete bridge ${op.name}`,
      // Brings the bridge back with its timers; ports and addresses return through the
      // undo steps of their own ops, which run after this one in a rollback.
      undo: [
        "ip",
        "link",
        "add",
        "name",
        op.name,
        "type",
        "bridge",
        ...timerArgs({ stp: b.stp, forwardDelayCs: b.forwardDelayCs, helloTimeCs: b.helloTimeCs, maxAgeCs: b.maxAgeCs }),
      ],
    },
  ]);
}

export function planPortAttach(net: Net, op: BridgeOp<"port.attach">, at: OpAt): OpResult {
  const bridge = existingBridge(net, op.bridge, at, "bridge");
  if (!bridge) throw badInput(at.field("bridge"), `bridge ${op.bridge} does not exist`);
  const port = findLink(net, op.port);
  if (!port) throw badInput(at.field("port"), `${op.port} does not exist`);
  if (port.kind === "bridge" || port.kind === "loopback") throw badInput(at.field("port"), `a ${port.kind} cannot be a bridge port`);
  const steps: TPlanStep[] = [];
  if (port.master !== op.bridge) {
    steps.push({
      argv: ["ip", "link", "set", "dev", op.port, "master", op.bridge],
      purpose: `attach ${op.port} to bridge ${op.bridge}`,
      undo: port.master ? ["ip", "link", "set", "dev", op.port, "master", port.master] : ["ip", "link", "set", "dev", op.port, "nomaster"],
    });
    setMaster(net, op.port, op.bridge);
  }
  if (!port.adminUp) {
    steps.push(upStep(op.port, "port"));
    setAdminUp(net, op.port, true);
  }
  return steps.length === 0
    ? inPlace(`${op.port} is an up port of bridge ${op.bridge}`)
    : change(`attach ${op.port} to bridge ${op.bridge}`, steps);
}

export function planPortDetach(net: Net, op: BridgeOp<"port.detach">): OpResult {
  const port = findLink(net, op.port);
  if (!port) return inPlace(`${op.port} does not exist`);
  if (port.master === null) return inPlace(`${op.port} is not on a bridge`);
  const from = port.master;
  setMaster(net, op.port, null);
  return change(`detach ${op.port} from ${from}`, [
    {
      argv: ["ip", "link", "set", "dev", op.port, "nomaster"],
      purpose: `detach ${op.port} from ${from}`,
      undo: ["ip", "link", "set", "dev", op.port, "master", from],
    },
  ]);
}
