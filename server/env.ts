import { isIP } from "node:net";
import { z } from "zod";
import { dataDir, databaseUrl } from "./db-url";
import { splitList, type RequestPolicy, type SecureCookieMode } from "./auth/request-security";

const ZOriginList = z
  .string()
  .refine(
    (v) => splitList(v).every((o) => URL.canParse(o) && new URL(o).origin === o),
    "each entry must be an origin such as https://labdeck.example.org (scheme, host, optional port; no path)",
  );

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
  /**
   * Origins, comma separated, Labdeck is also reached at (a reverse proxy's public name):
   * their hosts are accepted as Host and they may call mutations and open consoles.
   */
  LABDECK_ALLOWED_ORIGINS: ZOriginList.default(""),
  /** Addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed, comma separated. */
  LABDECK_TRUSTED_PROXIES: z
    .string()
    .refine((v) => splitList(v).every((a) => isIP(a) !== 0), "each entry must be an IP address")
    .default(""),
  /** auto: Secure (and the __Host- cookie name) when the request came over HTTPS. */
  LABDECK_SECURE_COOKIES: z.enum(["auto", "always", "never"]).optional(),
  /**
   * Probe jobs run at most this many at once (the rest wait queued). A probe mostly waits
   * (handshake, database commits), so on 2 cores 16 probed 100 hosts fastest with 0 failures
   * (docs/performance.md); all at once failed handshakes and steps under load.
   */
  LABDECK_PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Older spelling: 0 = LABDECK_SECURE_COOKIES=always, 1 = never. */
  LABDECK_INSECURE_COOKIES: z.enum(["0", "1"]).optional(),
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

/** The request policy (origins, trusted proxies, cookie security) the settings describe. */
export function requestPolicyFromEnv(e: Env = env()): RequestPolicy {
  const legacy: SecureCookieMode | undefined =
    e.LABDECK_INSECURE_COOKIES === "0" ? "always" : e.LABDECK_INSECURE_COOKIES === "1" ? "never" : undefined;
  return {
    allowedOrigins: splitList(e.LABDECK_ALLOWED_ORIGINS),
    trustedProxies: splitList(e.LABDECK_TRUSTED_PROXIES),
    secureCookies: e.LABDECK_SECURE_COOKIES ?? legacy ?? "auto",
  };
}
