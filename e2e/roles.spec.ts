import { expect, test } from "@playwright/test";
import { createUser, signIn } from "./helpers/auth";
import { addHost } from "./helpers/hosts";
import { randomName } from "./helpers/names";

// Roles are enforced by the server; the UI only hides what a role cannot use. Both are
// checked: a viewer sees no change controls, and a hand-made tRPC call is refused.

test("a viewer sees no change controls and the server refuses a viewer's host.create", async ({ page, browser, baseURL }) => {
  const viewer = { username: randomName("viewer"), password: `pw-${randomName("v")}` };
  const hostName = randomName("idle");
  await createUser(page, { ...viewer, role: "viewer" });
  const hostId = await addHost(page, { name: hostName, address: "192.0.2.10" });

  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const vp = await context.newPage();
  await signIn(vp, viewer);
  await expect(vp.getByTestId("current-role")).toHaveText("viewer");
  await expect(vp.locator(`[data-testid="host-row"][data-host-name="${hostName}"]`)).toBeVisible();
  await expect(vp.getByTestId("add-host")).toHaveCount(0);
  await expect(vp.getByTestId("nav-users")).toHaveCount(0);

  await vp.goto(`/hosts/${hostId}`);
  await expect(vp.getByTestId("host-name")).toHaveText(hostName);
  await expect(vp.getByText("An operator must confirm this host's key.")).toBeVisible();
  for (const id of ["host-edit", "host-remove", "scan-host-key", "probe-refresh", "host-tools-link", "scratch-show-commands"]) {
    await expect(vp.getByTestId(id)).toHaveCount(0);
  }

  const forbiddenName = randomName("sneaky");
  const res = await vp.evaluate(async (name) => {
    const r = await fetch("/api/trpc/hosts.create", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { name, address: "192.0.2.11", key: { source: "generate" } } }),
    });
    return { status: r.status, body: (await r.json()) as { error?: { json?: { data?: { code?: string } } } } };
  }, forbiddenName);
  expect(res.status).toBe(403);
  expect(res.body.error?.json?.data?.code).toBe("FORBIDDEN");

  await vp.goto("/users");
  await expect(vp.getByTestId("users-needs-admin")).toBeVisible();
  await context.close();

  await page.goto("/");
  await expect(page.locator(`[data-testid="host-row"][data-host-name="${hostName}"]`)).toBeVisible();
  await expect(page.locator(`[data-testid="host-row"][data-host-name="${forbiddenName}"]`)).toHaveCount(0);
});

test("demoting a signed-in operator signs them out at once, live page included", async ({ page, browser, baseURL }) => {
  const operator = { username: randomName("oper"), password: `pw-${randomName("o")}` };
  await createUser(page, { ...operator, role: "operator" });

  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const op = await context.newPage();
  await signIn(op, operator);
  // The network page holds a live subscription (network.watch) open.
  await op.goto("/network");
  await expect(op.getByTestId("current-role")).toHaveText("operator");

  await page.goto("/users");
  const row = page.locator(`[data-testid="user-row"][data-username="${operator.username}"]`);
  await row.getByTestId("user-role").selectOption("viewer");
  await expect(row.getByTestId("user-role")).toHaveValue("viewer");

  // No reload, no navigation: the ended stream is what tells the page.
  await expect(op).toHaveURL(/\/sign-in/, { timeout: 5_000 });
  await context.close();
});
