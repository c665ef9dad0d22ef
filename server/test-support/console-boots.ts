// Test support: the tiny guest started the way Labdeck's start plan starts a guest (log
// rotation, the boot-mark step, QEMU with logappend=on), each step over SSH through the pool,
// with the boot announced through a BootSource before QEMU runs, as the start job does.
import { mkdir, readFile } from "node:fs/promises";
import type { LabHost } from "../../scripts/lab-host";
import { ensureTinyGuest } from "../../scripts/guest-image/tiny-guest";
import { parseSerialLogBoot, serialLogBootArgv } from "../hypervisors/console-log/serial-log-boot";
import { serialLogRotateArgv } from "../hypervisors/console-log/serial-log-rotation";
import type { SshExecutor, SshTarget } from "../ssh/types";
import type { BootEvent, BootMark, BootSource } from "../console/console-boots";

/** An in-memory BootSource the test announces boots through. */
export class TestBoots implements BootSource {
  private readonly marks = new Map<string, BootMark[]>();
  private readonly bootL = new Set<(e: BootEvent) => void>();
  private readonly startedL = new Set<(g: string) => void>();
  private n = 0;

  async list(guestId: string): Promise<BootMark[]> {
    return [...(this.marks.get(guestId) ?? [])];
  }
  onBoot(l: (e: BootEvent) => void): () => void {
    this.bootL.add(l);
    return () => this.bootL.delete(l);
  }
  onStarted(l: (g: string) => void): () => void {
    this.startedL.add(l);
    return () => this.startedL.delete(l);
  }
  boot(guestId: string, stdout: string, by: string): BootMark {
    const p = parseSerialLogBoot(stdout);
    if (p === null) throw new Error(`boot step printed ${JSON.stringify(stdout)}`);
    const mark: BootMark = { id: `boot${++this.n}`, inode: p.inode, offset: p.offset, at: new Date().toISOString(), by };
    this.marks.set(guestId, [...(this.marks.get(guestId) ?? []), mark]);
    for (const l of this.bootL) l({ guestId, mark, rotated: p.rotated });
    return mark;
  }
  started(guestId: string): void {
    for (const l of this.startedL) l(guestId);
  }
}

export interface PlannedGuest {
  guestId: string;
  serialLog: string;
  serialSocket: string;
  /** Rotation limit for the next start (1: always rotate). */
  start(opts?: { rotateOverBytes?: number; append?: string }): Promise<BootMark>;
  stop(): Promise<void>;
}

export async function plannedTinyGuest(o: {
  host: LabHost;
  ssh: SshExecutor;
  target: SshTarget;
  boots: TestBoots;
  guestId: string;
  dir: string;
}): Promise<PlannedGuest> {
  const tiny = await ensureTinyGuest();
  await mkdir(o.dir, { recursive: true });
  const serialLog = `${o.dir}/serial.log`;
  const serialSocket = `${o.dir}/serial.sock`;
  const pidfile = `${o.dir}/qemu.pid`;
  const run = async (argv: string[]) => {
    const r = await o.ssh.exec(o.target, argv, { timeoutMs: 60_000 });
    if (r.exitStatus !== 0) throw new Error(`${argv[0]} failed: ${r.stderr}`);
    return r.stdout;
  };
  const pid = async () => Number((await readFile(pidfile, "utf8").catch(() => "")).trim());
  return {
    guestId: o.guestId,
    serialLog,
    serialSocket,
    async start(opts = {}) {
      await run(serialLogRotateArgv(serialLog, opts.rotateOverBytes));
      const mark = o.boots.boot(o.guestId, await run(serialLogBootArgv(serialLog)), "tester");
      await run([
        "qemu-system-x86_64",
        "-accel",
        "tcg",
        "-m",
        "256",
        "-kernel",
        tiny.kernel,
        "-initrd",
        tiny.initrd,
        "-append",
        opts.append ?? "console=ttyS0 loglevel=6 panic=-1",
        "-daemonize",
        "-pidfile",
        pidfile,
        "-chardev",
        `socket,id=s0,path=${serialSocket},server=on,wait=off,logfile=${serialLog},logappend=on`,
        "-serial",
        "chardev:s0",
        "-display",
        "none",
        "-nic",
        "none",
      ]);
      o.boots.started(o.guestId);
      return mark;
    },
    async stop() {
      const p = await pid();
      if (!(p > 0)) return;
      try {
        process.kill(p, "SIGKILL");
      } catch {
        return;
      }
      while ((await o.host.execInNs(["test", "-e", pidfile])).code === 0 && (await o.host.execInNs(["kill", "-0", String(p)])).code === 0) {
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
