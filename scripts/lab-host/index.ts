// Public face of the lab-host harness, for Vitest tests, Playwright globalSetup, the demo
// host and the CLI. Everything here needs root; check labHostsSupported() first.
export {
  attachLabHost,
  DEFAULT_LAB_BASE_DIR,
  labHostTarget,
  loadLabHost,
  startLabHost,
  type LabHost,
  type LabHostState,
  type NsProcess,
  type StartLabHostOptions,
} from "./lab-host";
export { cleanupStaleLabHosts, type CleanupReport } from "./cleanup";
export { labHostsSupported } from "./support";
export type { RunResult } from "./run";
