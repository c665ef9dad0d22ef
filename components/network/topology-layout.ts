import type { Position } from "./network-types";
import type { GraphDraft } from "./topology-draft";

// The default picture for nodes nobody has placed: one row per layer, uplinks on top,
// bridges below them, then TAPs, then guests, each row centred on x = 0. Deterministic
// (same read, same picture) so two people opening the page see the same thing, and
// ordered by what each node connects to so most lines run down rather than across.

export const ROW_Y = { uplink: 0, bridge: 200, tap: 400, guest: 580 } as const;
export const COLUMN_GAP = 250;

function row(ids: string[], y: number, out: Map<string, Position>): void {
  ids.forEach((id, i) => out.set(id, { x: Math.round((i - (ids.length - 1) / 2) * COLUMN_GAP), y }));
}

export function layeredPositions(draft: GraphDraft): Map<string, Position> {
  const out = new Map<string, Position>();
  const links = [...draft.links.values()];
  const uplinks = links.filter((l) => l.role === "uplink").map((l) => `link:${l.name}`);
  const bridges = links.filter((l) => l.role === "bridge").map((l) => `link:${l.name}`);
  const targetOf = new Map<string, string>();
  for (const e of draft.edges.values()) if (e.data.kind !== "nat" && e.data.status !== "removed") targetOf.set(e.source, e.target);
  const rank = (order: string[], id: string) => {
    const at = order.indexOf(targetOf.get(id) ?? "");
    return at < 0 ? order.length : at;
  };
  const taps = links
    .filter((l) => l.role === "tap")
    .map((l) => `link:${l.name}`)
    .sort((a, b) => rank(bridges, a) - rank(bridges, b) || a.localeCompare(b));
  // A guest sits under the TAP or bridge its first connected NIC reaches.
  const anchorOrder = [...taps, ...bridges];
  const guests = [...draft.guests.values()]
    .map((g) => ({ id: `guest:${g.guestId}`, name: g.name }))
    .sort((a, b) => {
      const ra = Math.min(
        ...[...draft.edges.values()]
          .filter((e) => e.source === a.id)
          .map((e) => anchorOrder.indexOf(e.target))
          .filter((i) => i >= 0),
        anchorOrder.length,
      );
      const rb = Math.min(
        ...[...draft.edges.values()]
          .filter((e) => e.source === b.id)
          .map((e) => anchorOrder.indexOf(e.target))
          .filter((i) => i >= 0),
        anchorOrder.length,
      );
      return ra - rb || a.name.localeCompare(b.name);
    })
    .map((g) => g.id);
  row(uplinks, ROW_Y.uplink, out);
  row(bridges, ROW_Y.bridge, out);
  row(taps, ROW_Y.tap, out);
  row(guests, ROW_Y.guest, out);
  return out;
}
