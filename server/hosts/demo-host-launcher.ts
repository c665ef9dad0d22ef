// What the demo service needs from whatever starts the newcomer's demo host. The one
// implementation (scripts/demo-host-launcher.ts) uses the lab-host harness of the tests;
// server/ only sees this interface, so the harness stays out of its import graph. The
// composition root is the one place that hands an implementation in.

export interface DemoHostLaunch {
  address: string;
  port: number;
  username: string;
  privateKeyFile: string;
  hostKeyFingerprint: string;
  /** Where Labdeck keeps its files on this host. */
  runDir: string;
}

export interface DemoHostLauncher {
  /** Cheap and side-effect free: whether this machine can run the demo host at all. */
  supported(): { ok: boolean; reason?: string };
  status(): Promise<{ running: boolean }>;
  /** Idempotent: a running demo host is reported as it is. */
  start(): Promise<DemoHostLaunch>;
  stop(): Promise<{ stopped: boolean }>;
}
