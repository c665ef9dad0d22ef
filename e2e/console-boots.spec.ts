import { expect, test, type Page } from "@playwright/test";
import { BOOT_MARK_PREFIX } from "../components/console/console-marks";
import { addHost, checkHostKey, confirmHostKey } from "./helpers/hosts";
import { randomName } from "./helpers/names";
import { readRunState } from "./helpers/run-state";
import { BANNER, tinyGuestPaths } from "./helpers/tiny-guest";

// Issue 11: with a guest's console page open, 20 starts in a row under load (three other
// tiny guests printing continuously beside it, each with its console open): every boot's
// first kernel line and banner appear exactly once in the terminal, after that boot's mark,
// and the badge never turns live while the terminal still lacks the new boot's mark.
// Starts and stops go through the same tRPC calls the guest page makes.

test.describe.configure({ mode: "serial" });

const STARTS = 20;
const LOAD_GUESTS = 3;
const KERNEL_LINE = "Linux version";

async function trpc<T>(page: Page, path: string, input: unknown, kind: "query" | "mutation" = "mutation"): Promise<T> {
  return page.evaluate(
    async ({ path, input, kind }) => {
      const body = JSON.stringify({ json: input });
      const r =
        kind === "mutation"
          ? await fetch(`/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body })
          : await fetch(`/api/trpc/${path}?input=${encodeURIComponent(body)}`);
      const j = (await r.json()) as { result?: { data: { json: unknown } }; error?: unknown };
      if (!j.result) throw new Error(`${path}: ${JSON.stringify(j.error)}`);
      return j.result.data.json;
    },
    { path, input, kind },
  ) as Promise<T>;
}

async function runAction(page: Page, id: string, action: "start" | "force-stop"): Promise<void> {
  const { jobId } = await trpc<{ jobId: string }>(page, "guests.run", { id, action });
  await expect
    .poll(async () => (await trpc<{ status: string }>(page, "jobs.get", { jobId }, "query")).status, {
      timeout: 60_000,
      intervals: [100, 200, 300],
    })
    .toBe("succeeded");
}

async function createGuest(page: Page, hostId: string, name: string, append: string): Promise<string> {
  const { labHost } = readRunState();
  const tiny = tinyGuestPaths(labHost.runDir);
  const g = await trpc<{ id: string }>(page, "guests.create", {
    hostId,
    definition: {
      name,
      accel: "tcg",
      memoryMiB: 128,
      boot: { kind: "kernel", kernel: tiny.kernel, initrd: tiny.initrd, append },
      nics: [],
    },
  });
  return g.id;
}

/** The terminal's whole buffer (scrollback included) once xterm has parsed every write. */
const terminalText = (page: Page) =>
  page
    .getByTestId("console-terminal")
    .evaluate((el) => (el as HTMLElement & { labdeckConsoleText: () => Promise<string> }).labdeckConsoleText());

test("20 starts with the console open under load: each boot's first kernel line and banner exactly once, after its mark; never live over the old boot", async ({
  page,
  browser,
  baseURL,
}) => {
  // About 10 s a boot at a load average of 13-20 (the guest itself: its kernel stamps say 2.6 s).
  test.setTimeout(480_000);
  const { labHost: lab } = readRunState();
  const hostId = await addHost(page, {
    name: randomName("boots"),
    address: lab.address,
    port: lab.port,
    runDir: lab.runDir,
    privateKey: lab.privateKey,
  });
  await checkHostKey(page);
  await confirmHostKey(page);

  // The load: tiny guests printing without pause, each watched through its console socket.
  const loadPage = await (await browser.newContext({ baseURL, storageState: await page.context().storageState() })).newPage();
  await loadPage.goto("/");
  const loadIds: string[] = [];
  for (let i = 0; i < LOAD_GUESTS; i++)
    loadIds.push(await createGuest(page, hostId, randomName(`load${i}`), "console=ttyS0 quiet panic=-1"));
  await Promise.all(loadIds.map((id) => runAction(page, id, "start")));
  for (const id of loadIds) {
    const { path } = await trpc<{ path: string }>(loadPage, "guests.consoleTicket", { id });
    await loadPage.evaluate(async (path) => {
      const ws = new WebSocket(`ws://${location.host}${path}`);
      ws.binaryType = "arraybuffer";
      (globalThis as unknown as { loadSockets?: WebSocket[] }).loadSockets = [
        ...((globalThis as unknown as { loadSockets?: WebSocket[] }).loadSockets ?? []),
        ws,
      ];
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("load guest never went live")), 60_000);
        ws.onmessage = (ev) => {
          if (typeof ev.data !== "string") return;
          const m = JSON.parse(ev.data) as { type: string; state?: string };
          if (m.type !== "state" || m.state !== "live") return;
          clearTimeout(t);
          // The shell may not be up at the first "live": type until it prints.
          const type = () =>
            ws.send(
              new TextEncoder().encode("while :; do echo load-$((n=n+1)) line of text to keep the serial busy; usleep 100000; done\r"),
            );
          type();
          setTimeout(type, 4000);
          resolve();
        };
      });
    }, path);
  }

  const id = await createGuest(page, hostId, randomName("booted"), "console=ttyS0 loglevel=6 panic=-1");
  await page.goto(`/guests/${id}/console`);
  const phase = page.getByTestId("console");
  await expect(phase).toHaveAttribute("data-phase", /connecting|guest-not-running/);
  await expect
    .poll(() => page.getByTestId("console-terminal").evaluate((el) => typeof (el as { labdeckConsoleText?: unknown }).labdeckConsoleText))
    .toBe("function");
  // Every time the badge turns live: how many boot marks the terminal holds then, against the starts begun.
  await page.evaluate((prefix) => {
    const w = window as unknown as { startsBegun: number; liveChecks: { begun: number; marks: number }[] };
    w.startsBegun = 0;
    w.liveChecks = [];
    const el = document.querySelector('[data-testid="console"]') as HTMLElement;
    const term = document.querySelector('[data-testid="console-terminal"]') as HTMLElement & { labdeckConsoleText: () => Promise<string> };
    let last = el.dataset.phase;
    new MutationObserver(() => {
      const now = el.dataset.phase;
      if (now === "live" && last !== "live") {
        const begun = w.startsBegun;
        void term.labdeckConsoleText().then((t) => w.liveChecks.push({ begun, marks: t.split(prefix).length - 1 }));
      }
      last = now;
    }).observe(el, { attributes: true, attributeFilter: ["data-phase"] });
  }, BOOT_MARK_PREFIX);

  for (let n = 1; n <= STARTS; n++) {
    await page.evaluate((n) => ((window as unknown as { startsBegun: number }).startsBegun = n), n);
    await runAction(page, id, "start");
    await expect(phase).toHaveAttribute("data-phase", "live");
    await expect
      .poll(
        async () => {
          const boots = (await terminalText(page)).split(BOOT_MARK_PREFIX);
          return boots.length - 1 === n && (boots[n] ?? "").includes(BANNER);
        },
        { timeout: 60_000, message: `boot ${n}: its mark and then its banner` },
      )
      .toBe(true);
    await runAction(page, id, "force-stop");
    await expect(phase).toHaveAttribute("data-phase", "guest-not-running");
  }

  const boots = (await terminalText(page)).split(BOOT_MARK_PREFIX);
  expect(boots).toHaveLength(STARTS + 1);
  for (let n = 1; n <= STARTS; n++) {
    const seg = boots[n] ?? "";
    expect.soft(seg.split(KERNEL_LINE).length - 1, `boot ${n}: "${KERNEL_LINE}" lines`).toBe(1);
    expect.soft(seg.split(BANNER).length - 1, `boot ${n}: banners`).toBe(1);
    expect.soft(seg.indexOf(KERNEL_LINE), `boot ${n}: kernel line before banner`).toBeLessThan(seg.indexOf(BANNER));
  }
  const checks = await page.evaluate(() => (window as unknown as { liveChecks: { begun: number; marks: number }[] }).liveChecks);
  expect(checks.length).toBeGreaterThanOrEqual(STARTS);
  for (const c of checks) expect(c.marks, `live with ${c.marks} marks after ${c.begun} starts`).toBeGreaterThanOrEqual(c.begun);

  await loadPage.evaluate(() => (globalThis as unknown as { loadSockets?: WebSocket[] }).loadSockets?.forEach((ws) => ws.close()));
  await Promise.all(loadIds.map((lid) => runAction(page, lid, "force-stop")));
  await runAction(page, id, "force-stop").catch(() => undefined);
});
