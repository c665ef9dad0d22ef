// The browser side of the console WebSocket (protocol: server/console/console-gateway.ts).
// One connection at a time; after a drop it reconnects with exponential backoff and a
// fresh ticket each time (tickets are single-use and live 30 s). Nothing here touches the
// DOM: the terminal gets bytes and a status, and sends keystrokes back.

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
  /** A new socket is about to replay the scrollback: clear what the last one showed. */
  onReplay: () => void;
  onBytes: (data: Uint8Array) => void;
  onServerError: (message: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

type Control = { type: "state"; state: "connecting" | "live" | "guest-not-running" | "host-unreachable"; detail?: string } | { type: "scrollback-end" } | { type: "error"; message: string };

export function socketUrl(path: string, loc: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${path}`;
}

export function backoffMs(failures: number, initial: number, max: number): number {
  return Math.min(max, initial * 2 ** Math.max(0, failures - 1));
}

export function openConsole(o: ConsoleConnectionOptions): { send: (data: string) => void; close: () => void } {
  const initial = o.initialDelayMs ?? 1000;
  const max = o.maxDelayMs ?? 30_000;
  const encoder = new TextEncoder();
  let ws: WebSocket | null = null;
  let closed = false;
  let failures = 0;
  let readOnly = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

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
    const sock = new WebSocket(socketUrl(ticket.path));
    sock.binaryType = "arraybuffer";
    ws = sock;
    sock.onopen = () => o.onReplay();
    sock.onmessage = onMessage;
    sock.onclose = (ev) => {
      if (ws === sock) ws = null;
      retry(ev.code === 1006 ? "connection lost" : `closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ""})`);
    };
  }

  void connect();
  return {
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
