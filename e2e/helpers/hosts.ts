import { expect, type Page } from "@playwright/test";

export interface NewHost {
  name: string;
  address: string;
  port?: number;
  username?: string;
  runDir?: string;
  /** Where network persistence files go; a lab host shares this machine's /etc, so tests give a dir of its own. */
  configRoot?: string;
  /** Omitted: Labdeck generates the key pair. */
  privateKey?: string;
}

/** Adds a host through /hosts/new and returns its id (the host page it lands on). */
export async function addHost(page: Page, host: NewHost): Promise<string> {
  await page.goto("/");
  await page.getByTestId("add-host").click();
  await page.getByLabel("Name", { exact: true }).fill(host.name);
  await page.getByLabel("Address", { exact: true }).fill(host.address);
  if (host.port !== undefined) await page.getByLabel("SSH port", { exact: true }).fill(String(host.port));
  if (host.username !== undefined) await page.getByLabel("SSH user", { exact: true }).fill(host.username);
  if (host.runDir !== undefined) await page.getByLabel("Run directory", { exact: true }).fill(host.runDir);
  if (host.configRoot !== undefined) await page.getByLabel("Persistence root", { exact: true }).fill(host.configRoot);
  if (host.privateKey !== undefined) {
    await page.getByTestId("key-source-paste").check();
    await page.getByLabel("Private key", { exact: true }).fill(host.privateKey);
  } else {
    await page.getByTestId("key-source-generate").check();
  }
  await page.getByTestId("host-form-submit").click();
  await expect(page).toHaveURL(/\/hosts\/(?!new)[^/]+$/);
  await expect(page.getByTestId("host-name")).toHaveText(host.name);
  const id = new URL(page.url()).pathname.split("/").pop();
  if (!id) throw new Error(`no host id in ${page.url()}`);
  return id;
}

/** On a host page: "Check host key", returns the fingerprint shown (not yet pinned). */
export async function checkHostKey(page: Page): Promise<string> {
  await page.getByTestId("scan-host-key").click();
  const fingerprint = page.getByTestId("presented-fingerprint");
  await expect(fingerprint).toHaveText(/^SHA256:/);
  return (await fingerprint.textContent()) ?? "";
}

export async function confirmHostKey(page: Page): Promise<void> {
  await page.getByTestId("pin-host-key").click();
  await expect(page.getByTestId("pinned-fingerprint")).toBeVisible();
}
