// The page-side half of bench/console.ts: an init script for the real console page that
// timestamps one keystroke's path in the browser's own clock, taking nothing from the server:
//   key      the keydown reaching the page (capture listener, before xterm sees it)
//   send     the page's WebSocket send called (xterm onData → console-connection)
//   frame    the binary WebSocket frame arriving (a listener added when the socket is made,
//            so it runs before the page's own onmessage)
//   parsed   xterm's onWriteParsed after it: the echo is in the terminal's buffer
//   rendered xterm's onRender after that: the renderer drew the rows (inside an animation
//            frame; renderStart is when that frame callback began)
//   painted  a message posted from that render callback runs: the browser finished the
//            frame's main-thread work (style, layout, paint, commit), i.e. the frame is on its
//            way to the screen. No rAF loop runs while measuring: a loop would keep Chromium's
//            frame clock ticking and hide what an idle page pays to start a frame.
// Must not break: the script runs in the page, so it may use nothing from its module scope.
import type { Terminal } from "@xterm/xterm";

export interface PageSample {
  key: number;
  send: number | null;
  frame: number | null;
  parsed: number | null;
  rendered: number | null;
  /** document.timeline.currentTime in the render callback: the frame's begin (vsync) time. */
  frameStart: number | null;
  painted: number | null;
  /** When the animation-frame callback that rendered began. */
  renderStart: number | null;
  /** With ProbeOptions.workerSocket: when the worker got the first frame. */
  worker: number | null;
  frames: number;
  /** ms since the current animation frame began (document.timeline), at the key and at the parse. */
  keyPhase: number | null;
  parsedPhase: number | null;
}

export interface PageProbe {
  /** Starts a sample; `text` set: done when a line of the buffer reads exactly that (an output line). */
  arm(text: string | null): void;
  result(timeoutMs: number): Promise<PageSample>;
  renderer(): string;
}

export interface ProbeOptions {
  /**
   * Experiment: the page's WebSocket runs in a dedicated Worker (same API to the page), so a
   * frame reaches the main thread as a worker message instead of a WebSocket task. `worker`
   * in a sample is when the worker got the frame, in the page's clock.
   */
  workerSocket: boolean;
  /** Experiment: a style sheet added to the page (e.g. CSS containment around the terminal). */
  css?: string;
}

export function consoleProbeScript(opts: ProbeOptions): void {
  const now = () => performance.now();
  type S = PageSample & { text: string | null; lastFrame: number | null; done: ((s: PageSample) => void) | null };
  let cur: S | null = null;
  let term: Terminal | null = null;

  // Every animation-frame callback is timed from its start, so "rendered" splits into the wait
  // for the frame and the renderer's own work.
  let rafStart = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) =>
    raf((t) => {
      rafStart = now();
      cb(t);
    });
  window.addEventListener(
    "keydown",
    () => {
      if (cur && cur.key < 0) {
        cur.key = now();
        cur.keyPhase = now() - Number(document.timeline.currentTime);
      }
    },
    true,
  );

  if (opts.css) {
    const css = opts.css;
    document.addEventListener("DOMContentLoaded", () => {
      const style = document.createElement("style");
      style.textContent = css;
      document.head.append(style);
    });
  }
  const Native = opts.workerSocket ? workerSocketClass() : window.WebSocket;
  class Probed extends Native {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (cur && cur.key >= 0 && cur.send === null) cur.send = now();
      super.send(data);
    }
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (e: MessageEvent) => {
        (window as unknown as { __benchAll: number }).__benchAll = ((window as unknown as { __benchAll?: number }).__benchAll ?? 0) + 1;
        if (typeof e.data === "string" || !cur || cur.send === null || cur.parsed !== null) return;
        const t = now();
        const wt = (e as MessageEvent & { workerTime?: number }).workerTime;
        if (wt !== undefined && cur.worker === null) cur.worker = wt - performance.timeOrigin;
        cur.frames++;
        cur.lastFrame = t;
        if (cur.text === null && cur.frame === null) cur.frame = t;
      });
    }
  }
  window.WebSocket = Probed;

  const hasLine = (t: Terminal, text: string) => {
    const b = t.buffer.active;
    const y = b.baseY + b.cursorY;
    for (let i = Math.max(0, y - 4); i <= y; i++) if (b.getLine(i)?.translateToString(true).trim() === text) return true;
    return false;
  };

  (window as unknown as { __labdeckConsoleProbe: (t: Terminal) => void }).__labdeckConsoleProbe = (t) => {
    term = t;
    t.onWriteParsed(() => {
      const s = cur;
      if (!s || s.lastFrame === null || s.parsed !== null) return;
      if (s.text !== null && !hasLine(t, s.text)) return;
      s.parsed = now();
      s.parsedPhase = now() - Number(document.timeline.currentTime);
      if (s.text !== null) s.frame = s.lastFrame;
    });
    t.onRender(() => {
      const s = cur;
      if (!s || s.parsed === null || s.rendered !== null) return;
      s.rendered = now();
      s.renderStart = rafStart;
      const ft = document.timeline.currentTime;
      s.frameStart = typeof ft === "number" ? ft : null;
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        s.painted = now();
        s.done?.(s);
      };
      ch.port2.postMessage(0);
    });
  };

  const probe: PageProbe = {
    arm(text) {
      cur = {
        key: -1,
        send: null,
        frame: null,
        parsed: null,
        rendered: null,
        frameStart: null,
        painted: null,
        renderStart: null,
        worker: null,
        frames: 0,
        keyPhase: null,
        parsedPhase: null,
        text,
        lastFrame: null,
        done: null,
      };
    },
    result(timeoutMs) {
      const s = cur;
      if (!s) return Promise.reject(new Error("not armed"));
      return new Promise((resolve, reject) => {
        const strip = (x: S): PageSample => ({
          key: x.key,
          keyPhase: x.keyPhase,
          parsedPhase: x.parsedPhase,
          send: x.send,
          frame: x.frame,
          parsed: x.parsed,
          rendered: x.rendered,
          frameStart: x.frameStart,
          painted: x.painted,
          renderStart: x.renderStart,
          worker: x.worker,
          frames: x.frames,
        });
        if (s.painted !== null) return resolve(strip(s));
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no paint within ${timeoutMs} ms: ${JSON.stringify(strip(s))} all=${(window as unknown as { __benchAll?: number }).__benchAll} ws=${String(window.WebSocket === Probed)} term=${String(term !== null)} rows=${term?.buffer.active.length}`,
              ),
            ),
          timeoutMs,
        );
        s.done = (x) => {
          clearTimeout(timer);
          resolve(strip(x as S));
        };
      });
    },
    renderer() {
      const el = term?.element;
      if (!el) return "no terminal";
      if (el.querySelector(".xterm-rows")) return "DOM";
      return el.querySelector("canvas") ? "canvas/WebGL" : "unknown";
    },
  };
  (window as unknown as { __bench: PageProbe }).__bench = probe;

  function workerSocketClass(): typeof WebSocket {
    const src = `let ws = null;
onmessage = (e) => {
  const m = e.data;
  if (m.open) {
    ws = new WebSocket(m.open);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => postMessage({ ev: "open" });
    ws.onclose = (c) => postMessage({ ev: "close", code: c.code, reason: c.reason, wasClean: c.wasClean });
    ws.onerror = () => postMessage({ ev: "error" });
    ws.onmessage = (x) => postMessage({ ev: "message", data: x.data, t: performance.timeOrigin + performance.now() }, typeof x.data === "string" ? [] : [x.data]);
  } else if (m.send !== undefined) ws.send(m.send);
  else if (m.close) ws.close(m.code, m.reason);
};`;
    const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
    class WorkerSocket extends EventTarget {
      static readonly CONNECTING = 0;
      static readonly OPEN = 1;
      static readonly CLOSING = 2;
      static readonly CLOSED = 3;
      readonly CONNECTING = 0;
      readonly OPEN = 1;
      readonly CLOSING = 2;
      readonly CLOSED = 3;
      readyState = 0;
      binaryType: BinaryType = "arraybuffer";
      bufferedAmount = 0;
      onopen: ((e: Event) => void) | null = null;
      onmessage: ((e: MessageEvent) => void) | null = null;
      onclose: ((e: CloseEvent) => void) | null = null;
      onerror: ((e: Event) => void) | null = null;
      private readonly w = new Worker(url);
      constructor(
        readonly url: string | URL,
        _protocols?: string | string[],
      ) {
        super();
        this.w.onmessage = (
          e: MessageEvent<{ ev: string; data?: unknown; t?: number; code?: number; reason?: string; wasClean?: boolean }>,
        ) => {
          const m = e.data;
          if (m.ev === "open") {
            this.readyState = 1;
            this.fire(new Event("open"), this.onopen);
          } else if (m.ev === "message") {
            const me = new MessageEvent("message", { data: m.data });
            Object.defineProperty(me, "workerTime", { value: m.t });
            this.fire(me, this.onmessage);
          } else if (m.ev === "error") this.fire(new Event("error"), this.onerror);
          else if (m.ev === "close") {
            this.readyState = 3;
            this.fire(new CloseEvent("close", { code: m.code, reason: m.reason, wasClean: m.wasClean }), this.onclose);
            this.w.terminate();
          }
        };
        this.w.postMessage({ open: String(url) });
      }
      private fire<E extends Event>(e: E, handler: ((e: E) => void) | null): void {
        this.dispatchEvent(e);
        handler?.call(this, e);
      }
      send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
        this.w.postMessage({ send: data });
      }
      close(code?: number, reason?: string): void {
        if (this.readyState >= 2) return;
        this.readyState = 2;
        this.w.postMessage({ close: true, code, reason });
      }
    }
    return WorkerSocket as unknown as typeof WebSocket;
  }
}
