// Command line for lab VMs: `npx tsx scripts/lab-vm/cli.ts build|start|stop|list|cleanup|bench`.
// `start` leaves the VM running (detached) and prints how to reach it; `stop NAME` ends it.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { SshPool } from "../../server/ssh/pool";
import { parseSize } from "../../server/storage/size";
import { cleanupStaleLabVms } from "./cleanup";
import { ensureLabVmImage } from "./image";
import { DEFAULT_LAB_VM_BASE_DIR, loadLabVm, startLabVm, type LabVmDiskSpec } from "./lab-vm";
import { labVmsSupported } from "./support";

const USAGE = `usage:
  cli.ts build                                   build the cached image if this recipe has none
  cli.ts start [--name N] [--lvm-disk SIZE] [--disk SERIAL:SIZE]... [--memory MIB]
                                                 boot a VM and leave it running
  cli.ts stop NAME [--graceful]                  stop it and remove its run directory
  cli.ts list                                    VMs under ${DEFAULT_LAB_VM_BASE_DIR}
  cli.ts cleanup [--all]                         stop VMs whose starter died (--all: every VM)
  cli.ts bench NAME [--count N]                  SSH round trips of \`true\`: p50, p99
`;

const print = (v: unknown) => process.stdout.write(`${typeof v === "string" ? v : JSON.stringify(v, null, 2)}\n`);
const log = (line: string) => process.stderr.write(`${line}\n`);

function diskArg(value: string): LabVmDiskSpec {
  const [serial = "", size = ""] = value.split(":");
  return { serial, sizeBytes: parseSize(size, "--disk") };
}

async function bench(name: string, count: number): Promise<Record<string, number>> {
  const vm = await loadLabVm(path.join(DEFAULT_LAB_VM_BASE_DIR, name));
  const pool = new SshPool();
  try {
    const connectStart = performance.now();
    await pool.exec(vm.target(), ["true"]);
    const firstMs = performance.now() - connectStart;
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await pool.exec(vm.target(), ["true"]);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 10) / 10;
    const parStart = performance.now();
    await Promise.all(Array.from({ length: count }, () => pool.exec(vm.target(), ["true"])));
    const parallelPerSecond = Math.round(count / ((performance.now() - parStart) / 1000));
    return { connectAndFirstMs: Math.round(firstMs), p50Ms: at(0.5), p99Ms: at(0.99), parallelPerSecond };
  } finally {
    await pool.closeAll();
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string" },
      "lvm-disk": { type: "string" },
      disk: { type: "string", multiple: true },
      memory: { type: "string" },
      graceful: { type: "boolean" },
      count: { type: "string" },
      all: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, arg] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const support = labVmsSupported();
  if (!support.ok) {
    log(`lab VMs are not supported here: ${support.reason}`);
    return 1;
  }
  switch (command) {
    case "build": {
      const startedAt = Date.now();
      const image = await ensureLabVmImage({ log });
      print({ ...image, seconds: (Date.now() - startedAt) / 1000 });
      return 0;
    }
    case "start": {
      const vm = await startLabVm({
        name: values.name,
        detached: true,
        lvmDiskBytes: values["lvm-disk"] === undefined ? undefined : parseSize(values["lvm-disk"], "--lvm-disk"),
        extraDisks: (values.disk ?? []).map(diskArg),
        memoryMiB: values.memory === undefined ? undefined : Number(values.memory),
        log,
      });
      const { privateKey: _secret, ...shown } = vm;
      print(shown);
      log(`ssh -i ${vm.privateKeyFile} -p ${vm.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1`);
      return 0;
    }
    case "stop": {
      if (arg === undefined) return (process.stderr.write(USAGE), 2);
      await (await loadLabVm(path.join(DEFAULT_LAB_VM_BASE_DIR, arg))).stop({ graceful: values.graceful ?? false });
      print(`stopped ${arg}`);
      return 0;
    }
    case "list": {
      const names = await readdir(DEFAULT_LAB_VM_BASE_DIR).catch(() => [] as string[]);
      const states = await Promise.all(
        names.map((n) =>
          readFile(path.join(DEFAULT_LAB_VM_BASE_DIR, n, "state.json"), "utf8").then(JSON.parse, () => ({
            name: n,
            state: "starting or broken",
          })),
        ),
      );
      print(states);
      return 0;
    }
    case "cleanup":
      print(await cleanupStaleLabVms({ includeDetached: values.all ?? false }));
      return 0;
    case "bench": {
      if (arg === undefined) return (process.stderr.write(USAGE), 2);
      print(await bench(arg, Number(values.count ?? "50")));
      return 0;
    }
    default:
      process.stderr.write(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
