// What QEMU itself knows of a running guest's NICs: whether its monitor answers (a guest
// whose monitor is silent is not running, so nothing is learned for it), and for user-mode
// NICs slirp's own table (`info usernet`): where each forward lands and the addresses the
// guest's connections come from. TAP NICs are learned by the caller from the host's
// neighbour table, the same for every kind. Nothing read here is more than text shown on
// a page; the usernet call joins the caller's audit row (noteChannel).
import { qmpArgv } from "../../jobs/plan";
import type { GuestIo, KindAddresses } from "../contract";
import type { GuestRunFiles, TGuestDefinition } from "./guest-definition";
import { connectQmp } from "./qmp";
import { INFO_USERNET, parseUsernet, usernetNic } from "./usernet";

const QMP_TIMEOUT_MS = 3000;

type Monitor = { running: false; problem: string | null } | { running: true; usernet: string | null };

async function askMonitor(io: GuestIo, socket: string, wantUsernet: boolean): Promise<Monitor> {
  const started = Date.now();
  const stream = await io.openSocket(socket);
  if (stream === null) return { running: false, problem: null };
  // A TAP-only guest is only asked whether it runs (like the pages' state polling, not noted).
  const execute = wantUsernet ? INFO_USERNET.execute : "query-status";
  const args = wantUsernet ? { ...INFO_USERNET.arguments } : undefined;
  const argv = qmpArgv({ socket, execute, ...(args ? { arguments: args } : {}) });
  try {
    const client = await connectQmp(stream, { timeoutMs: QMP_TIMEOUT_MS });
    try {
      const ret = await client.execute<unknown>(execute, args, { timeoutMs: QMP_TIMEOUT_MS });
      const text = wantUsernet && typeof ret === "string" ? ret : null;
      if (wantUsernet) io.noteChannel({ argv, ok: text !== null, durationMs: Date.now() - started, output: text ?? "" });
      if (wantUsernet && text === null) return { running: false, problem: "QEMU answered info usernet with something that is not text" };
      return { running: true, usernet: text };
    } finally {
      client.close();
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (wantUsernet) io.noteChannel({ argv, ok: false, durationMs: Date.now() - started, output: "", note: message });
    return { running: false, problem: `the monitor did not answer: ${message}` };
  }
}

export async function readQemuAddresses(io: GuestIo, def: TGuestDefinition, files: GuestRunFiles): Promise<KindAddresses> {
  const m = await askMonitor(
    io,
    files.qmpSocket,
    def.nics.some((n) => n.network.kind === "user"),
  );
  if (!m.running) return { running: false, problem: m.problem, userNics: new Map() };
  const tables = m.usernet === null ? new Map() : parseUsernet(m.usernet);
  const userNics: KindAddresses["userNics"] = new Map();
  def.nics.forEach((n, index) => {
    if (n.network.kind !== "user") return;
    // Labdeck names NIC i's netdev n<i> (qemu-argv.ts).
    const u = usernetNic(`n${index}`, tables.get(`n${index}`) ?? []);
    const targets = new Set(u.forwards.map((f) => f.guestAddress));
    userNics.set(index, {
      forwards: u.forwards,
      addresses: u.guestAddresses.map((a) => ({ address: a, detail: targets.has(a) ? "forward target" : "guest connection" })),
    });
  });
  return { running: true, problem: null, userNics };
}
