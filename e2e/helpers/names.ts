import { randomBytes } from "node:crypto";

/** A name no other test (or earlier run) uses: prefix plus random lowercase letters and digits. */
export function randomName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}
