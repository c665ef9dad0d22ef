import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { signIn } from "./helpers/auth";
import { adminStateFile, readRunState, runDir } from "./helpers/run-state";

// Runs before every spec (the "setup" project): a fresh Labdeck sends its first visitor to
// /setup, which needs the one-time token the server wrote to <data dir>/setup-token (the
// config's LABDECK_DATA_DIR) even from loopback; the admin made there signs out and in
// again, and the session is saved for the specs.

setup("create the first admin at /setup with the setup token, sign out and sign in", async ({ page }) => {
  const { admin } = readRunState();
  const token = readFileSync(path.join(runDir(), "data", "setup-token"), "utf8").trim();
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel("Admin user name").fill(admin.username);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Confirm password").fill(admin.password);

  await page.getByLabel("Setup token").fill("not-the-token");
  await page.getByTestId("setup-submit").click();
  await expect(page.getByText(/setup token is missing or wrong/)).toBeVisible();

  await page.getByLabel("Setup token").fill(token);
  await page.getByTestId("setup-submit").click();
  await expect(page.getByTestId("current-user")).toHaveText(admin.username);
  await expect(page.getByTestId("current-role")).toHaveText("admin");

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/setup");
  // After setup the page says only that it is done: no form, no "has no users yet".
  await expect(page.getByTestId("setup-done")).toBeVisible();
  await expect(page.getByRole("heading")).toHaveText("Labdeck is set up");
  await expect(page.getByText(/no users yet|Create the first admin/)).toHaveCount(0);

  await signIn(page, admin);
  await page.context().storageState({ path: adminStateFile() });
});
