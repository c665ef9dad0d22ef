// Compiles the custom server (server/main.ts and everything it imports from server/, lib/
// and scripts/) into one ESM file, build/server/main.mjs, that production runs with plain
// `node`: no TypeScript compiler in the running process (tsx costs a second process and
// ~50 MiB). npm packages stay external: Node loads them from node_modules as it would
// under tsx, so native modules (.node files), Prisma's query compiler and Next resolve
// exactly as before.
//
// The one thing not to break: each bundled module used to have its own import.meta.url.
// Two modules test "am I the entry point?" by comparing it with process.argv[1]
// (scripts/demo-host.ts, scripts/guest-image/tiny-guest.ts); in one bundle every module
// would see the bundle's URL and the demo-host CLI would run inside the server. So
// import.meta.url is redefined to a sibling file name that is never argv[1] (its
// directory is the bundle's, which is all createRequire in server/migrate.ts needs).
import { build } from "esbuild";

const started = performance.now();
await build({
  entryPoints: ["server/main.ts"],
  outfile: "build/server/main.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  // Written beside the bundle, not loaded: `node --enable-source-maps` maps stack traces
  // back to the TypeScript when debugging, at the price of the parsed map in memory.
  sourcemap: true,
  // Names stay as written: stack traces and pino's err serialiser read them.
  keepNames: true,
  legalComments: "none",
  logLevel: "warning",
  define: { "import.meta.url": "__labdeckModuleUrl" },
  banner: {
    js: 'const __labdeckModuleUrl = new URL("./bundled-module.mjs", import.meta.url).href;',
  },
});
console.log(`server compiled to build/server/main.mjs in ${Math.round(performance.now() - started)} ms`);
