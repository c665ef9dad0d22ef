import type { THostNetwork } from "../network-model";
import type { TRoute } from "../parse-routes";
import { parsePrefix } from "../../../lib/ipv4";

// The kernel keeps main-table "proto kernel" routes in step with addresses: `ip addr add
// 10.0.0.1/30 dev br0` creates 10.0.0.0/30 dev br0, deleting the address removes it.
// A projected network (the host as a plan will leave it) may not spell that out, and the
// guard would then see a connected route that is gone, or miss one that appears when the
// SSH address moves to a bridge. This brings `after` in line with the kernel's own rule
// before the route lookup. Connected routes of addresses already up before are left as
// read: the host may have added them with noprefixroute, which the model does not record.

function connectedDst(address: string, prefixLength: number): string | null {
  const p = parsePrefix(`${address}/${prefixLength}`);
  if (p === null) return null;
  const octets = [24, 16, 8, 0].map((shift) => (p.network >>> shift) & 255);
  return `${octets.join(".")}/${prefixLength}`;
}

function isMain(r: TRoute): boolean {
  return r.tableId === 254 || (r.tableId === null && r.table === "main");
}

/** "dev dst" of the connected route each address of an up link gets, with its source. */
function connectedRoutes(net: THostNetwork): Map<string, { dev: string; dst: string; prefsrc: string }> {
  const out = new Map<string, { dev: string; dst: string; prefsrc: string }>();
  for (const link of net.links) {
    if (!link.adminUp) continue;
    for (const a of link.addresses) {
      if (a.family !== "inet" || a.peer !== null || a.prefixLength >= 32) continue;
      const dst = connectedDst(a.address, a.prefixLength);
      if (dst !== null) out.set(`${link.name} ${dst}`, { dev: link.name, dst, prefsrc: a.address });
    }
  }
  return out;
}

export function withKernelRoutes(before: THostNetwork, after: THostNetwork): THostNetwork {
  const was = connectedRoutes(before);
  const now = connectedRoutes(after);
  // Only routes whose address went away are dropped: a kernel route the model cannot
  // explain (a point-to-point peer) is left alone.
  const kept = after.routes.filter((r) => {
    const k = `${r.dev} ${r.dst}`;
    return !(isMain(r) && r.family === "inet" && r.protocol === "kernel" && r.gateway === null && was.has(k) && !now.has(k));
  });
  const added: TRoute[] = [];
  for (const [k, e] of now) {
    if (was.has(k)) continue;
    if (kept.some((r) => isMain(r) && r.dev === e.dev && r.dst === e.dst)) continue;
    added.push({
      table: "main",
      tableId: 254,
      dst: e.dst,
      family: "inet",
      type: "unicast",
      gateway: null,
      dev: e.dev,
      protocol: "kernel",
      scope: "link",
      metric: null,
      prefsrc: e.prefsrc,
      flags: [],
    });
  }
  if (added.length === 0 && kept.length === after.routes.length) return after;
  return { ...after, routes: [...kept, ...added] };
}
