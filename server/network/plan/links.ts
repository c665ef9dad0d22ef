import { badInput } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import type { TNetOp } from "../ops";
import type { TTunOptions } from "../parse-links";
import { addAddress, addTap, findLink, removeAddress, removeLink, setAdminUp, setMaster, type Net } from "./project";
import { change, inPlace, type OpAt, type OpResult } from "./types";

// Links other than bridges: admin state, IPv4 addresses, persistent TAPs and the
// forwarding switch. Each handler compares the op with the working model, returns only
// the steps still needed and projects their effect. As in bridges.ts, names always
// follow `dev`/`name` so ip never reads an interface called "up" as a keyword.

type LinkOp<K extends string> = Extract<TNetOp, { op: K }>;

function mustExist(net: Net, name: string, at: OpAt, field: string) {
  const link = findLink(net, name);
  if (!link) throw badInput(at.field(field), `${name} does not exist (on the host or after the earlier ops)`);
  return link;
}

export function planLinkState(net: Net, op: LinkOp<"link.up" | "link.down">, at: OpAt): OpResult {
  const link = mustExist(net, op.name, at, "name");
  const up = op.op === "link.up";
  if (link.adminUp === up) return inPlace(`${op.name} is already ${up ? "up" : "down"}`);
  setAdminUp(net, op.name, up);
  return change(`bring ${op.name} ${up ? "up" : "down"}`, [
    {
      argv: ["ip", "link", "set", "dev", op.name, up ? "up" : "down"],
      purpose: up ? `bring ${op.name} up` : `bring ${op.name} down (its routes go with it)`,
      undo: ["ip", "link", "set", "dev", op.name, up ? "down" : "up"],
    },
  ]);
}

export function planAddress(net: Net, op: LinkOp<"address.add" | "address.delete">, at: OpAt): OpResult {
  const adding = op.op === "address.add";
  const link = adding ? mustExist(net, op.dev, at, "dev") : findLink(net, op.dev);
  if (!link) return inPlace(`${op.dev} does not exist, so it has no ${op.cidr}`);
  // ip prints the address as typed (host bits kept) with its length: "192.168.2.1/24".
  const present = link.addresses.some((a) => a.family === "inet" && a.cidr === op.cidr);
  if (present === adding) return inPlace(`${op.dev} ${adding ? "has" : "does not have"} ${op.cidr}`);
  const add = ["ip", "addr", "add", op.cidr, "dev", op.dev];
  const del = ["ip", "addr", "del", op.cidr, "dev", op.dev];
  if (adding) addAddress(net, op.dev, op.cidr);
  else removeAddress(net, op.dev, op.cidr);
  return change(`${adding ? "add" : "remove"} ${op.cidr} ${adding ? "to" : "from"} ${op.dev}`, [
    {
      argv: adding ? add : del,
      purpose: `${adding ? "add address" : "remove address"} ${op.cidr} ${adding ? "to" : "from"} ${op.dev}`,
      undo: adding ? del : add,
    },
  ]);
}

function ownerArgs(user: string | null | undefined, group: string | null | undefined): string[] {
  return [...(user ? ["user", user] : []), ...(group ? ["group", group] : [])];
}

/**
 * ip prints a TAP's owner as a name when the host can resolve it, so a numeric id asked
 * for and a name read back cannot be compared here: they count as equal rather than
 * making every later plan refuse a TAP this very plan created.
 */
function ownerMatches(want: string | undefined, have: string | null): boolean {
  if (want === undefined) return true;
  if (have === null) return false;
  return /^\d+$/.test(want) !== /^\d+$/.test(have) || want === have;
}

export function planTapCreate(net: Net, op: LinkOp<"tap.create">, at: OpAt): OpResult {
  const existing = findLink(net, op.name);
  if (existing && existing.kind !== "tap") throw badInput(at.field("name"), `${op.name} exists and is a ${existing.kind}, not a TAP`);
  if (op.bridge !== undefined) {
    const br = findLink(net, op.bridge);
    if (!br || br.kind !== "bridge")
      throw badInput(at.field("bridge"), br ? `${op.bridge} is a ${br.kind}, not a bridge` : `bridge ${op.bridge} does not exist`);
  }
  const steps: TPlanStep[] = [];
  if (existing) {
    const tun = existing.tun;
    for (const [field, want, have] of [
      ["user", op.user, tun?.user ?? null],
      ["group", op.group, tun?.group ?? null],
    ] as const) {
      if (!ownerMatches(want, have)) {
        throw badInput(
          at.field(field),
          `TAP ${op.name} exists with ${field} ${have ?? "(none)"}; an owner cannot be changed in place: delete the TAP first`,
        );
      }
    }
  } else {
    const tun: TTunOptions = {
      mode: "tap",
      persist: true,
      multiQueue: false,
      vnetHdr: false,
      user: op.user ?? null,
      group: op.group ?? null,
    };
    steps.push({
      argv: ["ip", "tuntap", "add", "dev", op.name, "mode", "tap", ...ownerArgs(op.user, op.group)],
      purpose: `create persistent TAP ${op.name}${op.user ? ` owned by ${op.user}` : ""}`,
      undo: ["ip", "link", "del", "dev", op.name],
    });
    addTap(net, op.name, tun);
  }
  const link = findLink(net, op.name);
  if (link && !link.adminUp) {
    steps.push({
      argv: ["ip", "link", "set", "dev", op.name, "up"],
      purpose: `bring TAP ${op.name} up`,
      ...(existing ? { undo: ["ip", "link", "set", "dev", op.name, "down"] } : {}),
    });
    setAdminUp(net, op.name, true);
  }
  if (link && op.bridge !== undefined && link.master !== op.bridge) {
    const prev = link.master;
    steps.push({
      argv: ["ip", "link", "set", "dev", op.name, "master", op.bridge],
      purpose: `attach TAP ${op.name} to bridge ${op.bridge}`,
      undo: prev ? ["ip", "link", "set", "dev", op.name, "master", prev] : ["ip", "link", "set", "dev", op.name, "nomaster"],
    });
    setMaster(net, op.name, op.bridge);
  }
  const where = op.bridge ? ` on ${op.bridge}` : "";
  if (steps.length === 0) return inPlace(`TAP ${op.name} exists${where}`);
  return change(existing ? `TAP ${op.name} exists; bring it up${where}` : `create TAP ${op.name}${where}`, steps);
}

export function planTapDelete(net: Net, op: LinkOp<"tap.delete">, at: OpAt): OpResult {
  const link = findLink(net, op.name);
  if (!link) return inPlace(`TAP ${op.name} does not exist`);
  if (link.kind !== "tap") throw badInput(at.field("name"), `${op.name} is a ${link.kind}, not a TAP`);
  const tun = link.tun;
  removeLink(net, op.name);
  return change(`delete TAP ${op.name}`, [
    {
      argv: ["ip", "link", "del", "dev", op.name],
      purpose: `delete TAP ${op.name}`,
      undo: ["ip", "tuntap", "add", "dev", op.name, "mode", "tap", ...ownerArgs(tun?.user, tun?.group)],
    },
  ]);
}

export function planForward(net: Net, op: LinkOp<"forward.set">): OpResult {
  const word = op.enabled ? "on" : "off";
  if (net.ipForward === op.enabled) return inPlace(`IPv4 forwarding is already ${word}`);
  net.ipForward = op.enabled;
  const set = (on: boolean) => ["sysctl", "-w", `net.ipv4.ip_forward=${on ? 1 : 0}`];
  return change(`turn IPv4 forwarding ${word}`, [
    { argv: set(op.enabled), purpose: `turn IPv4 forwarding ${word}`, undo: set(!op.enabled) },
  ]);
}
