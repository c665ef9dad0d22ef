import { expect, type Locator, type Page } from "@playwright/test";

export interface KernelGuest {
  /** As the host select shows it: "name (address)". */
  hostLabel: string;
  name: string;
  kernel: string;
  initrd: string;
  append: string;
  memoryMiB?: number;
}

/** Fills the wizard for a custom-kernel TCG guest with one user-mode NIC (the default row). */
export async function fillKernelGuest(page: Page, g: KernelGuest): Promise<void> {
  const wizard = page.getByTestId("guest-wizard");
  await wizard.getByLabel("Host", { exact: true }).selectOption({ label: g.hostLabel });
  await wizard.getByLabel("Name", { exact: true }).fill(g.name);
  await wizard.getByLabel("Accelerator", { exact: true }).selectOption("tcg");
  await wizard.getByLabel("Memory (MiB)", { exact: true }).fill(String(g.memoryMiB ?? 256));
  await wizard.getByTestId("boot-kernel").check();
  await wizard.getByLabel("Kernel", { exact: true }).fill(g.kernel);
  await wizard.getByLabel("Initrd", { exact: true }).fill(g.initrd);
  await wizard.getByLabel("Kernel command line", { exact: true }).fill(g.append);
  await expect(wizard.getByTestId("nic-row")).toHaveCount(1);
  await expect(wizard.getByLabel("Network", { exact: true })).toHaveValue("user");
}

/** On a guest page: an action's Show commands → Run; resolves once its job ended with `status`. */
export async function runGuestAction(page: Page, action: string, status = "succeeded"): Promise<void> {
  await page.getByTestId(`guest-action-${action}`).click();
  const panel = page.getByTestId("guest-action-panel");
  await expect(panel.getByTestId("plan-preview")).toBeVisible();
  await panel.getByTestId("guest-action-run").click();
  await expect(panel.getByTestId("job-inline").getByTestId("job-status").locator("[data-status]")).toHaveAttribute("data-status", status, {
    timeout: 75_000,
  });
  await panel.getByTestId("guest-action-close").click();
}

export const guestState = (page: Page): Locator => page.getByTestId("guest-state").locator("[data-state]");

/** The terminal's rows as text (xterm's DOM renderer). */
export const terminalRows = (page: Page): Locator => page.getByTestId("console-terminal").locator(".xterm-rows > div");

export async function typeInConsole(page: Page, text: string): Promise<void> {
  await page.getByTestId("console-terminal").click();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}
