import type { NextConfig } from "next";

const config: NextConfig = {
  // Native and SSH modules stay in Node's own require; bundling them breaks .node files.
  serverExternalPackages: ["ssh2", "better-sqlite3", "@prisma/adapter-better-sqlite3", "@node-rs/argon2", "pino"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
