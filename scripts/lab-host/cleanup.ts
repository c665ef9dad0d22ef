// Removes what a crashed test run left behind: lab-host namespaces, veths, slots and
// directories whose owning process is gone. Detached hosts (the demo host) outlive their
// owner on purpose and are only removed when asked. Only names with the ldk- prefix are
// ever considered; the machine's own interfaces are never candidates.
import { rm } from "node:fs/promises";
import { destroyNetwork, listNamespaces, processAlive } from "./netns";
import { run } from "./run";
import { listSlots, releaseSlot, type SlotRecord } from "./slots";

// A slot is claimed a moment before its owner record is written; give a starting host time.
const UNRECORDED_GRACE_MS = 60_000;

async function isStale(rec: SlotRecord, includeDetached: boolean): Promise<boolean> {
  if (rec.owner === null) return Date.now() - rec.claimedAt.getTime() > UNRECORDED_GRACE_MS;
  if (rec.owner.detached) return includeDetached;
  return !(await processAlive(rec.owner.pid));
}

async function listLdkLinks(): Promise<string[]> {
  const r = await run(["ip", "-j", "link", "show"]);
  if (r.code !== 0) return [];
  const links = JSON.parse(r.stdout) as { ifname?: string }[];
  return links.map((l) => l.ifname ?? "").filter((n) => /^ldk-\d+$/.test(n));
}

export interface CleanupReport {
  removedNamespaces: string[];
  removedLinks: string[];
  releasedSlots: number[];
}

export async function cleanupStaleLabHosts(opts: { includeDetached?: boolean } = {}): Promise<CleanupReport> {
  const includeDetached = opts.includeDetached ?? false;
  const report: CleanupReport = { removedNamespaces: [], removedLinks: [], releasedSlots: [] };
  // Namespaces and links are listed before slots: a host being started right now claims its
  // slot before creating anything, so it is always seen as owned, never as an orphan.
  const namespaces = (await listNamespaces()).filter((n) => n.startsWith("ldk-"));
  const links = await listLdkLinks();
  const live = new Set<string>();
  for (const rec of await listSlots()) {
    if (await isStale(rec, includeDetached)) {
      if (rec.owner !== null) {
        await destroyNetwork({ namespace: rec.owner.namespace, veth: rec.owner.veth });
        await rm(rec.owner.dir, { recursive: true, force: true });
        report.removedNamespaces.push(rec.owner.namespace);
      }
      await releaseSlot(rec.slot);
      report.releasedSlots.push(rec.slot);
    } else if (rec.owner !== null) {
      live.add(rec.owner.namespace);
      live.add(rec.owner.veth);
    } else {
      live.add(`ldk-${rec.slot}`);
    }
  }
  for (const ns of namespaces) {
    if (live.has(ns) || report.removedNamespaces.includes(ns)) continue;
    await destroyNetwork({ namespace: ns });
    report.removedNamespaces.push(ns);
  }
  for (const link of links) {
    if (live.has(link)) continue;
    const r = await run(["ip", "link", "del", "dev", link]);
    if (r.code === 0) report.removedLinks.push(link);
  }
  return report;
}
