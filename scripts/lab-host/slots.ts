// Address slots for lab hosts: slot S owns the /30 at 10.203.(S>>6).((S&63)*4). A slot is
// claimed by an atomic mkdir under /run/labdeck-lab/slots, so test processes that start
// hosts at the same moment can never pick the same addresses or veth name. Whatever else
// changes, claiming must stay a single mkdir.
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

export const LAB_STATE_DIR = "/run/labdeck-lab";
const SLOTS_DIR = path.join(LAB_STATE_DIR, "slots");
const SLOT_COUNT = 256 * 64;

export interface SlotOwner {
  namespace: string;
  veth: string;
  dir: string;
  /** Process that owns an attached host; a detached one (the demo host) outlives it. */
  pid: number;
  detached: boolean;
  createdAt: string;
}

export interface SlotAddresses {
  outside: string;
  inside: string;
  prefix: 30;
}

export function slotAddresses(slot: number): SlotAddresses {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new Error(`bad slot ${slot}`);
  const third = slot >> 6;
  const base = (slot & 63) * 4;
  return { outside: `10.203.${third}.${base + 1}`, inside: `10.203.${third}.${base + 2}`, prefix: 30 };
}

export function vethName(slot: number): string {
  return `ldk-${slot}`;
}

function slotDir(slot: number): string {
  return path.join(SLOTS_DIR, String(slot));
}

export const LAST_SLOT = SLOT_COUNT - 1;

/** Tries `preferred` first (a host that wants a stable address), then the lowest free slot. */
export async function claimSlot(preferred?: number): Promise<number> {
  await mkdir(SLOTS_DIR, { recursive: true });
  if (preferred !== undefined) {
    slotAddresses(preferred);
    try {
      await mkdir(slotDir(preferred));
      return preferred;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    try {
      await mkdir(slotDir(slot));
      return slot;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  throw new Error("no free lab-host slot: run cleanupStaleLabHosts()");
}

export async function recordSlotOwner(slot: number, owner: SlotOwner): Promise<void> {
  await writeFile(path.join(slotDir(slot), "owner.json"), JSON.stringify(owner));
}

export async function releaseSlot(slot: number): Promise<void> {
  await rm(slotDir(slot), { recursive: true, force: true });
}

export interface SlotRecord {
  slot: number;
  owner: SlotOwner | null;
  claimedAt: Date;
}

export async function listSlots(): Promise<SlotRecord[]> {
  let names: string[];
  try {
    names = await readdir(SLOTS_DIR);
  } catch {
    return [];
  }
  const records: SlotRecord[] = [];
  for (const name of names) {
    const slot = Number(name);
    if (!Number.isInteger(slot)) continue;
    let claimedAt: Date;
    try {
      claimedAt = (await stat(slotDir(slot))).mtime;
    } catch {
      continue;
    }
    let owner: SlotOwner | null = null;
    try {
      owner = JSON.parse(await readFile(path.join(slotDir(slot), "owner.json"), "utf8")) as SlotOwner;
    } catch {
      owner = null;
    }
    records.push({ slot, owner, claimedAt });
  }
  return records;
}
