import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildHostNetwork, type NetworkReadOutputs, type THostNetwork } from "../network-model";
import { networkReadSteps } from "../read-commands";

// Test support: the THostNetwork of the real lab-nat capture (server/network/fixtures/),
// built exactly as a live read builds it. Each call returns a fresh copy so a test can
// mutate it without leaking into the next one.

const LAB = path.join(import.meta.dirname, "..", "fixtures", "lab-nat");

export function labNatOutputs(): NetworkReadOutputs {
  const files = readdirSync(LAB);
  const read = (f: string) => readFileSync(path.join(LAB, f), "utf8");
  const out: NetworkReadOutputs = { "route-get": read("route-get.out") };
  for (const step of networkReadSteps()) out[step.id] = files.includes(`${step.id}.err`) ? null : read(`${step.id}.out`);
  return out;
}

export function labNatNetwork(): THostNetwork {
  return buildHostNetwork(labNatOutputs());
}
