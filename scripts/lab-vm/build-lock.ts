// A lock file so two test processes that both find the image missing do not both spend
// minutes building it. The file holds the owner's pid: a lock left by a process that died
// mid-build is taken over, never waited on forever. Taking over has a small race (two
// waiters seeing the same dead owner); that costs a second build at worst, because the
// cache entry itself is published by an atomic rename that only one build can win.
import { open, readFile, rm } from "node:fs/promises";
import { sleep } from "../lab-host/run";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function tryCreate(file: string): Promise<boolean> {
  try {
    const fh = await open(file, "wx");
    await fh.writeFile(`${process.pid}\n`);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

/**
 * Resolves once this process holds the lock; the returned function releases it. `onWait`
 * is called once when another process holds it, so a caller can say why it is slow.
 */
export async function acquireBuildLock(
  file: string,
  opts: { timeoutMs?: number; onWait?: (ownerPid: number) => void } = {},
): Promise<() => Promise<void>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let told = false;
  for (;;) {
    if (await tryCreate(file)) return () => rm(file, { force: true });
    const owner = Number((await readFile(file, "utf8").catch(() => "")).trim());
    if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
      // The owner died (or the file is being written this instant: a fresh creator
      // writes its pid right after creating, so give it a moment before taking over).
      await sleep(200);
      const again = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (again === owner || !Number.isInteger(again) || again <= 0 || !alive(again)) {
        await rm(file, { force: true });
        continue;
      }
    }
    if (!told && opts.onWait) {
      opts.onWait(owner);
      told = true;
    }
    if (Date.now() > deadline) throw new Error(`${file}: still held by pid ${owner}; gave up waiting`);
    await sleep(1000);
  }
}
