import type { Db } from "../db";
import { ZGuestDefinition } from "../hypervisors/qemu/guest-definition";

// Real guest rows in bulk for the list's scale test and bench/scale.ts: valid definitions
// (a disk and a user-networking NIC with a MAC and a forward, like a wizard-made guest),
// spread round-robin over the given hosts, written in one transaction per thousand.

export function guestName(i: number): string {
  return `g${String(i).padStart(5, "0")}`;
}

export async function insertGuests(db: Db, hosts: ReadonlyArray<{ id: string; runDir: string }>, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => {
    const host = hosts[i % hosts.length] as { id: string; runDir: string };
    const name = guestName(i);
    const mac = `52:54:00:${[i >> 16, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, "0")).join(":")}`;
    const definition = ZGuestDefinition.parse({
      name,
      memoryMiB: 256 + (i % 4) * 256,
      vcpus: 1 + (i % 2),
      disks: [{ kind: "new-image", path: `${host.runDir}/images/${name}.qcow2`, format: "qcow2", sizeBytes: 1 << 30 }],
      nics: [
        {
          model: "virtio",
          mac,
          network: { kind: "user", forwards: [{ proto: "tcp", hostAddress: "127.0.0.1", hostPort: 20000 + (i % 40000), guestPort: 22 }] },
        },
      ],
    });
    return { hostId: host.id, name, definitionJson: JSON.stringify(definition), createdBy: "bench" };
  });
  for (let i = 0; i < rows.length; i += 1000) await db.guest.createMany({ data: rows.slice(i, i + 1000) });
}
