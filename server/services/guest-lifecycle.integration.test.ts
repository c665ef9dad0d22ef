import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";
import { errorOf, until } from "../test-support/waits";

// A guest's whole life through the services and the real job runner, on a lab host with
// the tiny guest under TCG: what a user does from the pages, minus the browser.

let lab: LabHost;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;
const actor = { userId: null, username: "tester" };

async function load() {
  const { db } = await import("../db");
  const { runtime, runtimeDeps } = await import("../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    guests: await import("./guest-service"),
    actions: await import("./guest-actions"),
    state: await import("./guest-state"),
    reads: await import("./guest-reads"),
  };
}

async function run(id: string, action: import("./guest-actions").GuestAction, removeImages = false) {
  const { jobId } = await ctx.actions.runGuestAction(ctx.deps, { id, action, removeImages });
  await ctx.rt.jobs.idle();
  return ctx.db.job.findUniqueOrThrow({ where: { id: jobId } });
}

let images: string;
const definition = () => ({
  name: "tiny1",
  accel: "tcg" as const,
  machine: "pc",
  memoryMiB: 256,
  disks: [{ kind: "new-image" as const, path: `${images}/tiny1.qcow2`, format: "qcow2" as const, sizeBytes: 64 * 1024 * 1024 }],
  boot: {
    kind: "kernel" as const,
    kernel: `${images}/vmlinuz`,
    initrd: `${images}/initramfs.cpio.gz`,
    append: "console=ttyS0 quiet panic=-1 labdeck.ip=10.0.2.15/24 labdeck.gw=10.0.2.2",
  },
  nics: [
    {
      model: "virtio" as const,
      network: { kind: "user" as const, forwards: [{ proto: "tcp" as const, hostAddress: "127.0.0.1", hostPort: 10022, guestPort: 22 }] },
    },
  ],
});

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../scripts/lab-host");
  const { installTinyGuest } = await import("../../scripts/guest-image/install");
  lab = await startLabHost();
  images = `${lab.runDir}/images`;
  await installTinyGuest(lab.runDir);
  ctx = await load();
  const { addPinnedLabHost } = await import("../test-support/inventory-host");
  hostId = await addPinnedLabHost(ctx.deps, lab, "qemu-host");
}, 120_000);

afterAll(async () => {
  await ctx?.rt.ssh.closeAll();
  await lab?.stop();
});

describe("a guest's life on a real host", () => {
  let id: string;

  it("refuses a path outside the host's roots, naming the field, and saves nothing", async () => {
    const bad = { ...definition(), boot: { kind: "kernel" as const, kernel: "/etc/passwd", append: "" } };
    const err = await errorOf(ctx.guests.createGuest(ctx.deps, { hostId, definition: bad }));
    expect(err.field).toBe("definition.boot.kernel");
    expect(await ctx.db.guest.count()).toBe(0);
  });

  it("creates the guest with a generated unicast MAC", async () => {
    const g = await ctx.guests.createGuest(ctx.deps, { hostId, definition: definition() });
    id = g.id;
    expect(g.definition.nics[0]?.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect((await ctx.state.readGuestState(ctx.deps, id, { fresh: true })).state).toBe("shut-off");
  });

  it("refuses a stale edit instead of overwriting", async () => {
    await ctx.guests.updateGuest(ctx.deps, { id, version: 1, definition: { ...definition(), vcpus: 2 } });
    const err = await errorOf(ctx.guests.updateGuest(ctx.deps, { id, version: 1, definition: { ...definition(), memoryMiB: 300 } }));
    expect(err.code).toBe("CONFLICT");
    const saved = await ctx.guests.getGuest(ctx.db, id);
    expect([saved.version, saved.definition.vcpus, saved.definition.memoryMiB]).toEqual([2, 2, 256]);
  });

  it("starts: the image is made, QMP says running, the banner is in the serial log, the port forward answers", async () => {
    const job = await run(id, "start");
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect((await lab.execInNs(["test", "-f", `${images}/tiny1.qcow2`])).code).toBe(0);
    expect((await ctx.state.readGuestState(ctx.deps, id)).state).toBe("running");
    await until("the banner", async () => {
      const page = await ctx.reads.serialLogPage(ctx.deps, { id });
      return page.text.includes("labdeck tiny guest ready") ? true : undefined;
    });
    const hits = await ctx.reads.serialLogSearch(ctx.deps, { id, term: "tiny guest ready" });
    expect(hits.length).toBeGreaterThan(0);
    const greeting = await until("the forwarded service", async () => {
      const r = await lab.execInNs(["socat", "-T5", "-u", "TCP:127.0.0.1:10022", "STDOUT"]);
      return r.stdout.includes("hello from labdeck tiny guest") ? r.stdout : undefined;
    });
    expect(greeting).toContain("hello");
  });

  it("refuses to delete or start a running guest", async () => {
    expect((await errorOf(ctx.actions.runGuestAction(ctx.deps, { id, action: "delete" }))).code).toBe("CONFLICT");
    expect((await errorOf(ctx.actions.runGuestAction(ctx.deps, { id, action: "start" }))).code).toBe("CONFLICT");
  });

  it("pauses and resumes through QMP", async () => {
    expect((await run(id, "pause")).status).toBe("succeeded");
    expect((await ctx.state.readGuestState(ctx.deps, id)).state).toBe("paused");
    expect((await run(id, "resume")).status).toBe("succeeded");
    expect((await ctx.state.readGuestState(ctx.deps, id)).state).toBe("running");
  });

  it("shuts down by ACPI and ends shut-off", async () => {
    const job = await run(id, "shutdown");
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect((await ctx.state.readGuestState(ctx.deps, id)).state).toBe("shut-off");
  });

  it("force stops a running guest", async () => {
    expect((await run(id, "start")).status).toBe("succeeded");
    const job = await run(id, "force-stop");
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect((await ctx.state.readGuestState(ctx.deps, id, { fresh: true })).state).toBe("shut-off");
  });

  it("deletes with its image: files gone from the host, guest gone from the inventory", async () => {
    const job = await run(id, "delete", true);
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect((await lab.execInNs(["test", "-e", `${images}/tiny1.qcow2`])).code).not.toBe(0);
    expect((await lab.execInNs(["test", "-e", `${lab.runDir}/guests/tiny1`])).code).not.toBe(0);
    expect(await ctx.db.guest.count()).toBe(0);
    expect(await ctx.db.auditEvent.count({ where: { action: "guest.delete" } })).toBe(1);
  });

  it("deletes without its image when asked to keep it", async () => {
    const g = await ctx.guests.createGuest(ctx.deps, { hostId, definition: { ...definition(), name: "tiny2", nics: [] } });
    expect((await run(g.id, "start")).status).toBe("succeeded");
    expect((await run(g.id, "force-stop")).status).toBe("succeeded");
    expect((await run(g.id, "delete", false)).status).toBe("succeeded");
    expect((await lab.execInNs(["test", "-f", `${images}/tiny1.qcow2`])).code).toBe(0);
  });

  it("starts a TAP NIC under its own (imported) name, and refuses one another interface already has", async () => {
    expect((await lab.execInNs(["ip", "link", "add", "ldkbr9", "type", "bridge"])).code).toBe(0);
    // Someone else's persistent TAP: a start must not take it over (its stop would delete it).
    expect((await lab.execInNs(["ip", "tuntap", "add", "dev", "tap3", "mode", "tap"])).code).toBe(0);
    const g = await ctx.guests.createGuest(ctx.deps, {
      hostId,
      definition: { ...definition(), name: "tiny3", disks: [], nics: [{ network: { kind: "tap", bridge: "ldkbr9", ifname: "tap3" } }] },
    });
    const err = await errorOf(ctx.actions.runGuestAction(ctx.deps, { id: g.id, action: "start" }));
    expect(err).toMatchObject({ code: "BAD_INPUT", field: "definition.nics.0.network.ifname" });
    expect((await lab.execInNs(["ip", "link", "show", "dev", "tap3"])).code).toBe(0);
    await lab.execInNs(["ip", "link", "del", "tap3"]);
    expect((await ctx.actions.previewGuestAction(ctx.deps, { id: g.id, action: "start" })).plan.steps.at(-1)?.argv).toContain(
      "tap,id=n0,ifname=tap3,script=no,downscript=no",
    );

    const job = await run(g.id, "start");
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect((await lab.execInNs(["ip", "-o", "link", "show", "dev", "tap3"])).stdout).toMatch(/master ldkbr9/);
    expect((await run(g.id, "force-stop")).status).toBe("succeeded");
    expect((await lab.execInNs(["ip", "link", "show", "dev", "tap3"])).code).not.toBe(0);
    expect((await run(g.id, "delete")).status).toBe("succeeded");
    await lab.execInNs(["ip", "link", "del", "ldkbr9"]);
  }, 60_000);
});
