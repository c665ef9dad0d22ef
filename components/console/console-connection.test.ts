import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffMs, openConsole, socketUrl, type ConsoleStatus } from "./console-connection";

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = "blob";
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: unknown) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: "" });
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal("window", { location: { protocol: "http:", host: "labdeck.test:3000" } });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function start(canWrite = true) {
  const statuses: ConsoleStatus[] = [];
  const bytes: Uint8Array[] = [];
  const marks: string[] = [];
  let tickets = 0;
  const conn = openConsole({
    getTicket: async () => ({ path: `/api/console/g1?ticket=t${++tickets}`, canWrite }),
    isFatal: () => false,
    onStatus: (s) => statuses.push(s),
    onBytes: (b) => bytes.push(b),
    onBoot: (b) => marks.push(`boot:${b.id}${b.earlier ? ":earlier" : ""}`),
    onGap: (n) => marks.push(`gap:${n}`),
    onServerError: () => undefined,
  });
  return { conn, statuses, bytes, marks, tickets: () => tickets };
}

describe("console connection", () => {
  it("builds ws/wss URLs on the page's own host and backs off exponentially up to a cap", () => {
    expect(socketUrl("/api/console/g?ticket=x", { protocol: "https:", host: "lab:443" })).toBe("wss://lab:443/api/console/g?ticket=x");
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1000, 30_000))).toEqual([1000, 2000, 4000, 8000, 30_000]);
  });

  it("takes a fresh ticket for every attempt, reconnects after a drop, and stops on close", async () => {
    const { conn, statuses, bytes, tickets } = start();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeSocket.all[0]!;
    expect(first.url).toBe("ws://labdeck.test:3000/api/console/g1?ticket=t1");
    expect(first.binaryType).toBe("arraybuffer");
    first.open();
    first.onmessage?.({ data: JSON.stringify({ type: "state", state: "live" }) });
    first.onmessage?.({ data: new Uint8Array([104, 105]).buffer });
    expect(statuses.at(-1)?.phase).toBe("live");
    expect(Array.from(bytes[0]!)).toEqual([104, 105]);
    conn.send("ls\r");
    expect(first.sent).toHaveLength(1);

    first.drop();
    expect(statuses.at(-1)?.phase).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1000);
    expect(tickets()).toBe(2);
    FakeSocket.all[1]!.drop();
    await vi.advanceTimersByTimeAsync(1999);
    expect(tickets()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(tickets()).toBe(3);

    conn.close();
    FakeSocket.all[2]!.drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(tickets()).toBe(3);
  });

  it("counts the bytes it shows and reconnects asking to resume right after them, with the last boot it showed", async () => {
    const { conn, marks, bytes } = start();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeSocket.all[0]!;
    first.open();
    first.onmessage?.({ data: JSON.stringify({ type: "stream", inode: "77", offset: 100, resumed: false }) });
    first.onmessage?.({
      data: JSON.stringify({ type: "boot", id: "b1", inode: "77", offset: 90, at: "2026-12-02T08:00:00Z", by: "alice", earlier: true }),
    });
    first.onmessage?.({ data: new Uint8Array(5).buffer });
    first.onmessage?.({
      data: JSON.stringify({ type: "boot", id: "b2", inode: "77", offset: 105, at: "2026-12-02T08:01:00Z", by: "bob" }),
    });
    first.onmessage?.({ data: new Uint8Array(3).buffer });
    expect(conn.position()).toEqual({ inode: "77", offset: 108, lastBootId: "b2" });
    first.drop();
    await vi.advanceTimersByTimeAsync(1000);
    const second = FakeSocket.all[1]!;
    expect(second.url).toBe("ws://labdeck.test:3000/api/console/g1?ticket=t2&resume=77%3A108%3Ab2");
    second.open();
    second.onmessage?.({ data: JSON.stringify({ type: "stream", inode: "77", offset: 108, resumed: true }) });
    second.onmessage?.({ data: JSON.stringify({ type: "stream", inode: "78", offset: 0, resumed: false, gap: 12 }) });
    expect(marks).toEqual(["boot:b1:earlier", "boot:b2", "gap:12"]);
    expect(bytes).toHaveLength(2);
    expect(conn.position()).toEqual({ inode: "78", offset: 0, lastBootId: "b2" });
    conn.close();
  });

  it("does not send keystrokes on a read-only ticket", async () => {
    const { conn, statuses } = start(false);
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.all[0]!.open();
    conn.send("x");
    expect(FakeSocket.all[0]!.sent).toHaveLength(0);
    expect(statuses.at(-1)?.readOnly).toBe(true);
    conn.close();
  });
});
