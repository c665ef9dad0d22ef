import { expect, test, type Locator, type Page } from "@playwright/test";
import { createUser, signIn } from "./helpers/auth";
import { fillKernelGuest, runGuestAction } from "./helpers/guests";
import { addHost, checkHostKey, confirmHostKey } from "./helpers/hosts";
import { labHost } from "./helpers/lab-host";
import { randomName } from "./helpers/names";
import { adminStateFile, readRunState } from "./helpers/run-state";
import { tinyGuestPaths } from "./helpers/tiny-guest";

// The topology editor against the real harness host: draw a bridge with NAT for two
// guests, preview, apply under the automatic rollback and keep the change; read the
// result back on the host itself; a second session sees it without reloading; a change
// made behind Labdeck's back shows as drift and is reverted; a viewer sees it all but
// can change nothing; finally the bridge is removed again from the canvas.

test.describe.configure({ mode: "serial" });

const hostName = randomName("nethost");
const guestNames = [randomName("neta"), randomName("netb")];
const BRIDGE = "labbr0";
let hostId = "";
const TRUTH_BRIDGE = "truthbr0";
const TRUTH_TAP = "truthtap0";

const node = (page: Page, id: string): Locator => page.getByTestId(id);
const jobStatus = (scope: Locator) => scope.getByTestId("job-inline").getByTestId("job-status").locator("[data-status]");

/** Click-to-connect: one handle, then the other (React Flow's connectOnClick). */
async function connect(from: Locator, to: Locator): Promise<void> {
  await from.click();
  await to.click();
}

async function applyAndKeep(page: Page): Promise<void> {
  const panel = page.getByTestId("pending-panel");
  await panel.getByTestId("pending-apply").click();
  await expect(jobStatus(panel)).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  const banner = page.getByTestId("rollback-banner");
  await expect(banner).toBeVisible();
  await expect(banner.getByTestId("rollback-countdown")).toHaveText(/^\d+$/);
  await banner.getByTestId("confirm-change").click();
  await expect(page.getByTestId("change-confirmed")).toBeVisible();
}

test.afterAll(async () => {
  // Only if a step failed half-way: leave the shared harness host as the other specs expect it.
  const lab = labHost();
  await lab.execInNs(["ip", "link", "del", "rogue0"]);
  await lab.execInNs(["ip", "link", "del", BRIDGE]);
  for (const name of [TRUTH_BRIDGE, TRUTH_TAP]) await lab.execInNs(["ip", "link", "del", name]);
  await lab.execInNs(["ip", "rule", "del", "pref", "2200"]);
  await lab.execInNs(["ip", "route", "flush", "table", "122"]);
});

test("a host with two stopped guests on user-mode networking", async ({ page }) => {
  const { labHost: lab } = readRunState();
  hostId = await addHost(page, {
    name: hostName,
    address: lab.address,
    port: lab.port,
    runDir: lab.runDir,
    configRoot: `${lab.dir}/etc-network`,
    privateKey: lab.privateKey,
  });
  await checkHostKey(page);
  await confirmHostKey(page);
  const tiny = tinyGuestPaths(lab.runDir);
  for (const name of guestNames) {
    await page.goto("/guests/new");
    await fillKernelGuest(page, {
      hostLabel: `${hostName} (${lab.address})`,
      name,
      kernel: tiny.kernel,
      initrd: tiny.initrd,
      append: "console=ttyS0 quiet",
    });
    await page.getByTestId("wizard-submit").click();
    await expect(page.getByTestId("guest-name")).toHaveText(name);
  }
  await page.goto(`/hosts/${hostId}`);
  await page.getByTestId("host-network-link").click();
  await expect(page).toHaveURL(new RegExp(`/hosts/${hostId}/network$`));
  await expect(node(page, "node-link-eth0")).toBeVisible();
  for (const name of guestNames) await expect(node(page, `node-guest-${name}`)).toContainText("user-mode");
});

test("draw a NATed bridge for both guests, preview, apply, keep; a second session sees it live", async ({ page, browser, baseURL }) => {
  await page.goto(`/hosts/${hostId}/network`);
  await expect(node(page, "node-link-eth0")).toBeVisible();
  const second = await browser.newContext({ baseURL, storageState: adminStateFile() });
  const other = await second.newPage();
  await other.goto(`/hosts/${hostId}/network`);
  await expect(node(other, "node-link-eth0")).toBeVisible();
  await expect(node(other, `node-link-${BRIDGE}`)).toHaveCount(0);

  await page.getByTestId("palette-add-bridge").click();
  const dialog = page.getByTestId("bridge-dialog");
  await dialog.getByLabel("Name", { exact: true }).fill(BRIDGE);
  await dialog.getByLabel("Address (CIDR)", { exact: true }).fill("192.168.2.1/24");
  await dialog.getByTestId("bridge-dialog-add").click();
  const bridge = node(page, `node-link-${BRIDGE}`);
  await expect(bridge).toHaveAttribute("data-status", "added");

  for (const name of guestNames) {
    await connect(node(page, `node-guest-${name}`).getByTestId("nic-handle-0"), bridge.getByTestId("handle-down"));
    await expect(node(page, `node-guest-${name}`)).toContainText(`→ ${BRIDGE}`);
  }
  await connect(bridge.getByTestId("handle-up"), node(page, "node-link-eth0").getByTestId("handle-nat"));
  await expect(node(page, "node-link-eth0").getByTestId("node-badge").filter({ hasText: "NAT 192.168.2.0/24" })).toHaveAttribute(
    "data-status",
    "added",
  );
  await expect(page.getByTestId("pending-edit")).toHaveCount(4);

  await page.getByTestId("pending-preview").click();
  const script = page.getByTestId("pending-panel").getByTestId("plan-script");
  await expect(script).toContainText(/ip link add (name )?labbr0 type bridge/);
  await expect(script).toContainText("MASQUERADE");
  await expect(page.getByTestId("rollback-note")).toContainText("confirm");
  await applyAndKeep(page);

  await expect(bridge).toHaveAttribute("data-status", "current");
  await expect(bridge.getByTestId("node-address")).toHaveText("192.168.2.1/24");
  await expect(node(page, "node-link-eth0").getByTestId("node-badge").filter({ hasText: "NAT 192.168.2.0/24" })).toHaveAttribute(
    "data-status",
    "current",
  );
  for (const name of guestNames) await expect(node(page, `node-guest-${name}`)).toContainText(`bridge ${BRIDGE}`);

  // The other session never reloaded: the server's change event made it read the host again.
  await expect(node(other, `node-link-${BRIDGE}`)).toHaveAttribute("data-status", "current");
  await expect(node(other, `node-link-${BRIDGE}`).getByTestId("node-address")).toHaveText("192.168.2.1/24");
  await second.close();

  const lab = labHost();
  const addr = JSON.parse((await lab.execInNs(["ip", "-j", "addr", "show", BRIDGE])).stdout) as {
    addr_info: { family: string; local: string; prefixlen: number }[];
  }[];
  expect(addr[0]?.addr_info).toContainEqual(expect.objectContaining({ family: "inet", local: "192.168.2.1", prefixlen: 24 }));
  const nat = (await lab.execInNs(["iptables-save", "-t", "nat"])).stdout;
  expect(nat).toMatch(/-A POSTROUTING -s 192\.168\.2\.0\/24 -o eth0 .*-j MASQUERADE/);
  expect((await lab.execInNs(["sysctl", "-n", "net.ipv4.ip_forward"])).stdout.trim()).toBe("1");
});

test("a bridge made behind Labdeck's back shows as drift, and Revert removes it", async ({ page }) => {
  const lab = labHost();
  await page.goto(`/hosts/${hostId}/network`);
  await expect(node(page, `node-link-${BRIDGE}`)).toBeVisible();
  await expect(page.getByTestId("drift-item")).toHaveCount(0);

  expect((await lab.execInNs(["ip", "link", "add", "rogue0", "type", "bridge"])).code).toBe(0);
  await page.getByTestId("network-reread").click();
  await expect(node(page, "node-link-rogue0")).toBeVisible();
  await page.getByTestId("tab-drift").click();
  const item = page.getByTestId("drift-item").filter({ hasText: "rogue0" });
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute("data-change", "added");

  const tab = page.getByTestId("drift-tab");
  await tab.getByTestId("drift-revert-preview").click();
  await expect(tab.getByTestId("drift-revert-panel").getByTestId("plan-script")).toContainText("rogue0");
  await tab.getByTestId("drift-revert").click();
  await expect(jobStatus(tab)).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("drift-item")).toHaveCount(0);
  await expect(node(page, "node-link-rogue0")).toHaveCount(0);
  expect((await lab.execInNs(["ip", "link", "show", "rogue0"])).code).not.toBe(0);
});

test("a viewer sees the topology, drift and firewall, with no way to change them", async ({ page, browser, baseURL }) => {
  const viewer = { username: randomName("netview").replace(/-/g, "_"), password: `pw-${randomName("v")}` };
  await createUser(page, { ...viewer, role: "viewer" });
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const vp = await context.newPage();
  await signIn(vp, viewer);
  await vp.goto(`/hosts/${hostId}/network`);
  await expect(node(vp, `node-link-${BRIDGE}`).getByTestId("node-address")).toHaveText("192.168.2.1/24");
  for (const id of ["palette-add-bridge", "pending-panel", "portforward-eth0", "drift-adopt"])
    await expect(vp.getByTestId(id)).toHaveCount(0);
  await vp.getByTestId("tab-firewall").click();
  await expect(vp.getByTestId("fw-rule-text").first()).toBeVisible();
  await expect(vp.getByTestId("fw-append")).toHaveCount(0);
  await context.close();
});

test("removing the bridge on the canvas detaches the guests and drops its NAT", async ({ page }) => {
  await page.goto(`/hosts/${hostId}/network`);
  const bridge = node(page, `node-link-${BRIDGE}`);
  await bridge.getByTestId("node-name").click();
  await page.getByTestId("canvas-remove-selected").click();
  await expect(bridge).toHaveAttribute("data-status", "removed");
  await expect(page.getByTestId("pending-edit")).toHaveCount(4);
  await page.getByTestId("pending-preview").click();
  await expect(page.getByTestId("pending-panel").getByTestId("plan-script")).toContainText(`ip link del dev ${BRIDGE}`);
  await applyAndKeep(page);
  await expect(bridge).toHaveCount(0);
  for (const name of guestNames) await expect(node(page, `node-guest-${name}`)).toContainText("user-mode");

  const lab = labHost();
  expect((await lab.execInNs(["ip", "link", "show", BRIDGE])).code).not.toBe(0);
  expect((await lab.execInNs(["iptables-save", "-t", "nat"])).stdout).not.toContain("192.168.2.0/24");
});

test("the editor tells the truth: new nodes in view, handle clicks answer, every bridge timer, statuses and counts as planned", async ({
  page,
}) => {
  await page.goto(`/hosts/${hostId}/network`);
  await expect(node(page, "node-link-eth0")).toBeVisible();
  // Panned away from the nodes: a new node must still come into view.
  const box = await page.getByTestId("network-canvas").boundingBox();
  if (!box) throw new Error("no canvas");
  // Grab the pane itself (not a node, the palette or the controls) near the right edge.
  const grab = await page.evaluate(
    ({ x, y, w, h }) => {
      for (let dx = 40; dx < w / 2; dx += 20)
        for (let dy = 40; dy < h - 40; dy += 20) {
          const el = document.elementFromPoint(x + w - dx, y + dy);
          if (el?.classList.contains("react-flow__pane")) return { x: x + w - dx, y: y + dy };
        }
      return null;
    },
    { x: box.x, y: box.y, w: box.width, h: box.height },
  );
  if (!grab) throw new Error("no empty pane to grab");
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x - box.width, grab.y - box.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(node(page, "node-link-eth0")).not.toBeInViewport();

  await page.getByTestId("palette-add-bridge").click();
  const dialog = page.getByTestId("bridge-dialog");
  await dialog.getByLabel("Name", { exact: true }).fill(TRUTH_BRIDGE);
  await dialog.getByTestId("bridge-stp").check();
  await dialog.getByLabel("Forward delay (seconds)").fill("4");
  await dialog.getByLabel("Hello time (seconds)").fill("1");
  await dialog.getByLabel("Max age (seconds)").fill("12");
  await dialog.getByTestId("bridge-dialog-add").click();
  const bridge = node(page, `node-link-${TRUTH_BRIDGE}`);
  await expect(bridge).toBeInViewport();

  await page.getByTestId("palette-add-tap").click();
  await page.getByTestId("tap-dialog").getByLabel("Name", { exact: true }).fill(TRUTH_TAP);
  await page.getByTestId("tap-dialog").locator("button[type=submit]").click();
  const tap = node(page, `node-link-${TRUTH_TAP}`);
  await expect(tap).toBeInViewport();

  // One click on a handle says what it started; the second, on the bridge, draws the line.
  await tap.getByTestId("handle-up").click();
  await expect(page.getByTestId("canvas-hint")).toContainText(`Connecting from tap ${TRUTH_TAP}`);
  await bridge.getByTestId("handle-down").click();
  await expect(page.getByTestId("canvas-hint")).toHaveCount(0);
  await expect(page.getByTestId("pending-edit")).toHaveCount(3);

  await page.getByTestId("pending-preview").click();
  const panel = page.getByTestId("pending-panel");
  await expect(panel.getByTestId("plan-script")).toContainText("hello_time 100");
  await expect(panel.getByTestId("plan-script")).toContainText("max_age 1200");
  await expect(panel.getByTestId("pending-op").filter({ hasText: /already (up|so)/ })).toHaveCount(0);
  await expect(panel.getByTestId("pending-count")).toHaveText("3 edit(s), not applied yet; 3 of them change the host");
  await panel.getByTestId("pending-apply").click();
  await expect(panel.getByTestId("job-inline")).toContainText("(3 edits)");
  await expect(jobStatus(panel)).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(bridge).toHaveAttribute("data-status", "current");

  const lab = labHost();
  const info = JSON.parse((await lab.execInNs(["ip", "-j", "-d", "link", "show", TRUTH_BRIDGE])).stdout) as {
    linkinfo: { info_data: Record<string, number> };
  }[];
  expect(info[0]?.linkinfo.info_data).toMatchObject({ stp_state: 1, forward_delay: 400, hello_time: 100, max_age: 1200 });
  expect((await lab.execInNs(["ip", "-j", "link", "show", TRUTH_TAP])).stdout).toContain(`"master":"${TRUTH_BRIDGE}"`);
});

test("routes: a named table shows by name, the form follows it, copy main's routes is one edit, a rule's label has every selector", async ({
  page,
}) => {
  await page.goto(`/hosts/${hostId}/network`);
  await page.getByTestId("tab-routes").click();
  const name = "truth2";
  const names = page.getByTestId("rttable-add");
  await names.getByLabel("Number (1–252)").fill("122");
  await names.getByLabel("Name").fill(name);
  await names.locator("button[type=submit]").click();
  await page.getByTestId("pending-preview").click();
  await applyIfNeeded(page);

  await page.getByTestId(`route-table-${name}`).click();
  await expect(page.getByTestId("route-add").getByLabel("Table")).toHaveValue(name);
  await page.getByTestId("route-copy-main").click();
  await expect(page.getByTestId("pending-edit").last()).toContainText(
    `Copy the main table's routes into table ${name}, except the default`,
  );
  const rule = page.getByTestId("iprule-add");
  await rule.getByLabel("Priority").fill("2200");
  await rule.getByLabel("From").fill("192.168.9.0/24");
  await rule.getByLabel("To").fill("10.9.0.0/16");
  await rule.getByLabel("In interface").fill("eth0");
  await rule.getByLabel("fwmark").fill("2");
  await rule.getByLabel("Table").fill("122");
  await rule.locator("button[type=submit]").click();
  await expect(page.getByTestId("pending-edit").last()).toHaveText(
    new RegExp(`Add ip rule 2200: from 192.168.9.0/24 to 10.9.0.0/16 iif eth0 fwmark 0x2 lookup ${name}`),
  );
  await page.getByTestId("pending-preview").click();
  await applyAndKeep(page);

  const lab = labHost();
  // The host's ip knows no name for 122 (it lives under the test host's persistence root) ...
  expect((await lab.execInNs(["ip", "route", "show", "table", "122"])).stdout).toMatch(/\/30 dev eth0/);
  expect((await lab.execInNs(["ip", "rule", "show"])).stdout).toMatch(/^2200:.*lookup 122/m);
  // ... and Labdeck still shows it by name.
  await expect(page.getByTestId("iprule-row").filter({ hasText: "2200" })).toContainText(`lookup ${name}`);
  await expect(page.getByTestId(`route-table-${name}`)).toBeVisible();
  await expect(page.getByTestId("route-table-122")).toHaveCount(0);
});

test("a running guest on user-mode networking is drawn running; persistence says when the files are stale", async ({ page }) => {
  const { labHost: lab } = readRunState();
  const tiny = tinyGuestPaths(lab.runDir);
  const name = randomName("netrun");
  await page.goto("/guests/new");
  await fillKernelGuest(page, {
    hostLabel: `${hostName} (${lab.address})`,
    name,
    kernel: tiny.kernel,
    initrd: tiny.initrd,
    append: "console=ttyS0 quiet",
  });
  await page.getByTestId("wizard-submit").click();
  await expect(page.getByTestId("guest-name")).toHaveText(name);
  const guestUrl = page.url();
  await runGuestAction(page, "start");
  await page.goto(`/hosts/${hostId}/network`);
  await expect(node(page, `node-guest-${name}`).getByTestId("guest-state")).toHaveText("running");

  await page.getByTestId("tab-persistence").click();
  const files = page.getByTestId("persistence-file");
  await expect(files.first()).toHaveAttribute("data-state", "missing");
  await page.getByTestId("persistence-write").click();
  await expect(files.first()).toHaveAttribute("data-state", "current", { timeout: 60_000 });
  await expect(files.filter({ hasText: "/etc/network/interfaces.d/labdeck" })).toContainText(
    "Written by Labdeck when someone writes the Persistence tab's files",
  );
  // A change behind the files' back: the tab says they are stale, and what differs.
  await labHost().execInNs(["ip", "addr", "add", "192.168.77.1/24", "dev", TRUTH_BRIDGE]);
  await page.reload();
  await page.getByTestId("tab-persistence").click();
  const interfaces = files.filter({ hasText: "/etc/network/interfaces.d/labdeck" });
  await expect(interfaces).toHaveAttribute("data-state", "stale");
  await expect(interfaces.getByTestId("persistence-diff")).toContainText("address 192.168.77.1/24");
  await page.goto(guestUrl);
  await runGuestAction(page, "force-stop");
});

/** Applies what is pending; confirms when the change was armed with a rollback. */
async function applyIfNeeded(page: Page): Promise<void> {
  const panel = page.getByTestId("pending-panel");
  await panel.getByTestId("pending-apply").click();
  await expect(jobStatus(panel)).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  const banner = page.getByTestId("rollback-banner");
  if (await banner.isVisible()) await banner.getByTestId("confirm-change").click();
}
