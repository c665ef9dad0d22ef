import { isIpv4 } from "./ipv4";

// A user-mode port forward always listens on one chosen host address (0.0.0.0 would expose
// the guest on every interface of the host). When none is chosen, the host's management
// address is the default, but only when it is an IPv4 literal: the wizard fills it in, the
// server applies it to definitions saved before the address was asked.

/** The host address a forward gets by default, or undefined when the user must choose. */
export function defaultForwardAddress(hostAddress: string | undefined): string | undefined {
  return hostAddress !== undefined && isIpv4(hostAddress) && hostAddress !== "0.0.0.0" ? hostAddress : undefined;
}
