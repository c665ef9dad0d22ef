// The one concurrency limiter for reads that fan out over many guests, hosts or files.
// Without it a page polling 500 guest states opens 500 QMP streams and SSH channels at
// once: sshd's MaxSessions queues them anyway, but every waiting read holds memory and a
// timer, and one host's slowness spreads to all. Results keep the order of the items.

/** Default number of reads in flight for one fan-out. */
export const READ_PARALLELISM = 8;

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`mapLimit: limit must be a positive integer, not ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Waits for every check, then throws the first refusal in the order given (the same one
 * whichever finished first), so a page shows one stable error for one input.
 */
export async function settleInOrder<T extends readonly unknown[]>(checks: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(checks);
  const refused = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (refused) throw refused.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
