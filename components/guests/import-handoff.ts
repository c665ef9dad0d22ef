import type { GuestImport } from "../api-types";

// The import page hands its result to the wizard through sessionStorage (a definition can
// be too long for a URL); the wizard reads it once, by the key in its ?import= parameter.

export interface ImportHandoff extends GuestImport {
  hostId?: string;
}

const PREFIX = "labdeck.guest-import.";

export function storeImport(data: ImportHandoff): string {
  const key = Math.random().toString(36).slice(2, 10);
  sessionStorage.setItem(PREFIX + key, JSON.stringify(data));
  return key;
}

export function readImport(key: string): ImportHandoff | null {
  const raw = sessionStorage.getItem(PREFIX + key);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as ImportHandoff;
  } catch {
    return null;
  }
}
