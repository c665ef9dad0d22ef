"use client";

import { createContext, useContext } from "react";

// Actions the custom nodes offer (a port forward on an uplink, a bridge's settings). Given
// through context rather than node data so the graph stays plain data a test can compare.

export interface CanvasActions {
  editable: boolean;
  onPortForward?: (link: string) => void;
  onEditBridge?: (bridge: string) => void;
}

export const CanvasActionsContext = createContext<CanvasActions>({ editable: false });

export function useCanvasActions(): CanvasActions {
  return useContext(CanvasActionsContext);
}
