"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { useTRPCClient } from "../trpc-provider";

// The browser's idea of "now", corrected to the server's clock. Rows carry the server's
// timestamps, so a browser running 9 s fast would otherwise call a job that just ended
// "in 9 seconds". The offset is taken once per page load from one round trip (its midpoint).

let offsetMs = 0;
const listeners = new Set<() => void>();

export function serverNow(): number {
  return Date.now() + offsetMs;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Mounted once under the tRPC provider: learns the offset and re-renders every clock. */
export function ServerClockSync() {
  const client = useTRPCClient();
  useEffect(() => {
    let stopped = false;
    const t0 = Date.now();
    client.clock.now
      .query()
      .then(({ now }) => {
        if (stopped) return;
        offsetMs = now - (t0 + Date.now()) / 2;
        for (const l of listeners) l();
      })
      .catch(() => undefined);
    return () => {
      stopped = true;
    };
  }, [client]);
  return null;
}

/** Server time, re-read every `intervalMs` while `active`. */
export function useServerNow(intervalMs: number, active = true): number {
  const synced = useSyncExternalStore(
    subscribe,
    () => offsetMs,
    () => 0,
  );
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    setNow(serverNow());
    if (!active) return;
    const t = setInterval(() => setNow(serverNow()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs, active, synced]);
  return now;
}
