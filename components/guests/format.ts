import type { GuestDefinition } from "../api-types";

export function bootLabel(def: GuestDefinition): string {
  switch (def.boot.kind) {
    case "disk":
      return "disk";
    case "cdrom":
      return "CD-ROM";
    case "kernel":
      return "custom kernel";
  }
}

export interface NicAddresses {
  mac: string | null;
  /** "user networking" or "bridge br0". */
  network: string;
  /** Where the guest is reached from outside: "127.0.0.1:2222 → 22/tcp". */
  forwards: string[];
}

/** What the definition says about each NIC's addresses, for lists (the MAC is generated on save when absent). */
export function nicAddresses(def: GuestDefinition, hostName: string): NicAddresses[] {
  return def.nics.map((n) => ({
    mac: n.mac ?? null,
    network: n.network.kind === "user" ? "user networking" : `bridge ${n.network.bridge}`,
    forwards:
      n.network.kind === "user"
        ? n.network.forwards.map((f) => `${f.hostAddress ?? hostName}:${f.hostPort} → ${f.guestPort}/${f.proto}`)
        : [],
  }));
}
