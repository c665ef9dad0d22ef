import { expect, test, type Page, type Request } from "@playwright/test";
import { addHost, checkHostKey, confirmHostKey } from "./helpers/hosts";
import { randomName } from "./helpers/names";
import { readRunState } from "./helpers/run-state";

// The guest list at more than a page of guests (issue 11), on the real harness host: the
// server pages, sorts and filters; the table keeps only the rows in view in the DOM; states
// are read for the rows in view only, with bounded POST requests (no ids in a URL). The
// guests are made through the API (the wizard is covered in guests.spec.ts) and removed at
// the end. Their names sort after every other spec's guests, so those stay on the first screen.

test.describe.configure({ mode: "serial" });

const COUNT = 120;
const hostName = randomName("listhost");
const prefix = `zz${randomName("l").slice(2)}`;
const nameOf = (i: number) => `${prefix}-${String(i).padStart(3, "0")}`;
const ids: string[] = [];

async function trpcPost(page: Page, path: string, input: unknown): Promise<unknown> {
  return page.evaluate(
    async ([p, body]) => {
      const r = await fetch(`/api/trpc/${p}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: body }),
      });
      const reply = (await r.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string } } };
      if (!reply.result) throw new Error(`${p}: ${reply.error?.json.message ?? r.status}`);
      return reply.result.data.json;
    },
    [path, input] as const,
  );
}

const rows = (page: Page) => page.getByTestId("guest-row");
const firstRow = (page: Page) => rows(page).first();

test("make a host with more guests than one page", async ({ page }) => {
  test.setTimeout(300_000);
  const { labHost: lab } = readRunState();
  const hostId = await addHost(page, {
    name: hostName,
    address: lab.address,
    port: lab.port,
    runDir: lab.runDir,
    privateKey: lab.privateKey,
  });
  await checkHostKey(page);
  await confirmHostKey(page);
  for (let i = 0; i < COUNT; i++) {
    const made = (await trpcPost(page, "guests.create", {
      hostId,
      definition: {
        name: nameOf(i),
        disks: [{ kind: "new-image", path: `${lab.runDir}/images/${nameOf(i)}.qcow2`, format: "qcow2", sizeBytes: 64 * 2 ** 20 }],
        nics: [{ model: "virtio", network: { kind: "user", forwards: [] } }],
      },
    })) as { id: string };
    ids.push(made.id);
  }
});

test("the list pages, sorts and filters on the server, and reads states for the rows in view", async ({ page }) => {
  const trpc: Request[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/trpc/")) trpc.push(r);
  });
  await page.goto("/guests");
  await page.getByTestId("guest-filter-name").fill(prefix);
  await expect(page.getByTestId("guest-total")).toHaveAttribute("data-total", String(COUNT));
  await expect(firstRow(page)).toHaveAttribute("data-guest-name", nameOf(0));
  // Virtualised: far fewer rows in the DOM than guests, and the ones in view show their state.
  expect(await rows(page).count()).toBeLessThan(COUNT / 2);
  await expect(firstRow(page).getByTestId("guest-state").locator("[data-state]")).toHaveAttribute("data-state", "shut-off");
  await expect(firstRow(page).getByTestId("guest-nic-address")).toHaveText(/^([0-9a-f]{2}:){5}[0-9a-f]{2} user networking$/);
  await expect(firstRow(page).getByTestId("guest-host")).toHaveText(hostName);

  // Sorted on the server: descending by name starts at the last guest.
  await page.getByTestId("guest-sort-name").click();
  await expect(firstRow(page)).toHaveAttribute("data-guest-name", nameOf(COUNT - 1));
  // Scrolled to the end: the second page is fetched and its rows get their states.
  await page.getByTestId("guest-list-scroll").evaluate((el) => (el.scrollTop = el.scrollHeight));
  const lastRow = page.locator(`[data-testid="guest-row"][data-guest-name="${nameOf(0)}"]`);
  await expect(lastRow).toBeVisible();
  await expect(lastRow.getByTestId("guest-state").locator("[data-state]")).toHaveAttribute("data-state", "shut-off");
  await expect(page.locator(`[data-testid="guest-row"][data-guest-name="${nameOf(COUNT - 1)}"]`)).toHaveCount(0);

  // Filters: name, host, and the states read so far (the rows that were in view).
  await page.getByTestId("guest-filter-name").fill(`${prefix}-11`);
  await expect(page.getByTestId("guest-total")).toHaveAttribute("data-total", "10");
  await page.getByTestId("guest-filter-host").selectOption({ label: hostName });
  await expect(page.getByTestId("guest-total")).toHaveAttribute("data-total", "10");
  await expect(rows(page)).toHaveCount(10);
  for (const r of await rows(page).all())
    await expect(r.getByTestId("guest-state").locator("[data-state]")).toHaveAttribute("data-state", "shut-off");
  await page.getByTestId("guest-filter-state").selectOption("shut-off");
  await expect(page.getByTestId("guest-total")).toHaveAttribute("data-total", "10");
  await page.getByTestId("guest-filter-state").selectOption("running");
  await expect(page.getByText("No guest matches these filters.")).toBeVisible();

  // No list or state request carried its input in the URL, and none asked for more states than one chunk.
  const listCalls = trpc.filter((r) => /guests\.(page|states)/.test(r.url()));
  expect(listCalls.length).toBeGreaterThan(0);
  for (const r of listCalls) {
    expect(r.method(), r.url()).toBe("POST");
    expect(r.url()).not.toContain("input=");
    expect(r.url().length).toBeLessThan(300);
  }
  const stateIds = listCalls
    .filter((r) => r.url().includes("guests.states"))
    .flatMap((r) => {
      // A batch names its procedures in the path, in the order of the body's keys 0, 1, …
      const names = (new URL(r.url()).pathname.split("/").pop() ?? "").split(",");
      const body = JSON.parse(r.postData() ?? "{}") as Record<string, { json: { ids?: string[] } }>;
      return names.flatMap((name, i) => (name === "guests.states" ? [body[String(i)]?.json.ids?.length ?? 0] : []));
    });
  expect(stateIds.length).toBeGreaterThan(0);
  expect(Math.max(...stateIds)).toBeLessThanOrEqual(COUNT / 2);
});

test("remove the guests", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/guests");
  for (const id of ids) await trpcPost(page, "guests.run", { id, action: "delete" });
  await page.getByTestId("guest-filter-name").fill(prefix);
  await expect(page.getByText("No guest matches these filters.")).toBeVisible({ timeout: 240_000 });
});
