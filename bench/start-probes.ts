// What bench/start.ts watches: the moment QEMU is running (its pidfile appears, its QMP
// monitor answers query-status), seen from the test machine, which shares the lab host's
// filesystem; and, in the page, the click on "Run: Start", the console badge turning
// "live" and the banner reaching xterm's rows. Every time is wall-clock milliseconds
// (performance.timeOrigin + performance.now(), the same clock in Node and in Chromium).
import { existsSync, readFileSync, watch } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Page } from "@playwright/test";

export const now = (): number => performance.timeOrigin + performance.now();

export interface QemuUp {
  /** When the pidfile appeared. */
  pidfile: number;
  /** When QMP answered query-status with "running". */
  qmp: number;
}

/** Arms a watch on the guest's run directory; resolves when QEMU is up (pidfile, then QMP). */
export function watchQemuUp(dir: string, timeoutMs = 60_000): { done: Promise<QemuUp>; cancel: () => void } {
  const pidfile = path.join(dir, "qemu.pid");
  let cancel = () => undefined as void;
  const done = new Promise<QemuUp>((resolve, reject) => {
    let seen: number | null = null;
    const timer = setTimeout(() => finish(new Error(`QEMU did not come up in ${dir}`)), timeoutMs);
    const w = watch(dir, () => check());
    const finish = (err: Error | null, up?: QemuUp) => {
      clearTimeout(timer);
      w.close();
      if (err) reject(err);
      else if (up) resolve(up);
    };
    cancel = () => finish(new Error("cancelled"));
    const check = () => {
      if (seen !== null || !existsSync(pidfile)) return;
      seen = now();
      const at = seen;
      void qmpRunning(path.join(dir, "qmp.sock")).then(
        (qmp) => finish(null, { pidfile: at, qmp }),
        (e: unknown) => finish(e as Error),
      );
    };
    check();
  });
  return { done, cancel };
}

/** Connects to the monitor (retrying until it listens), asks query-status, hangs up at once. */
async function qmpRunning(socket: string, timeoutMs = 20_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await qmpOnce(socket);
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

function qmpOnce(socket: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socket);
    let buf = "";
    let stage = 0;
    s.on("error", reject);
    s.on("data", (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const msg = JSON.parse(line) as { QMP?: unknown; return?: { status?: string }; error?: unknown };
        if (msg.QMP !== undefined && stage === 0) {
          stage = 1;
          s.write('{"execute":"qmp_capabilities"}\n');
        } else if (msg.return !== undefined && stage === 1) {
          stage = 2;
          s.write('{"execute":"query-status"}\n');
        } else if (stage === 2 && msg.return?.status !== undefined) {
          const at = now();
          s.destroy();
          if (msg.return.status === "running") resolve(at);
          else reject(new Error(`QMP says ${msg.return.status}`));
        } else if (msg.error !== undefined) {
          s.destroy();
          reject(new Error(JSON.stringify(msg.error)));
        }
      }
    });
  });
}

/** Resolves when `file` in `dir` first contains `text` (the banner in the serial log). */
export function watchFileFor(dir: string, file: string, text: string, timeoutMs = 60_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const full = path.join(dir, file);
    const timer = setTimeout(() => done(new Error(`${text} not in ${full}`)), timeoutMs);
    const w = watch(dir, () => check());
    const done = (err: Error | null, at?: number) => {
      clearTimeout(timer);
      w.close();
      if (err) reject(err);
      else resolve(at ?? now());
    };
    const check = () => {
      try {
        if (readFileSync(full, "latin1").includes(text)) done(null, now());
      } catch {
        // not created yet
      }
    };
    check();
  });
}

export interface PageMarks {
  click: number | null;
  live: number | null;
  banner: number | null;
  /** When the page first showed the job as succeeded. */
  succeeded: number | null;
}

/**
 * Installs, in the page, a capture listener for the Run button's click and a
 * MutationObserver that notes when the console badge first says "live" and when the
 * banner first appears in xterm's rows (the DOM renderer writes rows in the frame it paints).
 */
export async function armPage(page: Page, banner: string): Promise<void> {
  await page.evaluate((banner) => {
    const t = () => performance.timeOrigin + performance.now();
    const marks = {
      click: null as number | null,
      live: null as number | null,
      banner: null as number | null,
      succeeded: null as number | null,
    };
    (globalThis as unknown as { __startMarks: typeof marks }).__startMarks = marks;
    document.addEventListener(
      "click",
      (e) => {
        if (marks.click === null && (e.target as Element | null)?.closest?.('[data-testid="guest-action-run"]')) marks.click = t();
      },
      true,
    );
    const look = () => {
      if (marks.click === null) return;
      if (marks.live === null && document.querySelector('[data-testid="console-state"] [data-phase="live"]')) marks.live = t();
      if (
        marks.succeeded === null &&
        document.querySelector('[data-testid="job-inline"] [data-testid="job-status"] [data-status="succeeded"]')
      )
        marks.succeeded = t();
      if (marks.banner === null && document.querySelector('[data-testid="console-terminal"] .xterm-rows')?.textContent?.includes(banner))
        marks.banner = t();
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, banner);
}

export function pageMarks(page: Page): Promise<PageMarks> {
  return page.evaluate(() => (globalThis as unknown as { __startMarks: PageMarks }).__startMarks);
}
