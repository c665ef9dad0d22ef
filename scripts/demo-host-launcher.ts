// The one narrow entry point from the Labdeck server to the lab-host harness: the demo
// host launcher the composition root hands to the demo service. Nothing else under
// scripts/ is reachable from the production server.
import type { DemoHostLauncher } from "../server/hosts/demo-host-launcher";
import { demoHostStatus, startDemoHost, stopDemoHost } from "./demo-host";
import { labHostsSupported } from "./lab-host/support";

export function demoHostLauncher(dataDir: string): DemoHostLauncher {
  return {
    supported: labHostsSupported,
    status: () => demoHostStatus(dataDir),
    start: () => startDemoHost(dataDir),
    stop: () => stopDemoHost(dataDir),
  };
}
