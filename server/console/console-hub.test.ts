import { Duplex, PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LabdeckError } from "../errors";
import type { SshExecutor, SshTarget } from "../ssh/types";
import { ConsoleHub, type ConsoleState, type ConsoleViewer } from "./console-hub";

const target = { hostId: "h1", name: "h1" } as SshTarget;

/** A fake serial line: `guest` is what the guest writes to / reads from. */
function pair(): { upstream: Duplex; toGuest: Buffer[]; fromGuest: PassThrough } {
  const fromGuest = new PassThrough();
  const toGuest: Buffer[] = [];
  const upstream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      toGuest.push(chunk);
      cb();
    },
  });
  fromGuest.on("data", (c: Buffer) => upstream.push(c));
  fromGuest.on("end", () => upstream.push(null));
  return { upstream, toGuest, fromGuest };
}

function viewer() {
  const events: string[] = [];
  const data: Buffer[] = [];
  const v: ConsoleViewer = {
    onState: (s: ConsoleState, d?: string) => events.push(`state:${s}${d ? `:${d}` : ""}`),
    onData: (c) => {
      data.push(c);
      events.push(`data:${c.toString()}`);
    },
    onScrollbackEnd: () => events.push("scrollback-end"),
  };
  return { v, events, text: () => Buffer.concat(data).toString() };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

afterEach(() => vi.useRealTimers());

describe("ConsoleHub", () => {
  it("opens one upstream for many viewers and replays scrollback to a late one", async () => {
    const p = pair();
    const openStreamLocal = vi.fn(async () => p.upstream);
    const hub = new ConsoleHub({ ssh: { openStreamLocal } as unknown as SshExecutor, resolve: async () => ({ target, socketPath: "/s" }) });
    const a = viewer();
    const sa = hub.attach("g1", a.v);
    await tick();
    expect(a.events).toEqual(["state:connecting", "scrollback-end", "state:live"]);
    p.fromGuest.write("boot ");
    p.fromGuest.write("banner");
    await tick();
    const b = viewer();
    hub.attach("g1", b.v);
    expect(b.events).toEqual(["state:live", "data:boot banner", "scrollback-end"]);
    p.fromGuest.write("!");
    await tick();
    expect(a.text()).toBe("boot banner!");
    expect(b.text()).toBe("boot banner!");
    expect(sa.write(Buffer.from("ls\r"))).toBe(true);
    expect(Buffer.concat(p.toGuest).toString()).toBe("ls\r");
    expect(openStreamLocal).toHaveBeenCalledTimes(1);
  });

  it("reports a missing socket as guest-not-running and a host error as host-unreachable, and retries", async () => {
    let fail: unknown = new LabdeckError("NOT_FOUND", "open failed");
    const p = pair();
    const openStreamLocal = vi.fn(async () => {
      if (fail) throw fail;
      return p.upstream;
    });
    const hub = new ConsoleHub({ ssh: { openStreamLocal } as unknown as SshExecutor, resolve: async () => ({ target, socketPath: "/s" }), retryInitialMs: 10, retryMaxMs: 20 });
    const a = viewer();
    hub.attach("g1", a.v);
    await tick();
    expect(a.events).toContain("state:guest-not-running:open failed");
    fail = new LabdeckError("SSH_UNREACHABLE", "connection refused");
    await new Promise((r) => setTimeout(r, 40));
    expect(a.events.some((e) => e.startsWith("state:host-unreachable"))).toBe(true);
    fail = null;
    await new Promise((r) => setTimeout(r, 60));
    expect(a.events.at(-1)).toBe("state:live");
  });

  it("reconnects after the upstream ends while viewers remain, and closes after the last leaves", async () => {
    const streams = [pair(), pair()];
    let n = 0;
    const openStreamLocal = vi.fn(async () => streams[n++]!.upstream);
    const hub = new ConsoleHub({ ssh: { openStreamLocal } as unknown as SshExecutor, resolve: async () => ({ target, socketPath: "/s" }), retryInitialMs: 10, lingerMs: 20 });
    const a = viewer();
    const s = hub.attach("g1", a.v);
    await tick();
    streams[0]!.fromGuest.end();
    await new Promise((r) => setTimeout(r, 50));
    expect(a.events.filter((e) => e.startsWith("state:"))).toEqual(["state:connecting", "state:live", "state:connecting:upstream ended; reconnecting", "state:live"]);
    s.detach();
    expect(hub.stats()[0]?.upstreamOpen).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(hub.stats()).toEqual([]);
    expect(streams[1]!.upstream.destroyed).toBe(true);
  });

  it("drops keystrokes while not live", async () => {
    const hub = new ConsoleHub({
      ssh: { openStreamLocal: () => new Promise(() => undefined) } as unknown as SshExecutor,
      resolve: async () => ({ target, socketPath: "/s" }),
    });
    const s = hub.attach("g1", viewer().v);
    expect(s.write(Buffer.from("x"))).toBe(false);
  });
});
