import { EventEmitter } from "node:events";

// Sign-out, a role change and a user's removal end what that session (or user) has open
// right now: console sockets and tRPC subscriptions listen here and close at once, so a
// demoted operator cannot keep typing into a console opened before the change. Emitted
// after the database change is committed. In-process only, like the job bus: several
// Labdeck instances would carry this over their shared pub/sub (DESIGN.md).

export type SessionEndReason = "signed-out" | "role-changed" | "removed";

export interface SessionEnd {
  reason: SessionEndReason;
  userId: string;
  /** One session (sign-out); absent: every session of the user. */
  sessionId?: string;
  at: number;
}

export interface SessionRef {
  userId: string;
  sessionId: string;
}

// Long enough to cover the gap between a request's session lookup and its listener being
// registered (milliseconds); short enough that the maps stay tiny.
const REMEMBER_MS = 60_000;

function matches(end: SessionEnd, who: SessionRef): boolean {
  return end.userId === who.userId && (end.sessionId === undefined || end.sessionId === who.sessionId);
}

export class SessionEvents {
  private readonly emitter = new EventEmitter();
  private readonly recent: SessionEnd[] = [];

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  end(input: Omit<SessionEnd, "at">): void {
    const e: SessionEnd = { ...input, at: Date.now() };
    this.recent.push(e);
    while (this.recent.length > 0 && this.recent[0]!.at < e.at - REMEMBER_MS) this.recent.shift();
    this.emitter.emit("end", e);
  }

  /** Calls `cb` once when `who` ends; returns the unsubscribe. */
  onEnd(who: SessionRef, cb: (e: SessionEnd) => void): () => void {
    const listener = (e: SessionEnd) => {
      if (!matches(e, who)) return;
      off();
      cb(e);
    };
    const off = () => this.emitter.off("end", listener);
    this.emitter.on("end", listener);
    return off;
  }

  /** An end of `who` at or after `since` (ms): closes the window between looking a session up and listening. */
  endedSince(who: SessionRef, since: number): SessionEnd | null {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const e = this.recent[i]!;
      if (e.at < since) break;
      if (matches(e, who)) return e;
    }
    return null;
  }

  get listenerCount(): number {
    return this.emitter.listenerCount("end");
  }
}

export function endedMessage(reason: SessionEndReason): string {
  if (reason === "signed-out") return "session ended: signed out";
  if (reason === "role-changed") return "session ended: your role was changed; sign in again";
  return "session ended: your account was removed";
}
