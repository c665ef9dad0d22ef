import { expect, type Page } from "@playwright/test";

export interface Credentials {
  username: string;
  password: string;
}

export async function signIn(page: Page, who: Credentials): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("User name", { exact: true }).fill(who.username);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("current-user")).toHaveText(who.username);
}

/** As an admin: adds a team member on the Users page and waits for their row. */
export async function createUser(page: Page, user: Credentials & { role: "viewer" | "operator" | "admin" }): Promise<void> {
  await page.goto("/users");
  await page.getByLabel("User name", { exact: true }).fill(user.username);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByLabel("Role", { exact: true }).selectOption(user.role);
  await page.getByTestId("user-create-submit").click();
  const row = page.locator(`[data-testid="user-row"][data-username="${user.username}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("user-role")).toHaveValue(user.role);
}
