// Next.js settings. Plain JavaScript on purpose: a next.config.ts is transpiled at every
// server start by Next's SWC binary, which maps ~26 MiB of native code into the production
// process for that one file (docs/performance.md, "Memory").

/** @type {import("next").NextConfig} */
const config = {
  // Native and SSH modules stay in Node's own require; bundling them breaks .node files.
  serverExternalPackages: ["ssh2", "better-sqlite3", "@prisma/adapter-better-sqlite3", "@node-rs/argon2", "pino"],
  poweredByHeader: false,
  typedRoutes: false,
  experimental: {
    // Page modules load on their first request instead of all at start: a server nobody
    // has opened yet holds none of them.
    preloadEntriesOnStart: false,
  },
};

export default config;
