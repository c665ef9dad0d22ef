// The browser side of the console WebSocket (protocol: server/console/console-gateway.ts).
// One connection at a time; after a drop it reconnects with exponential backoff and a
// fresh ticket each time (tickets are single-use and live 30 s), asking to resume from the
// log position after the last byte it showed, so nothing is shown twice and nothing is
// skipped without a notice. Nothing here touches the DOM: the terminal gets bytes, boot
// marks, gap notices and a status, and sends keystrokes back.
// What must not break: the position counts exactly the bytes handed to onBytes, and moves
// only by them or by a "stream" message.

export type ConsolePhase = "connecting" | "live" | "guest-not-running" | "host-unreachable" | "reconnecting" | "refused";

export interface ConsoleStatus {
  phase: ConsolePhase;
  detail?: string | undefined;
  /** Viewer role: the server drops keystrokes, so the terminal does not take them. */
  readOnly: boolean;
  /** When reconnecting: the wall-clock time of the next attempt. */
  retryAt?: number | undefined;
}

export interface ConsoleTicket {
  path: string;
  canWrite: boolean;
}

export interface ConsoleConnectionOptions {
  getTicket: () => Promise<ConsoleTicket>;
  /** A refusal that a retry cannot fix (no such guest, signed out): stop trying. */
  isFatal: (err: unknown) => boolean;
  onStatus: (s: ConsoleStatus) => void;
  onBytes: (data: Uint8Array) => void;
  /** A guest start, at this point of the stream (earlier: it began before the scrollback). */
  onBoot: (boot: ConsoleBoot) => void;
  /** Output the viewer will not see (bytes, or null when not countable). */
  onGap: (bytes: number | null) => void;
  onServerError: (message: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface ConsoleBoot {
  id: string;
  at: string;
  by: string;
  earlier: boolean;
}

type Control =
  | { type: "state"; state: "connecting" | "live" | "guest-not-running" | "host-unreachable"; detail?: string }
  | { type: "stream"; inode: string; offset: number; resumed: boolean; gap?: number | null }
  | { type: "boot"; id: string; inode: string; offset: number; at: string; by: string; earlier?: boolean }
  | { type: "scrollback-end" }
  | { type: "error"; message: string };

/** Where the next byte goes: what a reconnect asks to resume from. */
export interface StreamPosition {
  inode: string;
  offset: number;
  lastBootId: string | null;
}

export function resumeQuery(p: StreamPosition | null): string {
  if (p === null) return "";
  return `&resume=${encodeURIComponent(`${p.inode}:${p.offset}${p.lastBootId ? `:${p.lastBootId}` : ""}`)}`;
}

export function socketUrl(path: string, loc: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${path}`;
}

export function backoffMs(failures: number, initial: number, max: number): number {
  return Math.min(max, initial * 2 ** Math.max(0, failures - 1));
}

export function openConsole(o: ConsoleConnectionOptions): {
  send: (data: string) => void;
  close: () => void;
  position: () => StreamPosition | null;
} {
  const initial = o.initialDelayMs ?? 1000;
  const max = o.maxDelayMs ?? 30_000;
  const encoder = new TextEncoder();
  let ws: WebSocket | null = null;
  let closed = false;
  let failures = 0;
  let readOnly = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let position: StreamPosition | null = null;

  const status = (phase: ConsolePhase, detail?: string, retryAt?: number) => o.onStatus({ phase, detail, readOnly, retryAt });

  const retry = (detail: string) => {
    if (closed) return;
    failures++;
    const delay = backoffMs(failures, initial, max);
    status("reconnecting", detail, Date.now() + delay);
    timer = setTimeout(() => void connect(), delay);
  };

  const onMessage = (ev: MessageEvent) => {
    if (ev.data instanceof ArrayBuffer) {
      if (position !== null) position.offset += ev.data.byteLength;
      o.onBytes(new Uint8Array(ev.data));
      return;
    }
    let msg: Control;
    try {
      msg = JSON.parse(String(ev.data)) as Control;
    } catch {
      return;
    }
    if (msg.type === "state") {
      if (msg.state === "live") failures = 0;
      status(msg.state, msg.detail);
    } else if (msg.type === "stream") {
      if (!msg.resumed && msg.gap !== undefined && msg.gap !== 0) o.onGap(msg.gap);
      position = { inode: msg.inode, offset: msg.offset, lastBootId: position?.lastBootId ?? null };
    } else if (msg.type === "boot") {
      if (position !== null) position.lastBootId = msg.id;
      o.onBoot({ id: msg.id, at: msg.at, by: msg.by, earlier: msg.earlier === true });
    } else if (msg.type === "error") {
      o.onServerError(msg.message);
    }
  };

  async function connect(): Promise<void> {
    if (closed) return;
    status("connecting");
    let ticket: ConsoleTicket;
    try {
      ticket = await o.getTicket();
    } catch (err) {
      if (closed) return;
      if (o.isFatal(err)) {
        status("refused", err instanceof Error ? err.message : String(err));
        return;
      }
      retry(`no ticket: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (closed) return;
    readOnly = !ticket.canWrite;
    status("connecting");
    const sock = new WebSocket(socketUrl(`${ticket.path}${resumeQuery(position)}`));
    sock.binaryType = "arraybuffer";
    ws = sock;
    sock.onmessage = onMessage;
    sock.onclose = (ev) => {
      if (ws === sock) ws = null;
      retry(ev.code === 1006 ? "connection lost" : `closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ""})`);
    };
  }

  void connect();
  return {
    position: () => (position === null ? null : { ...position }),
    send: (data) => {
      if (ws && ws.readyState === WebSocket.OPEN && !readOnly) ws.send(encoder.encode(data));
    },
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      ws?.close(1000, "page closed");
      ws = null;
    },
  };
}
