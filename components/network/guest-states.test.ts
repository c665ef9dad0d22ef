import { describe, expect, it } from "vitest";
import { withGuestStates } from "./guest-states";
import { lab } from "./test-lab-view";
import { buildTopologyGraph } from "./topology-graph";
import { isGuestNode } from "./topology-model";

describe("guest state on the canvas", () => {
  it("a running guest on user-mode networking (no TAP) is drawn running, from guests.states", () => {
    const view = lab();
    const user = view.guests.find((g) => g.nics.every((n) => n.kind === "user")) ?? view.guests[1]!;
    // As read: no TAP of its own, so the read alone guesses "stopped".
    expect(user.running).toBe(false);
    const graph = buildTopologyGraph(withGuestStates(view, { [user.id]: { state: "running" } }));
    const node = graph.nodes.find((n) => isGuestNode(n) && n.data.guestId === user.id);
    expect(isGuestNode(node) && node.data.running).toBe(true);
    expect(isGuestNode(node) && node.data.state).toBe("running");
  });

  it("a guest the states call shut-off is drawn stopped even if a TAP of its name exists", () => {
    const view = lab();
    const tapGuest = view.guests.find((g) => g.running)!;
    const graph = buildTopologyGraph(withGuestStates(view, { [tapGuest.id]: { state: "shut-off" } }));
    const node = graph.nodes.find((n) => isGuestNode(n) && n.data.guestId === tapGuest.id);
    expect(isGuestNode(node) && node.data.running).toBe(false);
  });
});
