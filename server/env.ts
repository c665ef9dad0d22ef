import { z } from "zod";
import { dataDir, databaseUrl } from "./db-url";

// Parsed once at start so a bad setting fails at boot, not inside a request.
const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  LABDECK_DATA_DIR: z.string().default(dataDir()),
  DATABASE_URL: z.string().default(databaseUrl()),
  /** 64 hex chars; when unset the key lives in `<data>/secret.key` (mode 600). */
  LABDECK_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters (32 bytes); a shorter or longer key is refused, never padded or cut")
    .optional(),
  /** Extra origins allowed to call mutations, comma separated (besides the request's own host). */
  LABDECK_ALLOWED_ORIGINS: z.string().default(""),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Set by the test harness: cookies without `Secure` on plain http. */
  LABDECK_INSECURE_COOKIES: z.enum(["0", "1"]).default("1"),
});

export type Env = z.infer<typeof ZEnv>;

let cached: Env | undefined;

/** Parses an environment; throws naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
