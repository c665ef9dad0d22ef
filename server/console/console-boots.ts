// What the console hub needs to know about boots: where each one begins in the serial log,
// and word of a new one the moment the start plan has read its offset. The start job
// (server/services/guest-boots.ts) is the source; the hub takes it in its options.
// What must not break: a boot is identified by (inode, offset), never by anything in the
// log's bytes, so a guest cannot fake or hide one.
import type { LogPosition } from "./serial-follow";

export interface BootMark extends LogPosition {
  /** The GuestBoot row's id: tells two boots at one offset apart (a start that printed nothing). */
  id: string;
  /** ISO time the start job read the offset. */
  at: string;
  /** Who started it (a user name). */
  by: string;
}

export interface BootEvent {
  guestId: string;
  mark: BootMark;
  /** The rotated log at that moment (inode and final size), for a follower still on it. */
  rotated: { inode: string; size: number } | null;
}

export interface BootSource {
  /** Recent boots of a guest, any log file, oldest first. */
  list(guestId: string): Promise<BootMark[]>;
  /** A start recorded a boot (before QEMU runs). Returns the unsubscribe. */
  onBoot(listener: (e: BootEvent) => void): () => void;
  /** A start's QEMU step finished: the serial socket is there now. Returns the unsubscribe. */
  onStarted(listener: (guestId: string) => void): () => void;
}
