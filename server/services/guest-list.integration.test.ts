import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempDataDir } from "../test-support/temp-data";
import { guestName, insertGuests } from "../test-support/guest-rows";

// The guest list over a real SQLite file with 10,000 real guest rows on 20 hosts (issue 11):
// paging walks every guest exactly once in order, each answer holds at most one page, the
// filters and sorts are the server's, and the old whole-inventory answer is what it replaces.

const COUNT = 10_000;
const HOSTS = 20;

let s: Awaited<ReturnType<typeof load>>;
let hostIds: string[] = [];

async function load() {
  const { db } = await import("../db");
  const { pageGuests, ZGuestPageInput } = await import("./guest-list");
  const { GuestStates } = await import("./guest-state");
  const guestStates = new GuestStates();
  return { db, guestStates, page: (input: Record<string, unknown>) => pageGuests({ db, guestStates }, ZGuestPageInput.parse(input)) };
}

beforeAll(async () => {
  await useTempDataDir();
  s = await load();
  const hosts = await Promise.all(
    Array.from({ length: HOSTS }, (_, i) =>
      s.db.host.create({
        data: {
          name: `list-host-${String(i).padStart(2, "0")}`,
          address: `10.9.0.${i + 1}`,
          username: "root",
          sealedPrivateKey: "x",
          publicKey: "x",
          runDir: `/srv/lab${i}`,
        },
      }),
    ),
  );
  hostIds = hosts.map((h) => h.id);
  await insertGuests(s.db, hosts, COUNT);
}, 120_000);

afterAll(async () => {
  await s?.db.$disconnect();
});

describe("guest list paging over 10,000 rows", () => {
  it("walks every guest once, in name order, a bounded page at a time", async () => {
    const seen: string[] = [];
    let total = -1;
    for (let offset = 0; ; offset += 200) {
      const p = await s.page({ offset, limit: 200 });
      total = p.total;
      expect(p.rows.length).toBeLessThanOrEqual(200);
      if (p.rows.length === 0) break;
      seen.push(...p.rows.map((r) => r.name));
    }
    expect(total).toBe(COUNT);
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen).size).toBe(COUNT);
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => guestName(i)));
  });

  it("keeps a page small where the whole list was megabytes", async () => {
    const { listGuests } = await import("./guest-service");
    const whole = JSON.stringify(await listGuests(s.db, {})).length;
    const first = JSON.stringify(await s.page({ limit: 100 })).length;
    expect(whole).toBeGreaterThan(50 * first);
    const row = (await s.page({ limit: 1 })).rows[0];
    // What the list shows: the definition's addresses, the host, the hypervisor.
    expect(row).toMatchObject({ name: "g00000", hostName: "list-host-00", hypervisor: "qemu" });
    expect(row?.definition.nics[0]?.mac).toBe("52:54:00:00:00:00");
  });

  it("sorts by host and descending by name, filters by name, host and hypervisor on the server", async () => {
    const byHost = await s.page({ sort: "host", limit: 3 });
    expect(byHost.rows.map((r) => [r.hostName, r.name])).toEqual([
      ["list-host-00", "g00000"],
      ["list-host-00", "g00020"],
      ["list-host-00", "g00040"],
    ]);
    const last = await s.page({ sort: "host", dir: "desc", limit: 1 });
    expect(last.rows[0]?.hostName).toBe("list-host-19");
    expect((await s.page({ dir: "desc", limit: 1 })).rows[0]?.name).toBe(guestName(COUNT - 1));

    const named = await s.page({ name: "g0012", limit: 200 });
    expect(named.total).toBe(10);
    expect(named.rows.every((r) => r.name.startsWith("g0012"))).toBe(true);
    const onHost = await s.page({ hostId: hostIds[3], limit: 200, offset: 400 });
    expect(onHost.total).toBe(COUNT / HOSTS);
    expect(onHost.rows.length).toBe(100);
    expect(onHost.rows.every((r) => r.hostId === hostIds[3])).toBe(true);
    expect((await s.page({ hypervisor: "xen" })).total).toBe(0);
    expect((await s.page({ hypervisor: "qemu" })).total).toBe(COUNT);
  });

  it("filters and sorts by state only where a state was read, with the rest after them", async () => {
    // No host here answers: a read of these guests' states gives "unknown" for each.
    const { readGuestStates } = await import("./guest-state");
    const ids = (await s.page({ limit: 5, offset: 5000 })).rows.map((r) => r.id);
    const views = await readGuestStates(
      { db: s.db, ssh: {} as never, secret: Buffer.alloc(32), guestStates: s.guestStates, actor: { userId: null, username: "t" } },
      ids,
    );
    expect(Object.values(views).map((v) => v.state)).toEqual(["unknown", "unknown", "unknown", "unknown", "unknown"]);
    const unknown = await s.page({ state: "unknown" });
    expect(unknown.total).toBe(5);
    expect(unknown.rows.map((r) => r.id)).toEqual(ids);
    expect((await s.page({ state: "running" })).total).toBe(0);
    const byState = await s.page({ sort: "state", limit: 6 });
    expect(byState.total).toBe(COUNT);
    expect(byState.rows.slice(0, 5).map((r) => r.id)).toEqual(ids);
    expect(byState.rows[5]?.name).toBe("g00000");
    for (const id of ids) s.guestStates.forget(id);
  });
});
