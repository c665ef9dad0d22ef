import { createRuntime, type Runtime } from "../compose";

// Tests and benches: one runtime per test process, built on first use (after the test has
// set LABDECK_DATA_DIR and DATABASE_URL), the way server/main.ts builds one per server.
// Import it dynamically, after the environment is set.

let shared: Runtime | undefined;

export function runtime(): Runtime {
  shared ??= createRuntime();
  return shared;
}
