"use client";

import { Button } from "../ui/button";

// What can be added from nothing. Everything else is drawn: a line from a guest NIC, a
// TAP or a link to a bridge, or from a bridge to an uplink's NAT handle.

export function Palette({ onAddBridge, onAddTap }: { onAddBridge: () => void; onAddTap: () => void }) {
  return (
    <div className="w-52 space-y-1.5 rounded border border-slate-200 bg-white/95 p-2 text-xs shadow-sm" data-testid="palette">
      <div className="flex gap-1.5">
        <Button size="sm" onClick={onAddBridge} data-testid="palette-add-bridge">
          + Bridge
        </Button>
        <Button size="sm" onClick={onAddTap} data-testid="palette-add-tap">
          + TAP
        </Button>
      </div>
      <p className="text-slate-500">
        Drag between handles to connect (or click one handle, then the other). Select a node or line and press Delete to remove it. Nothing
        changes on the host until you apply.
      </p>
    </div>
  );
}
