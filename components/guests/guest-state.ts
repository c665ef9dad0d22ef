import type { GuestAction, GuestStateView } from "../api-types";

// Labels of the lifecycle actions; which ones a state allows comes from the server (guests.states).

export type GuestState = GuestStateView["state"];

export const ACTION_LABEL: Record<GuestAction, string> = {
  start: "Start",
  shutdown: "Shut down",
  "force-stop": "Force stop",
  reboot: "Reboot",
  pause: "Pause",
  resume: "Resume",
  delete: "Delete",
};
