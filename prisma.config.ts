import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl } from "./server/db-url";

// Prisma's engine binaries cannot be downloaded here: the CLI runs on the JS engine
// through the same better-sqlite3 adapter the server uses.
process.env.DATABASE_URL ??= databaseUrl();
fs.mkdirSync(path.dirname(process.env.DATABASE_URL.replace(/^file:/, "")), { recursive: true });

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? databaseUrl() });
  },
});
