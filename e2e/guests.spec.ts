import { expect, test, type Page } from "@playwright/test";
import { createUser, signIn } from "./helpers/auth";
import { fillKernelGuest, guestState, runGuestAction, terminalRows, typeInConsole } from "./helpers/guests";
import { addHost, checkHostKey, confirmHostKey } from "./helpers/hosts";
import { randomName } from "./helpers/names";
import { adminStateFile, readRunState } from "./helpers/run-state";
import { BANNER, tinyGuestPaths } from "./helpers/tiny-guest";

// A QEMU guest from the wizard to its serial console, on the real harness host: create a
// custom-kernel TCG guest, start it, work in its console while a second session watches,
// check that a viewer cannot type (in the page and on the raw WebSocket), shut it down.

test.describe.configure({ mode: "serial" });

const hostName = randomName("vmhost");
const guestName = randomName("tiny");
const viewer = { username: randomName("watcher").replace(/-/g, "_"), password: `pw-${randomName("w")}` };
let guestId = "";

const row = (page: Page, text: RegExp) => terminalRows(page).filter({ hasText: text });

test("create a custom-kernel guest in the wizard; Show commands shows the QEMU line", async ({ page }) => {
  const { labHost: lab } = readRunState();
  const hostId = await addHost(page, {
    name: hostName,
    address: lab.address,
    port: lab.port,
    runDir: lab.runDir,
    privateKey: lab.privateKey,
  });
  await checkHostKey(page);
  await confirmHostKey(page);
  await createUser(page, { ...viewer, role: "viewer" });

  await page.goto("/guests");
  await page.getByTestId("new-guest").click();
  const tiny = tinyGuestPaths(lab.runDir);
  await fillKernelGuest(page, {
    hostLabel: `${hostName} (${lab.address})`,
    name: guestName,
    kernel: tiny.kernel,
    initrd: tiny.initrd,
    append: "console=ttyS0 quiet panic=-1",
  });
  await page.getByTestId("wizard-show-commands").click();
  const preview = page.getByTestId("wizard-preview");
  await expect(preview.getByTestId("wizard-accel")).toHaveText("tcg");
  const qemu = preview.getByTestId("plan-step-argv").filter({ hasText: "qemu-system-x86_64" });
  await expect(qemu).toContainText(`-kernel ${tiny.kernel}`);
  await expect(qemu).toContainText("-accel tcg");
  // The MAC Show commands generated is the MAC the guest is saved with (not a second one).
  const shownMac = /,mac=((?:[0-9a-f]{2}:){5}[0-9a-f]{2})/.exec((await qemu.textContent()) ?? "")?.[1] ?? "";
  expect(shownMac).toMatch(/^52:54:00:/);
  await expect(page.locator("#g-nic-0-mac")).toHaveValue(shownMac);
  await page.getByTestId("wizard-submit").click();
  await expect(page).toHaveURL(/\/guests\/(?!new)[^/]+$/);
  await expect(page.getByTestId("guest-name")).toHaveText(guestName);
  await expect(page.getByTestId("guest-summary-mac")).toHaveText(shownMac);
  guestId = new URL(page.url()).pathname.split("/").pop() ?? "";
  await expect(guestState(page)).toHaveAttribute("data-state", "shut-off");

  // Two people editing at once: the second save is refused and the first edit is not lost silently.
  await page.goto(`/guests/${guestId}/edit`);
  await page.getByLabel("vCPUs", { exact: true }).fill("2");
  const other = await page.context().newPage();
  await other.goto(`/guests/${guestId}/edit`);
  await other.getByLabel("Memory (MiB)", { exact: true }).fill("200");
  await other.getByTestId("wizard-submit").click();
  await expect(other.getByTestId("guest-summary")).toContainText("version 2");
  await other.close();
  await page.getByTestId("wizard-submit").click();
  await expect(page.getByTestId("guest-conflict")).toContainText("changed by someone else");
  await page.getByTestId("guest-conflict-reload").click();
  await expect(page.getByLabel("Memory (MiB)", { exact: true })).toHaveValue("200");
  await expect(page.getByLabel("vCPUs", { exact: true })).toHaveValue("1");

  await page.goto(`/hosts/${hostId}`);
  await expect(page.getByTestId("host-guests-card").locator(`[data-testid="guest-row"][data-guest-name="${guestName}"]`)).toBeVisible();
});

test("import a kvm recipe line: the page lists each default it filled in and keeps the TAP name", async ({ page }) => {
  await page.goto("/guests/import");
  await page.getByTestId("import-text").fill("kvm -m 512 -hda /srv/x.qcow2 -net nic -net tap,ifname=tap3,script=no");
  await page.getByTestId("import-host").selectOption({ label: hostName });
  await page.getByTestId("import-parse").click();
  const rows = page.getByTestId("import-differences").getByTestId("import-difference");
  await expect(rows.and(page.locator('[data-field="machine"][data-kind="default"]'))).toContainText(
    "QEMU's default for qemu-system-x86_64 is pc",
  );
  await expect(rows.and(page.locator('[data-field="nics.0.network"]'))).toContainText("/etc/qemu-ifdown");
  await expect(page.getByTestId("import-definition")).toContainText('"ifname": "tap3"');
  await page.getByTestId("import-continue").click();
  await expect(page.getByTestId("import-differences")).toBeVisible();
  await expect(page.locator("#g-nic-0-ifname")).toHaveValue("tap3");
  await expect(page.locator("#g-machine")).toHaveValue("pc");
});

test("start it, see the banner in the console, type a command, a second session sees it live", async ({ page, browser, baseURL }) => {
  await page.goto(`/guests/${guestId}`);
  await runGuestAction(page, "start");
  await expect(guestState(page)).toHaveAttribute("data-state", "running");

  // The list links straight to the console, which fills the window down to its bottom edge.
  await page.goto("/guests");
  const listed = page.locator(`[data-testid="guest-row"][data-guest-name="${guestName}"]`);
  await expect(listed.getByTestId("guest-nic-address")).toHaveText(/^([0-9a-f]{2}:){5}[0-9a-f]{2} user networking$/);
  await listed.getByTestId("guest-console-link").click();
  await expect(page).toHaveURL(new RegExp(`/guests/${guestId}/console$`));
  await expect(page.getByTestId("console").getByTestId("console-state").locator("[data-phase]")).toHaveAttribute("data-phase", "live");
  await expect(row(page, new RegExp(BANNER))).not.toHaveCount(0);
  const viewport = page.viewportSize();
  const term = await page.getByTestId("console-terminal").boundingBox();
  expect(viewport && term ? viewport.height - (term.y + term.height) : -1).toBeGreaterThanOrEqual(0);
  expect(viewport && term ? viewport.height - (term.y + term.height) : 999).toBeLessThan(48);

  const second = await browser.newContext({ baseURL, storageState: adminStateFile() });
  const other = await second.newPage();
  await other.goto(`/guests/${guestId}/console`);
  await expect(other.getByTestId("console-state").locator("[data-phase]")).toHaveAttribute("data-phase", "live");

  await typeInConsole(page, "echo $((6*7))");
  await expect(row(page, /^\s*42\s*$/)).toHaveCount(1);
  await expect(row(other, /^\s*42\s*$/)).toHaveCount(1);
  await second.close();
});

test("a viewer sees the output but cannot type, in the page or on the raw socket", async ({ page, browser, baseURL }) => {
  await page.goto(`/guests/${guestId}/console`);
  await expect(page.getByTestId("console-state").locator("[data-phase]")).toHaveAttribute("data-phase", "live");

  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const vp = await context.newPage();
  await signIn(vp, viewer);
  await vp.goto(`/guests/${guestId}/console`);
  await expect(vp.getByTestId("console-state").locator("[data-phase]")).toHaveAttribute("data-phase", "live");
  await expect(vp.getByTestId("console-read-only")).toBeVisible();
  await typeInConsole(page, "echo both-$((2+3))");
  await expect(row(vp, /^\s*both-5\s*$/)).toHaveCount(1);
  await typeInConsole(vp, "echo viewer-$((1+1))");

  const refusal = await vp.evaluate(async (id) => {
    const r = await fetch("/api/trpc/guests.consoleTicket", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { id } }),
    });
    const body = (await r.json()) as { result: { data: { json: { path: string; canWrite: boolean } } } };
    const { path, canWrite } = body.result.data.json;
    const ws = new WebSocket(`ws://${location.host}${path}`);
    const message = await new Promise<string>((resolve, reject) => {
      ws.onmessage = (ev) => {
        if (typeof ev.data !== "string") return;
        const msg = JSON.parse(ev.data) as { type: string; state?: string; message?: string };
        if (msg.type === "state" && msg.state === "live") ws.send(new TextEncoder().encode("echo viewer-$((1+1))\r"));
        if (msg.type === "error") resolve(msg.message ?? "");
      };
      ws.onclose = () => reject(new Error("closed before refusing"));
      setTimeout(() => reject(new Error("no refusal within 10 s")), 10_000);
    });
    ws.close();
    return { canWrite, message };
  }, guestId);
  expect(refusal.canWrite).toBe(false);
  expect(refusal.message).toMatch(/read-only/);

  await page.waitForTimeout(3000);
  await expect(row(page, /viewer-2/)).toHaveCount(0);
  await context.close();
});

test("shut it down (ACPI) and see shut-off, then delete it", async ({ page }) => {
  await page.goto(`/guests/${guestId}`);
  await expect(guestState(page)).toHaveAttribute("data-state", "running");
  await runGuestAction(page, "shutdown");
  await expect(guestState(page)).toHaveAttribute("data-state", "shut-off");

  await page.getByTestId("guest-action-delete").click();
  const panel = page.getByTestId("guest-action-panel");
  await expect(panel.getByTestId("plan-preview")).toBeVisible();
  await expect(panel.getByTestId("guest-action-run")).toBeDisabled();
  await panel.getByLabel(/Type the guest's name/).fill(guestName);
  await panel.getByTestId("guest-action-run").click();
  await expect(page).toHaveURL(/\/guests$/);
  await expect(page.locator(`[data-testid="guest-row"][data-guest-name="${guestName}"]`)).toHaveCount(0);
});
