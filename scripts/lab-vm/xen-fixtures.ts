// Records the real `xl` output that server/hypervisors/xen/fixtures/ holds: boots the Xen
// dom0 lab VM, runs each command over SSH and writes stdout (and stderr, where that is
// what xl prints) byte for byte. Run as root: `npx tsx scripts/lab-vm/xen-fixtures.ts`.
// What must not break: nothing here edits a fixture's text; the README beside them says
// which command made which file.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { SshPool } from "../../server/ssh/pool";
import { BANNER, ensureTinyGuest } from "../guest-image/tiny-guest";
import { loadLabVm, type LabVm } from "./lab-vm";
import { startXenLabVm } from "./xen-lab-vm";
import { tinyGuestHvc0Initramfs } from "./xen-tiny-guest";

export const DOMU_DIR = "/var/lib/labdeck/tiny";
export const DOMU_NAME = "tiny1";

export function tinyDomUConfig(name = DOMU_NAME): string {
  return [
    `name = "${name}"`,
    `type = "pv"`,
    `kernel = "${DOMU_DIR}/vmlinuz"`,
    `ramdisk = "${DOMU_DIR}/initramfs-hvc0.cpio.gz"`,
    `extra = "console=hvc0 quiet"`,
    "memory = 128",
    "vcpus = 1",
    `on_poweroff = "destroy"`,
    "",
  ].join("\n");
}

async function sh(pool: SshPool, vm: LabVm, script: string, stdin?: Buffer | string) {
  const r = await pool.exec(vm.target(), ["sh", "-c", script], { timeoutMs: 120_000, ...(stdin === undefined ? {} : { stdin }) });
  return { code: r.exitStatus, stdout: r.stdout, stderr: r.stderr };
}

/** Copies the tiny kernel and its hvc0 initramfs to the dom0 and writes the domU config. */
export async function installTinyDomU(pool: SshPool, vm: LabVm, name = DOMU_NAME): Promise<string> {
  const tiny = await ensureTinyGuest();
  await sh(pool, vm, `mkdir -p ${DOMU_DIR}`);
  await sh(pool, vm, `cat > ${DOMU_DIR}/vmlinuz`, await readFile(tiny.kernel));
  await sh(pool, vm, `cat > ${DOMU_DIR}/initramfs-hvc0.cpio.gz`, await tinyGuestHvc0Initramfs(tiny.initrd));
  const cfg = `${DOMU_DIR}/${name}.cfg`;
  await sh(pool, vm, `cat > ${cfg}`, tinyDomUConfig(name));
  return cfg;
}

/**
 * Follows the domU's console (`xl console` needs a terminal, so under script(1)) until BANNER
 * shows; returns ms from the call. xenconsoled keeps what the guest printed before anyone
 * attached, so an early banner is not missed.
 */
export async function waitForBanner(pool: SshPool, vm: LabVm, name: string, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  const stop = new AbortController();
  let seen = "";
  const r = await pool.exec(
    vm.target(),
    ["timeout", String(Math.ceil(timeoutMs / 1000)), "script", "-qfec", `xl console ${name}`, "/dev/null"],
    {
      timeoutMs: timeoutMs + 10_000,
      signal: stop.signal,
      onStdout: (chunk) => {
        seen = (seen + chunk.toString("latin1")).slice(-4096);
        if (seen.includes(BANNER)) stop.abort();
      },
    },
  );
  if (!seen.includes(BANNER)) throw new Error(`no banner from ${name} in ${timeoutMs} ms (${r.outcome}); console:\n${seen.slice(-2000)}`);
  return Date.now() - started;
}

async function main(): Promise<void> {
  const out = path.resolve(import.meta.dirname, "../../server/hypervisors/xen/fixtures");
  await mkdir(out, { recursive: true });
  // A run directory as argument: record on a dom0 that is already up (loadLabVm).
  const given = process.argv[2];
  const vm =
    given === undefined
      ? await startXenLabVm({ bootTimeoutMs: 600_000, log: (l) => process.stderr.write(`${l}\n`) })
      : await loadLabVm(given);
  const pool = new SshPool();
  const notes: string[] = [`dom0 boot to SSH: ${vm.bootMs} ms`];
  try {
    const save = async (file: string, script: string, which: "stdout" | "stderr" | "both" = "stdout") => {
      const r = await sh(pool, vm, script);
      const text = which === "stdout" ? r.stdout : which === "stderr" ? r.stderr : `${r.stdout}${r.stderr}`;
      await writeFile(path.join(out, file), text);
      notes.push(`${file}: \`${script}\` exit ${r.code}`);
      return r;
    };
    await save("xl-info.txt", "xl info");
    await save("xm-info.txt", "xm info", "both");
    await save("xl-list-dom0.txt", "xl list");
    await save("xl-list-l-dom0.json", "xl list -l");
    // On a dom0 that is already up, a domain left by an earlier run would take the name.
    if (given !== undefined) await sh(pool, vm, `xl list ${DOMU_NAME} >/dev/null 2>&1 && xl destroy ${DOMU_NAME}; true`);
    const cfg = await installTinyDomU(pool, vm);
    await writeFile(path.join(out, "tiny1.cfg"), tinyDomUConfig());
    await save("xl-create-n-tiny1.txt", `xl create -n ${cfg}`, "both");
    const created = Date.now();
    await save("xl-create-tiny1.txt", `xl create ${cfg}`, "both");
    const banner = await waitForBanner(pool, vm, DOMU_NAME);
    notes.push(`domU banner ${Date.now() - created} ms after xl create (poll ${banner} ms)`);
    await save("xl-list-running.txt", "xl list");
    await save("xl-list-l-running.json", "xl list -l");
    await save("xl-list-l-tiny1.json", `xl list -l ${DOMU_NAME}`);
    await save("xl-pause-list.txt", `xl pause ${DOMU_NAME} && xl list`);
    await save("xl-list-l-paused.json", "xl list -l");
    await save("xl-destroy-tiny1.txt", `xl unpause ${DOMU_NAME} && xl destroy ${DOMU_NAME}`, "both");
    await save("xl-list-missing.txt", `xl list ${DOMU_NAME}`, "both");
    await save("xm-list.txt", "xm list", "both");
  } catch (e) {
    await writeFile("/tmp/xen-fixtures-serial.log", await vm.serialOutput());
    throw e;
  } finally {
    await pool.closeAll();
    await vm.stop();
  }
  process.stdout.write(`${notes.join("\n")}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
