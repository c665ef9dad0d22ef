import { attachLabHost, type LabHost } from "../../scripts/lab-host/index";
import { readRunState } from "./run-state";

/** The harness host globalSetup started, to read real effects back (execInNs). */
export function labHost(): LabHost {
  const { privateKey, publicKey, ...state } = readRunState().labHost;
  return attachLabHost(state, { privateKey, publicKey });
}
