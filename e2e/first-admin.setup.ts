import { expect, test as setup } from "@playwright/test";
import { signIn } from "./helpers/auth";
import { adminStateFile, readRunState } from "./helpers/run-state";

// Runs before every spec (the "setup" project): a fresh Labdeck sends its first visitor to
// /setup; the admin made there signs out and in again, and the session is saved for the specs.

setup("create the first admin at /setup, sign out and sign in", async ({ page }) => {
  const { admin } = readRunState();
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel("Admin user name").fill(admin.username);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Confirm password").fill(admin.password);
  await page.getByTestId("setup-submit").click();
  await expect(page.getByTestId("current-user")).toHaveText(admin.username);
  await expect(page.getByTestId("current-role")).toHaveText("admin");

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/setup");
  await expect(page.getByText("Labdeck is already set up")).toBeVisible();

  await signIn(page, admin);
  await page.context().storageState({ path: adminStateFile() });
});
