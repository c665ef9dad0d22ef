import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { buildHostNetwork, type NetworkReadOutputs, type THostNetwork } from "../network-model";
import { networkReadSteps } from "../read-commands";

// For the unit tests of this folder: the host network of the lab-nat capture (real
// output of a harness host, see fixtures/README.md), read the way a live host is read.
// br0 192.168.2.1/24 (STP on, 800/300/2500) with tap0, tap1 and vlab0; tun0; eth0
// 10.203.0.6/30; up2 10.99.0.1/24; table 100 with a default via up2; rules 1000..1300;
// iptables with MASQUERADE, SNAT, a DNAT, a user chain LAB-IN and FORWARD policy DROP.

const LAB = path.join(import.meta.dirname, "..", "fixtures", "lab-nat");

export function labNatNetwork(): THostNetwork {
  const read = (f: string) => readFileSync(path.join(LAB, f), "utf8");
  const files = readdirSync(LAB);
  const out: NetworkReadOutputs = { "route-get": read("route-get.out") };
  for (const step of networkReadSteps()) out[step.id] = files.includes(`${step.id}.err`) ? null : read(`${step.id}.out`);
  return buildHostNetwork(out);
}
