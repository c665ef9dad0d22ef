import { LabdeckError } from "../errors";

// Waiting and failing the same way in every integration test: polling a real effect on a
// host until it shows (or a clear "timed out waiting for X"), and catching the domain
// error a refused call must throw.

/** Polls `probe` until it returns a value (not undefined); throws after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000, everyMs = 250): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The LabdeckError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function errorOf(p: Promise<unknown>): Promise<LabdeckError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof LabdeckError)) throw new Error(`expected a LabdeckError, got ${String(err)}`);
  return err;
}
