import { expect, test, type Page } from "@playwright/test";
import { guestState, runGuestAction } from "./helpers/guests";
import { addHost, checkHostKey, confirmHostKey } from "./helpers/hosts";
import { labHost } from "./helpers/lab-host";
import { randomName } from "./helpers/names";
import { readRunState } from "./helpers/run-state";
import { tinyGuestPaths } from "./helpers/tiny-guest";

// The guest list's "from the guest" cell on the real harness host: a tiny guest on a TAP on
// a bridge, pinged from the host so the host's neighbour table learns its address; the list
// shows that address apart from the definition's, with how long ago it was learned, and
// drops it (pushed by the server's shared refresh, no reload) once the guest stops.

test.describe.configure({ mode: "serial" });

const hostName = randomName("addrhost");
const guestName = randomName("addr");
const bridge = `ldka${randomName("b").slice(-4)}`;
const guestIp = "10.78.0.2";

/** A tRPC mutation from the signed-in page (same origin, the session's cookie), superjson-wrapped. */
async function mutate<T>(page: Page, path: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ({ path, input }) => {
      const r = await fetch(`/api/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: input }),
      });
      const body = (await r.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string } } };
      if (!body.result) throw new Error(`${path}: ${body.error?.json.message ?? r.status}`);
      return body.result.data.json;
    },
    { path, input },
  ) as Promise<T>;
}

test("a running TAP guest's address, learned from the host, shows in the list apart from the definition's", async ({ page }) => {
  const lab = labHost();
  const { labHost: state } = readRunState();
  const hostId = await addHost(page, {
    name: hostName,
    address: state.address,
    port: state.port,
    runDir: state.runDir,
    privateKey: state.privateKey,
  });
  await checkHostKey(page);
  await confirmHostKey(page);
  for (const argv of [
    ["ip", "link", "add", bridge, "address", "02:00:00:78:00:01", "type", "bridge"],
    ["ip", "addr", "add", "10.78.0.1/24", "dev", bridge],
    ["ip", "link", "set", bridge, "up"],
  ]) {
    expect((await lab.execInNs(argv)).code).toBe(0);
  }
  const tiny = tinyGuestPaths(state.runDir);
  const guest = await mutate<{ id: string }>(page, "guests.create", {
    hostId,
    definition: {
      name: guestName,
      accel: "tcg",
      machine: "pc",
      memoryMiB: 256,
      boot: { kind: "kernel", kernel: tiny.kernel, initrd: tiny.initrd, append: `console=ttyS0 quiet panic=-1 labdeck.ip=${guestIp}/24` },
      nics: [{ network: { kind: "tap", bridge } }],
    },
  });

  await page.goto(`/guests/${guest.id}`);
  await runGuestAction(page, "start");
  await expect(guestState(page)).toHaveAttribute("data-state", "running");
  await expect(async () => expect((await lab.execInNs(["ping", "-c1", "-W2", guestIp])).code).toBe(0)).toPass({ timeout: 60_000 });

  await page.goto("/guests");
  const listed = page.locator(`[data-testid="guest-row"][data-guest-name="${guestName}"]`);
  // The definition's line stays as it was; the learned address is not in it.
  await expect(listed.getByTestId("guest-nic-address")).toContainText(`bridge ${bridge}`);
  await expect(listed.getByTestId("guest-nic-address")).not.toContainText(guestIp);
  const learned = listed.getByTestId("guest-learned");
  await expect(learned).toHaveAttribute("data-state", "learned");
  await expect(learned).toContainText("from the guest");
  await expect(learned.getByTestId("guest-learned-address")).toContainText(guestIp);
  await expect(learned.getByTestId("guest-learned-address")).toHaveAttribute("data-how", "neighbour");
  await expect(learned.getByTestId("guest-learned-at")).toContainText(/^learned (now|\d+ seconds? ago)$/);

  // Stopped behind the list's back: the server's shared refresh pushes it, no reload.
  await mutate(page, "guests.run", { id: guest.id, action: "force-stop" });
  await expect(learned).toHaveCount(0, { timeout: 45_000 });
  await expect(listed.getByTestId("guest-nic-address")).toBeVisible();
  await expect(listed.getByTestId("guest-state").locator("[data-state]")).toHaveAttribute("data-state", "shut-off");

  // Cleanup through the API: the list learns of it on its next load.
  await mutate(page, "guests.run", { id: guest.id, action: "delete" });
  await expect(async () => {
    await page.reload();
    await expect(listed).toHaveCount(0, { timeout: 2000 });
  }).toPass({ timeout: 60_000 });
  await lab.execInNs(["ip", "link", "del", bridge]);
});
