import { guestVolumeUsers } from "../../storage/guest-volumes";
import type { Db } from "../../db";
import { readableDefinitionOf } from "../../hypervisors/registry";
import { hostRoots } from "../guest-host";
import { listImageFiles } from "./image-files";
import type { StorageReadDeps } from "./storage-deps";
import { withHostRead } from "../host-read";
import { hostExec, readStorage } from "./storage-read";

// What the storage page shows: the host's LVM, disks and mounts, the image files under
// its roots (all read now, one audited read row), and which guest of the inventory uses
// which LV or image. The inventory side is read from the database, not the host: a
// stopped guest still owns its disk, and removing that disk must say so.

/** Path of an LV or image -> names of the guests whose definition uses it. */
export async function volumeUsers(db: Db, hostId: string): Promise<Map<string, string[]>> {
  const rows = await db.guest.findMany({ where: { hostId }, select: { name: true, hypervisor: true, definitionJson: true } });
  // A stored definition that no longer parses is left out: the storage page must still load.
  return guestVolumeUsers(
    rows.flatMap((r) => {
      const read = readableDefinitionOf(r);
      return read ? [{ name: r.name, disks: read.hv.definition.disks(read.def) }] : [];
    }),
  );
}

export async function storageView(deps: StorageReadDeps, input: { hostId: string }) {
  return withHostRead(deps, { hostId: input.hostId, action: "storage.read" }, (d) => assembleStorageView(d, input.hostId));
}

async function assembleStorageView(deps: StorageReadDeps, hostId: string) {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
  const exec = await hostExec(deps, host.id);
  const roots = hostRoots(host);
  const [storage, listing, users] = await Promise.all([readStorage(exec), listImageFiles(exec, roots), volumeUsers(deps.db, host.id)]);
  return {
    hostId: host.id,
    hostName: host.name,
    readAt: new Date().toISOString(),
    roots,
    storage,
    images: listing.images,
    imageErrors: listing.errors,
    usedBy: Object.fromEntries(users) as Record<string, string[]>,
  };
}
