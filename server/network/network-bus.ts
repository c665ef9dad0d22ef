import { EventEmitter } from "node:events";

// Tells every open topology page that a host's network (or its saved layout) changed, so
// teammates see an apply, a confirm or a moved node without reloading. In-process, like
// the job bus; the pages refetch on an event rather than receiving the model, so a page
// never shows a network that nobody read.

export type NetworkEventReason = "applied" | "layout" | "adopted" | "confirmed" | "rolled-back" | "changed";

export interface NetworkEvent {
  /** A host id, or "all" for the multi-host layout. */
  hostId: string;
  reason: NetworkEventReason;
  at: number;
}

class NetworkBus extends EventEmitter {
  publish(hostId: string, reason: NetworkEventReason): void {
    this.emit("network", { hostId, reason, at: Date.now() } satisfies NetworkEvent);
  }
}

const g = globalThis as unknown as { labdeckNetworkBus?: NetworkBus };
export const networkBus: NetworkBus = (g.labdeckNetworkBus ??= new NetworkBus());
networkBus.setMaxListeners(0);
