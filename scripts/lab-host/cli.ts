// Command line for lab hosts: `npx tsx scripts/lab-host/cli.ts start|stop|list|cleanup`.
// Handy for poking at a host by hand and for clearing up after a crashed test run.
import path from "node:path";
import { parseArgs } from "node:util";
import { cleanupStaleLabHosts } from "./cleanup";
import { DEFAULT_LAB_BASE_DIR, loadLabHost, startLabHost } from "./lab-host";
import { listSlots } from "./slots";
import { labHostsSupported } from "./support";

const USAGE = `usage:
  cli.ts start [--name NAME] [--max-sessions N] [--detach]   start a host; without --detach it
                                                             runs until Ctrl-C, then is removed
  cli.ts stop NAME [--base-dir DIR]                          remove a (detached) host
  cli.ts list                                                hosts known on this machine
  cli.ts cleanup [--all]                                     remove hosts whose owner died
                                                             (--all: detached ones too)
`;

function print(value: unknown): void {
  process.stdout.write(`${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string" },
      "base-dir": { type: "string" },
      "max-sessions": { type: "string" },
      detach: { type: "boolean" },
      all: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, arg] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const support = labHostsSupported();
  if (!support.ok) {
    process.stderr.write(`lab hosts are not supported here: ${support.reason}\n`);
    return 1;
  }
  switch (command) {
    case "start": {
      const host = await startLabHost({
        name: values.name,
        baseDir: values["base-dir"],
        detached: values.detach ?? false,
        maxSessions: values["max-sessions"] === undefined ? undefined : Number(values["max-sessions"]),
      });
      const { privateKey: _secret, ...shown } = host;
      print(JSON.stringify(shown));
      if (values.detach) return 0;
      // Signal listeners alone do not keep Node running; the interval does, until a signal.
      const keepAlive = setInterval(() => undefined, 60_000);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      clearInterval(keepAlive);
      await host.stop();
      return 0;
    }
    case "stop": {
      if (arg === undefined) {
        process.stderr.write(USAGE);
        return 2;
      }
      const host = await loadLabHost(path.join(values["base-dir"] ?? DEFAULT_LAB_BASE_DIR, arg));
      await host.stop();
      print(`stopped ${arg}`);
      return 0;
    }
    case "list":
      print(await listSlots());
      return 0;
    case "cleanup":
      print(await cleanupStaleLabHosts({ includeDetached: values.all ?? false }));
      return 0;
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
