import type { GuestOnHost, NetworkView } from "./network-types";

// The canvas draws a guest's state from the same source as the guest pages
// (guests.states: QMP query-status, else the pidfile), not from whether one of its TAPs
// exists: a guest on user-mode networking has no TAP and still runs. Until the states
// arrive the read's own guess stands.

export interface GuestStateLike {
  state: string;
}

/** "paused" still holds its TAPs and its NICs: for the wiring it counts as running. */
export function isUp(state: string): boolean {
  return state === "running" || state === "paused";
}

export function withGuestStates<V extends Pick<NetworkView, "guests">>(
  view: V,
  states: Readonly<Record<string, GuestStateLike>> | undefined,
): V {
  if (!states) return view;
  const guests: GuestOnHost[] = view.guests.map((g) => {
    const s = states[g.id];
    return s ? { ...g, running: isUp(s.state), state: s.state } : g;
  });
  return { ...view, guests };
}
