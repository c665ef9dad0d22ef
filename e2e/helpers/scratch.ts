import { expect, type Page } from "@playwright/test";

/** On a host page: Show commands, check the plan, Apply; resolves with the job's id once it succeeded. */
export async function createScratchDir(page: Page, opts: { name: string; runDir: string }): Promise<string> {
  const card = page.getByTestId("scratch-card");
  await card.getByLabel("New directory name").fill(opts.name);
  await card.getByTestId("scratch-show-commands").click();
  const preview = card.getByTestId("plan-preview");
  await expect(preview.getByTestId("plan-step")).toHaveCount(2);
  await expect(preview.getByTestId("plan-step-argv").nth(1)).toHaveText(`$ mkdir -- ${opts.runDir}/scratch/${opts.name}`);
  await expect(preview.getByTestId("plan-script")).toContainText(`mkdir -- ${opts.runDir}/scratch/${opts.name}`);
  await card.getByTestId("apply-plan").click();
  const job = card.getByTestId("job-inline");
  await expect(job.getByTestId("job-status").locator("[data-status]")).toHaveAttribute("data-status", "succeeded");
  const jobId = await job.getAttribute("data-job-id");
  if (!jobId) throw new Error("the applied job has no id");
  await expect(card.getByTestId(`scratch-item-${opts.name}`)).toBeVisible();
  return jobId;
}
