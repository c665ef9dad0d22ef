import { EventEmitter } from "node:events";

// Tells every open topology page that a host's network (or its saved layout) changed, so
// teammates see an apply, a confirm or a moved node without reloading. In-process, like
// the job bus; the pages refetch on an event rather than receiving the model, so a page
// never shows a network that nobody read. One per process, built in server/compose.ts
// (rt.networkBus) and handed to the services that publish or listen.

export type NetworkEventReason = "applied" | "layout" | "adopted" | "confirmed" | "rolled-back" | "changed";

export interface NetworkEvent {
  /** A host id, or "all" for the multi-host layout. */
  hostId: string;
  reason: NetworkEventReason;
  at: number;
}

export class NetworkBus extends EventEmitter {
  constructor() {
    super();
    // One listener per open page and one per shared refresher: no fixed bound fits.
    this.setMaxListeners(0);
  }

  publish(hostId: string, reason: NetworkEventReason): void {
    this.emit("network", { hostId, reason, at: Date.now() } satisfies NetworkEvent);
  }
}
