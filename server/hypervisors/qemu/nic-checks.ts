// The rules a guest NIC must meet before it reaches a host, shared by the API edge
// (guest-service) and the argv builder, so neither can be skipped by calling the other.
// What must not break: a port forward always binds one chosen host address (QEMU's empty
// hostaddr, or 0.0.0.0, would expose the guest on every interface of the host, including
// ones facing networks the team never meant to reach it from).
import { badInput } from "../../errors";
import { IPV4 } from "../../../lib/ipv4";
import type { TGuestDefinition } from "./guest-definition";
import { macProblem } from "../../../lib/mac";

/** Why `addr` may not be a forward's host address, or null when it may. */
export function forwardAddressProblem(addr: string | undefined): string | null {
  if (addr === undefined || addr === "")
    return "choose the host address the forward listens on (e.g. the host's management address or 127.0.0.1)";
  if (!IPV4.test(addr)) return `"${addr}" is not an IPv4 address`;
  if (addr === "0.0.0.0") return "0.0.0.0 listens on every host address; choose one";
  return null;
}

/** The host address a forward gets when none was stored: the host's own, if it is an IPv4 literal (lib/port-forward.ts). */

/** Fills forwards saved without an address (older definitions) with `fallback`, if any. */
export function withForwardAddresses(def: TGuestDefinition, fallback: string | undefined): TGuestDefinition {
  return {
    ...def,
    nics: def.nics.map((n) =>
      n.network.kind !== "user"
        ? n
        : {
            ...n,
            network: {
              ...n.network,
              forwards: n.network.forwards.map((f) =>
                f.hostAddress === undefined && fallback !== undefined ? { ...f, hostAddress: fallback } : f,
              ),
            },
          },
    ),
  };
}

/** Refuses a NIC's own MAC or a forward address, naming the field under `prefix`. */
export function checkNics(def: TGuestDefinition, prefix = ""): void {
  def.nics.forEach((n, i) => {
    if (n.mac !== undefined) {
      const p = macProblem(n.mac);
      if (p !== null) throw badInput(`${prefix}nics.${i}.mac`, p);
    }
    if (n.network.kind !== "user") return;
    n.network.forwards.forEach((f, j) => {
      const p = forwardAddressProblem(f.hostAddress);
      if (p !== null) throw badInput(`${prefix}nics.${i}.network.forwards.${j}.hostAddress`, p);
    });
  });
}
