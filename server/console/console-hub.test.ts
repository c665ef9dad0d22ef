import { Duplex } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { LabdeckError } from "../errors";
import type { ExecOptions, ExecResult, SshExecutor, SshTarget } from "../ssh/types";
import type { BootEvent, BootMark, BootSource } from "./console-boots";
import { ConsoleHub, type ConsoleViewer } from "./console-hub";

const target = { hostId: "h1", name: "h1" } as SshTarget;
const resolve = async () => ({ target, socketPath: "/r/serial.sock", serialLog: "/r/serial.log" });
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

/** A fake host: every exec is a follower the test feeds; the serial socket may or may not be there. */
function fakeHost() {
  const followers: { argv: readonly string[]; out: (s: string) => void; end: () => void; stopped: boolean }[] = [];
  const sockets: { toGuest: Buffer[]; stream: Duplex }[] = [];
  let socketThere = true;
  const ssh = {
    exec: (_t: SshTarget, argv: readonly string[], opts: ExecOptions = {}) =>
      new Promise<ExecResult>((done) => {
        const result = (outcome: ExecResult["outcome"]): ExecResult => ({
          outcome,
          exitStatus: outcome === "exited" ? 0 : null,
          exitSignal: null,
          stdout: "",
          stderr: "",
          durationMs: 1,
        });
        const f = { argv, out: (s: string) => opts.onStdout?.(Buffer.from(s)), end: () => done(result("exited")), stopped: false };
        opts.signal?.addEventListener("abort", () => {
          f.stopped = true;
          done(result("cancelled"));
        });
        followers.push(f);
      }),
    openStreamLocal: vi.fn(async () => {
      if (!socketThere) throw new LabdeckError("NOT_FOUND", "open failed");
      const toGuest: Buffer[] = [];
      const stream = new Duplex({
        read() {},
        write(c: Buffer, _e, cb) {
          toGuest.push(c);
          cb();
        },
      });
      sockets.push({ toGuest, stream });
      return stream;
    }),
  } as unknown as SshExecutor;
  return { ssh, followers, sockets, setSocket: (there: boolean) => (socketThere = there) };
}

function fakeBoots(initial: BootMark[] = []) {
  const listeners: ((e: BootEvent) => void)[] = [];
  const started: ((id: string) => void)[] = [];
  const source: BootSource = {
    list: async () => initial,
    onBoot: (l) => (listeners.push(l), () => undefined),
    onStarted: (l) => (started.push(l), () => undefined),
  };
  return { source, boot: (e: BootEvent) => listeners.forEach((l) => l(e)), started: (id: string) => started.forEach((l) => l(id)) };
}

function viewer() {
  const events: string[] = [];
  const v: ConsoleViewer = {
    onState: (s) => events.push(`state:${s}`),
    onStream: (s) =>
      events.push(
        `stream:${s.position.inode}:${s.position.offset}${s.resumed ? ":resumed" : ""}${s.gap !== undefined ? `:gap=${s.gap}` : ""}`,
      ),
    onData: (c) => events.push(`data:${c.toString()}`),
    onBoot: (m, earlier) => events.push(`boot:${m.id}${earlier ? ":earlier" : ""}`),
    onScrollbackEnd: () => events.push("end"),
  };
  const text = () =>
    events
      .filter((e) => e.startsWith("data:") || e.startsWith("boot:"))
      .map((e) => (e.startsWith("data:") ? e.slice(5) : `[${e.slice(5)}]`))
      .join("");
  return { v, events, text };
}

const mark = (id: string, offset: number, inode = "7"): BootMark => ({ id, inode, offset, at: "2026-12-02T08:00:00.000Z", by: "alice" });

describe("ConsoleHub", () => {
  it("runs one follower for many viewers, counts offsets from its header, and replays to a late viewer", async () => {
    const h = fakeHost();
    const hub = new ConsoleHub({ ssh: h.ssh, resolve, boots: fakeBoots([mark("a", 4)]).source });
    const a = viewer();
    const sa = hub.attach("g1", a.v);
    await tick();
    expect(h.followers).toHaveLength(1);
    expect(h.followers[0]!.argv.slice(4)).toEqual(["/r/serial.log", "65536", "-", "0", "262144"]);
    h.followers[0]!.out("labdeck-follow 7 0 4 -\nold\n");
    await tick();
    h.followers[0]!.out("boot");
    await tick();
    expect(a.events.slice(0, 2)).toEqual(["state:connecting", "stream:7:0"]);
    expect(a.text()).toBe("old\n[a]boot");
    expect(a.events).toContain("state:live");
    const b = viewer();
    hub.attach("g1", b.v);
    expect(b.events).toEqual(["state:live", "stream:7:0", "data:old\n", "boot:a", "data:boot", "end"]);
    expect(sa.write(Buffer.from("ls\r"))).toBe(true);
    expect(Buffer.concat(h.sockets[0]!.toGuest).toString()).toBe("ls\r");
    expect(h.followers).toHaveLength(1);
    hub.closeAll();
  });

  it("is live only once the follower has caught up and the socket is open; a stopped guest is guest-not-running", async () => {
    const h = fakeHost();
    h.setSocket(false);
    const boots = fakeBoots();
    const hub = new ConsoleHub({ ssh: h.ssh, resolve, boots: boots.source, retryInitialMs: 5000, retryMaxMs: 5000 });
    const a = viewer();
    hub.attach("g1", a.v);
    await tick();
    h.followers[0]!.out("labdeck-follow 7 0 6 -\nold");
    await tick();
    expect(a.events.filter((e) => e.startsWith("state:")).at(-1)).toBe("state:connecting");
    h.followers[0]!.out("$ \n");
    await tick();
    expect(a.events.filter((e) => e.startsWith("state:")).at(-1)).toBe("state:guest-not-running");
    // A start: the mark comes before QEMU runs; "started" wakes the socket at once (no 5 s backoff).
    boots.boot({ guestId: "g1", mark: mark("b2", 6), rotated: null });
    await tick();
    expect(a.text()).toBe("old$ \n[b2]");
    h.setSocket(true);
    boots.started("g1");
    await tick();
    expect(a.events.at(-1)).toBe("state:live");
    hub.closeAll();
  });

  it("marks a boot announced ahead of its bytes exactly between the byte before and the byte at its offset", async () => {
    const h = fakeHost();
    const boots = fakeBoots();
    const hub = new ConsoleHub({ ssh: h.ssh, resolve, boots: boots.source });
    const a = viewer();
    hub.attach("g1", a.v);
    await tick();
    h.followers[0]!.out("labdeck-follow 7 0 0 -\n");
    boots.boot({ guestId: "g1", mark: mark("n", 4), rotated: null });
    h.followers[0]!.out("bye\nLinux version");
    await tick();
    expect(a.text()).toBe("bye\n[n]Linux version");
    hub.closeAll();
  });

  it("resumes a returning viewer exactly, and a fresh hub starts its follower at the viewer's position", async () => {
    const h = fakeHost();
    const hub = new ConsoleHub({ ssh: h.ssh, resolve, boots: fakeBoots([mark("a", 0)]).source, lingerMs: 0 });
    const a = viewer();
    const s = hub.attach("g1", a.v);
    await tick();
    h.followers[0]!.out("labdeck-follow 7 0 0 -\nabcdef");
    await tick();
    s.detach();
    expect(h.followers[0]!.stopped).toBe(true);
    const b = viewer();
    hub.attach("g1", b.v, { inode: "7", offset: 3, lastBootId: "a" });
    await tick();
    expect(h.followers[1]!.argv.slice(4)).toEqual(["/r/serial.log", "65536", "7", "3", "262144"]);
    h.followers[1]!.out("labdeck-follow 7 3 6 -\ndef");
    await tick();
    expect(b.events.slice(1)).toEqual(expect.arrayContaining(["stream:7:3:resumed", "data:def"]));
    expect(b.text()).toBe("def");
    const c = viewer();
    hub.attach("g1", c.v, { inode: "7", offset: 5, lastBootId: "a" });
    expect(c.events).toEqual(["state:live", "stream:7:5:resumed", "data:f", "end"]);
    hub.closeAll();
  });

  it("restarts a dropped follower where it left off, and follows a rotated log after draining the old one", async () => {
    const h = fakeHost();
    const boots = fakeBoots();
    const hub = new ConsoleHub({ ssh: h.ssh, resolve, boots: boots.source });
    const a = viewer();
    hub.attach("g1", a.v);
    await tick();
    h.followers[0]!.out("labdeck-follow 7 0 0 -\nab");
    await tick();
    h.followers[0]!.end();
    await tick(100);
    expect(h.followers[1]!.argv.slice(6, 8)).toEqual(["7", "2"]);
    h.followers[1]!.out("labdeck-follow 7 2 2 -\ncd");
    await tick();
    // Rotation at a start: the old log (inode 7) ended at 6 bytes; the new one (8) begins empty.
    boots.boot({ guestId: "g1", mark: mark("r", 0, "8"), rotated: { inode: "7", size: 6 } });
    await tick();
    expect(h.followers).toHaveLength(2);
    h.followers[1]!.out("ef");
    await tick();
    expect(h.followers[1]!.stopped).toBe(true);
    expect(h.followers[2]!.argv.slice(6, 8)).toEqual(["8", "0"]);
    h.followers[2]!.out("labdeck-follow 8 0 0 -\nLinux");
    await tick();
    expect(a.events.filter((e) => e.startsWith("stream:"))).toEqual(["stream:7:0", "stream:8:0:resumed"]);
    expect(a.text()).toBe("abcdef[r]Linux");
    hub.closeAll();
  });

  it("releases the follower and the socket after the last viewer leaves (after the linger)", async () => {
    const h = fakeHost();
    const hub = new ConsoleHub({ ssh: h.ssh, resolve, lingerMs: 20 });
    const s = hub.attach("g1", viewer().v);
    await tick();
    h.followers[0]!.out("labdeck-follow 7 0 0 -\n");
    await tick();
    expect(hub.stats()).toEqual([{ guestId: "g1", viewers: 1, state: "live", followerOpen: true, inputOpen: true }]);
    s.detach();
    await tick(60);
    expect(hub.stats()).toEqual([]);
    expect(h.followers[0]!.stopped).toBe(true);
    expect(h.sockets[0]!.stream.destroyed).toBe(true);
  });
});
