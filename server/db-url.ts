import path from "node:path";

/** Where the SQLite file lives: DATABASE_URL, else `<LABDECK_DATA_DIR or ./data>/labdeck.db`. */
export function dataDir(): string {
  return path.resolve(process.env.LABDECK_DATA_DIR ?? "data");
}

export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? `file:${path.join(dataDir(), "labdeck.db")}`;
}
