import { expect, test } from "@playwright/test";
import { addHost, checkHostKey, confirmHostKey } from "./helpers/hosts";
import { labHost } from "./helpers/lab-host";
import { randomName } from "./helpers/names";
import { readRunState } from "./helpers/run-state";
import { createScratchDir } from "./helpers/scratch";

// The first-host journey against a real sshd: add, confirm the host key, probe, make a
// change through plan -> job -> audit, and read the change back on the host itself.

test.describe.configure({ mode: "serial" });

const hostName = randomName("lab");
const scratchName = randomName("exp");
let hostId = "";
let jobId = "";

test("add the harness host with a pasted private key", async ({ page }) => {
  const { labHost: lab } = readRunState();
  hostId = await addHost(page, {
    name: hostName,
    address: lab.address,
    port: lab.port,
    runDir: lab.runDir,
    configRoot: `${lab.dir}/etc-root`,
    privateKey: lab.privateKey,
  });
  await expect(page.getByTestId("host-key-status").first()).toHaveText("not confirmed");
  await expect(page.getByTestId("public-key")).toContainText(lab.publicKey.split(" ")[1] ?? "");
  await page.goto("/");
  await expect(page.locator(`[data-testid="host-row"][data-host-name="${hostName}"]`)).toContainText(`${lab.address}:${lab.port}`);
});

test("check and confirm the host key; the probe fills the capability matrix", async ({ page }) => {
  const lab = labHost();
  await page.goto(`/hosts/${hostId}`);
  await expect(page.getByTestId("capabilities-card")).toContainText("never been probed");
  expect(await checkHostKey(page)).toBe(lab.hostKeyFingerprint);
  await confirmHostKey(page);
  await expect(page.getByTestId("pinned-fingerprint")).toHaveText(lab.hostKeyFingerprint);

  const caps = page.getByTestId("capabilities-card");
  await expect(caps.getByTestId("job-inline").getByTestId("job-status").locator("[data-status]")).toHaveAttribute(
    "data-status",
    "succeeded",
    { timeout: 60_000 },
  );
  const arch = (await lab.execInNs(["uname", "-m"])).stdout.trim();
  const kernel = (await lab.execInNs(["uname", "-r"])).stdout.trim();
  await expect(caps.getByTestId("cap-arch-value")).toHaveText(arch);
  await expect(caps.getByTestId("cap-kernel-value")).toHaveText(kernel);
  await expect(caps.getByTestId("cap-tun")).toHaveAttribute("data-status", /yes|no/);
  await expect(caps.getByTestId("probed-at")).toContainText("Probed at");
});

test("create a scratch directory: Show commands, Apply, job succeeds, directory exists", async ({ page }) => {
  const lab = labHost();
  await page.goto(`/hosts/${hostId}`);
  await expect(page.getByTestId("scratch-card")).toHaveCount(0);
  await page.getByTestId("host-tools-link").click();
  await expect(page.getByTestId("scratch-card").getByText("No scratch directories.")).toBeVisible();
  jobId = await createScratchDir(page, { name: scratchName, runDir: lab.runDir });
  const onHost = await lab.execInNs(["test", "-d", `${lab.runDir}/scratch/${scratchName}`]);
  expect(onHost.code, `${lab.runDir}/scratch/${scratchName} should exist on the host`).toBe(0);
});

test("the job view shows the succeeded job with its steps", async ({ page }) => {
  const lab = labHost();
  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByTestId("job-title")).toHaveText(`Create scratch directory ${scratchName}`);
  await expect(page.getByTestId("job-status").locator("[data-status]")).toHaveAttribute("data-status", "succeeded");
  const steps = page.getByTestId("job-step");
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0).getByTestId("step-argv")).toHaveText(`$ mkdir -p -- ${lab.runDir}/scratch`);
  await expect(steps.nth(1).getByTestId("step-argv")).toHaveText(`$ mkdir -- ${lab.runDir}/scratch/${scratchName}`);
  for (const i of [0, 1]) await expect(steps.nth(i).getByTestId("step-exit")).toHaveText("exit 0");
  await expect(page.getByTestId("job-cancel")).toHaveCount(0);
});

test("the audit log lists the commands the job ran", async ({ page }) => {
  const lab = labHost();
  await page.goto("/audit");
  await page.getByLabel("Host").selectOption({ label: hostName });
  await page.getByLabel("Kind").selectOption("command");
  const command = `mkdir -- ${lab.runDir}/scratch/${scratchName}`;
  const row = page.getByTestId("audit-row").filter({ has: page.getByTestId("audit-command").getByText(command, { exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-outcome", "ok");
  await expect(row.locator("td").nth(5)).toHaveText("0");
  await expect(page.getByTestId("audit-command").getByText("uname -m", { exact: true })).toHaveCount(1);
  await page.getByLabel("Kind").selectOption("inventory");
  await expect(page.getByTestId("audit-row").filter({ hasText: "host.pin" })).toContainText(lab.hostKeyFingerprint);
});
