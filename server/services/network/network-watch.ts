import { EventEmitter, on } from "node:events";
import { z } from "zod";
import type { Db } from "../../db";
import { LabdeckError } from "../../errors";
import { ZRecordId } from "../../names";
import type { NetworkBus, NetworkEvent } from "../../network/network-bus";
import type { NetworkLive, NetworkLiveEvent } from "./network-live";

// What an open network page hears: the bus's "this host's network or layout changed"
// (the page refetches), and, for the hosts it asks to have refreshed, the shared
// background read with its view. Ends when the signal aborts (the page left or its
// session ended); the listeners are removed then, whatever ended it.

export const ZWatchInput = z.object({ hostId: ZRecordId.optional(), refresh: z.array(ZRecordId).max(100).optional() });

export interface NetworkWatchDeps {
  db: Db;
  networkBus: NetworkBus;
  networkLive: NetworkLive;
  signal: AbortSignal | undefined;
}

export async function* watchNetwork(deps: NetworkWatchDeps, input: z.infer<typeof ZWatchInput>) {
  const refresh = [...new Set(input.refresh ?? [])];
  if (refresh.length > 0 && (await deps.db.host.count({ where: { id: { in: refresh } } })) !== refresh.length) {
    throw new LabdeckError("NOT_FOUND", "no such host");
  }
  const local = new EventEmitter();
  // The iterator first: a late subscriber gets the last refresh synchronously on subscribe.
  const events = on(local, "event", { signal: deps.signal }) as AsyncIterableIterator<[NetworkEvent | NetworkLiveEvent]>;
  const onBus = (event: NetworkEvent) => {
    if (input.hostId === undefined || event.hostId === input.hostId || event.hostId === "all") local.emit("event", event);
  };
  deps.networkBus.on("network", onBus);
  const leave = refresh.map((hostId) => deps.networkLive.subscribe(hostId, (e) => local.emit("event", e)));
  try {
    for await (const [event] of events) yield event;
  } finally {
    deps.networkBus.off("network", onBus);
    for (const l of leave) l();
  }
}
