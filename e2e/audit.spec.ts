import { expect, test } from "@playwright/test";
import { addHost, checkHostKey, confirmHostKey } from "./helpers/hosts";
import { randomName } from "./helpers/names";
import { readRunState } from "./helpers/run-state";

// Reads in the audit log: opening a host's network page is one "read" row, not a row per
// command; expanding it lists every command with its exit status and outcome (an absent
// routing-table file reads "absent", not failed); the command search finds the row by a
// command inside it.

const hostName = randomName("audhost");

test("opening the network page is one read row, its commands expandable and searchable", async ({ page }) => {
  const { labHost: lab } = readRunState();
  const hostId = await addHost(page, {
    name: hostName,
    address: lab.address,
    port: lab.port,
    runDir: lab.runDir,
    configRoot: `${lab.dir}/etc-audit`,
    privateKey: lab.privateKey,
  });
  await checkHostKey(page);
  await confirmHostKey(page);
  await page.goto(`/hosts/${hostId}/network`);
  await expect(page.getByTestId("network-host-name")).toHaveText(hostName);

  await page.goto("/audit");
  await page.getByLabel("Host").selectOption({ label: hostName });
  await page.getByLabel("Kind").selectOption("command");
  // No command of a read has a row of its own.
  await expect(page.getByTestId("audit-command").getByText("iptables-save -c", { exact: true })).toHaveCount(0);
  await page.getByLabel("Kind").selectOption("read");
  await page.getByLabel("Command").fill("iptables-save");
  // One row per read: the page may have read more than once (a refetch on mount), never one row per command.
  const row = page.locator('[data-testid="audit-row"][data-action="network.read"]').first();
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute("data-outcome", "ok");
  await expect(row.getByTestId("audit-read-summary")).toContainText(/\d+ commands: /);
  await row.getByTestId("audit-expand").click();
  const commands = page.getByTestId("audit-read-command");
  expect(await commands.count()).toBeGreaterThanOrEqual(11);
  await expect(
    commands.filter({ has: page.getByTestId("audit-read-argv").getByText("iptables-save -c", { exact: true }) }),
  ).toHaveAttribute("data-outcome", "ok");
  const absent = commands.filter({
    has: page.getByTestId("audit-read-argv").getByText(`cat ${lab.dir}/etc-audit/etc/iproute2/rt_tables.d/labdeck.conf`, { exact: true }),
  });
  await expect(absent).toHaveAttribute("data-outcome", "absent");
  await expect(absent.getByTestId("audit-read-note")).toContainText("optional");

  await page.getByLabel("Command").fill("no-such-command-anywhere");
  await expect(page.getByTestId("audit-row")).toHaveCount(0);
});
