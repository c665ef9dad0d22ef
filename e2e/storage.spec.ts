import { expect, test, type Locator, type Page } from "@playwright/test";
import { createUser, signIn } from "./helpers/auth";
import { addHost, checkHostKey, confirmHostKey } from "./helpers/hosts";
import { execOnVm } from "./helpers/lab-vm";
import { randomName } from "./helpers/names";
import { readRunState } from "./helpers/run-state";

// The storage page against the lab VM (a real Debian host with LVM and an empty 2 GiB
// disk): add it as a host, make a VG on the free disk and an ext4 LV mounted from the
// page, grow it and see the new size, try a shrink below the space in use and see the
// refusal on the size field, and read every effect back with lvs/findmnt over the VM's
// own SSH. A viewer sees the same page with no way to change anything.

test.describe.configure({ mode: "serial" });

const hostName = randomName("storvm");
const VG = "e2evg";
const LV = "data";
const MOUNT = "/mnt/e2edata";
const MiB = 2 ** 20;
let hostId = "";

const panel = (page: Page): Locator => page.getByTestId("storage-op-panel");
const lvRow = (page: Page): Locator => page.locator(`[data-testid="lv-row"][data-lv="${VG}/${LV}"]`);
const jobStatus = (scope: Locator) => scope.getByTestId("job-inline").getByTestId("job-status").locator("[data-status]");

async function vmLvSize(): Promise<number> {
  const r = await execOnVm(["lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", "lv_size", `${VG}/${LV}`]);
  expect(r.code).toBe(0);
  return Number((JSON.parse(r.stdout) as { report: { lv: { lv_size: string }[] }[] }).report[0]?.lv[0]?.lv_size);
}

/** Preview (the script must show `expected`), Apply, and wait for the job to succeed. */
async function previewAndApply(page: Page, expected: string | RegExp): Promise<void> {
  const p = panel(page);
  await p.getByTestId("op-preview").click();
  await expect(p.getByTestId("plan-script")).toContainText(expected);
  await p.getByTestId("op-apply").click();
  await expect(jobStatus(p)).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
}

test("the lab VM added as a host shows its empty disk on the storage page", async ({ page }) => {
  const { labVm: vm } = readRunState();
  hostId = await addHost(page, {
    name: hostName,
    address: vm.address,
    port: vm.port,
    runDir: vm.runDir,
    configRoot: `${vm.runDir}/config-root`,
    privateKey: vm.privateKey,
  });
  expect(await checkHostKey(page)).toBe(vm.hostKeyFingerprint);
  await confirmHostKey(page);
  await page.getByTestId("host-storage-link").click();
  await expect(page).toHaveURL(new RegExp(`/hosts/${hostId}/storage$`));
  // The first read of a TCG lab VM on a loaded machine can take longer than the default wait.
  await expect(page.getByTestId("storage-host-name")).toHaveText(hostName, { timeout: 60_000 });
  const disk = page.locator('[data-testid="free-disk-row"][data-serial="labdeck-lvm"]');
  await expect(disk).toBeVisible({ timeout: 60_000 });
  await expect(disk.locator("[data-bytes]")).toHaveAttribute("data-bytes", String(2 * 2 ** 30));
  await expect(page.getByTestId("vg-row")).toHaveCount(0);
});

test("create a VG on the free disk, then an ext4 LV mounted from the page", async ({ page }) => {
  await page.goto(`/hosts/${hostId}/storage`);
  await page.locator('[data-testid="free-disk-row"][data-serial="labdeck-lvm"]').getByTestId("disk-vg-create").click();
  await panel(page).getByLabel("VG name", { exact: true }).fill(VG);
  await panel(page).getByLabel("Extent size", { exact: true }).fill("8M");
  await previewAndApply(page, new RegExp(`vgcreate -s 8M ${VG} /dev/vd[b-z]`));
  const vg = page.locator(`[data-testid="vg-row"][data-vg="${VG}"]`);
  await expect(vg.getByTestId("vg-extent-size")).toHaveAttribute("data-bytes", String(8 * MiB));
  await expect(page.locator('[data-testid="free-disk-row"][data-serial="labdeck-lvm"]')).toHaveCount(0);

  await vg.getByTestId("vg-lv-create").click();
  const p = panel(page);
  await p.getByLabel("LV name", { exact: true }).fill(LV);
  await p.getByLabel("Size", { exact: true }).fill("256M");
  await p.getByLabel("Filesystem", { exact: true }).selectOption("ext4");
  await p.getByLabel("Mount point", { exact: true }).fill(MOUNT);
  await previewAndApply(page, "mkfs.ext4");
  await expect(lvRow(page).getByTestId("lv-size")).toHaveAttribute("data-bytes", String(256 * MiB));
  await expect(lvRow(page).getByTestId("lv-size")).toHaveText("256 MiB");
  await expect(lvRow(page).getByTestId("lv-filesystem")).toHaveText("ext4");
  await expect(lvRow(page).getByTestId("lv-mounts")).toHaveText(MOUNT);

  expect(await vmLvSize()).toBe(256 * MiB);
  expect((await execOnVm(["findmnt", "-n", "-o", "SOURCE,FSTYPE", MOUNT])).stdout.trim()).toBe(`/dev/mapper/${VG}-${LV} ext4`);
});

test("grow the LV: the page shows the new size, and so does lvs", async ({ page }) => {
  await page.goto(`/hosts/${hostId}/storage`);
  await lvRow(page).getByTestId("lv-lv-grow").click();
  // Relative, as `lvextend -L +128M` takes it; the preview says the absolute result.
  await panel(page).getByLabel("New size", { exact: true }).fill("+128M");
  await previewAndApply(page, /from 256 MiB to 384 MiB/);
  await expect(lvRow(page).getByTestId("lv-size")).toHaveText("384 MiB");
  await expect(lvRow(page).getByTestId("lv-size-bytes")).toHaveText(`${384 * MiB} B`);
  expect(await vmLvSize()).toBe(384 * MiB);
  const df = await execOnVm(["df", "-B1", "--output=size,avail", MOUNT]);
  const [size = 0, avail = 0] = (df.stdout.trim().split("\n")[1] ?? "").trim().split(/\s+/).map(Number);
  expect(size).toBeGreaterThan(300 * MiB);
  await expect(lvRow(page).getByTestId("lv-fs-free")).toHaveAttribute("data-bytes", String(avail));
});

test("a shrink below the space in use is refused on the size field, and nothing changes", async ({ page }) => {
  expect((await execOnVm(["fallocate", "-l", "200M", `${MOUNT}/fill`])).code).toBe(0);
  await page.goto(`/hosts/${hostId}/storage`);
  await lvRow(page).getByTestId("lv-lv-shrink").click();
  const p = panel(page);
  await expect(p.getByTestId("op-notice")).toContainText("unmounts");
  await p.getByLabel("New size", { exact: true }).fill("128M");
  await p.getByLabel(`Type ${VG}/${LV} to confirm`, { exact: true }).fill("wrong/name");
  await p.getByTestId("op-preview").click();
  await expect(p.getByTestId("error-op-confirm")).toContainText(`${VG}/${LV}`);

  await p.getByLabel(`Type ${VG}/${LV} to confirm`, { exact: true }).fill(`${VG}/${LV}`);
  await p.getByTestId("op-preview").click();
  await expect(p.getByTestId("error-op-size")).toContainText("too small");
  await expect(p.getByTestId("op-size")).toHaveAttribute("aria-invalid", "true");
  await expect(p.getByTestId("op-apply")).toBeDisabled();
  await expect(p.getByTestId("storage-plan")).toHaveCount(0);

  expect(await vmLvSize()).toBe(384 * MiB);
  expect((await execOnVm(["findmnt", "-n", "-o", "TARGET", `/dev/mapper/${VG}-${LV}`])).stdout.trim()).toBe(MOUNT);
});

test("a viewer sees the storage page read-only", async ({ page, browser, baseURL }) => {
  const viewer = { username: randomName("stview").replace(/-/g, "_"), password: `pw-${randomName("v")}` };
  await createUser(page, { ...viewer, role: "viewer" });
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const other = await context.newPage();
  await signIn(other, viewer);
  await other.goto(`/hosts/${hostId}/storage`);
  await expect(lvRow(other).getByTestId("lv-size")).toHaveText("384 MiB");
  await expect(other.locator(`[data-testid="vg-row"][data-vg="${VG}"]`)).toBeVisible();
  await expect(other.getByRole("button", { name: /Grow|Shrink|Create|Remove|New image/ })).toHaveCount(0);
  await context.close();
});
