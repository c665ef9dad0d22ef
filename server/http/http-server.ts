import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter } from "../api/root";
import { createContext } from "../api/context";
import { requestPolicyFromEnv } from "../env";
import { checkHost, hostAllowList, type HostAllowList, type HostCheckResult } from "../auth/host-check";
import { checkMutationOrigin } from "../auth/origin-check";
import type { RequestPolicy } from "../auth/request-security";
import { logger } from "../logger";
import type { SignInGuard } from "../services/auth-service";
import type { Runtime } from "../compose";

// Routes one HTTP server: tRPC on /api/trpc/ (behind the cross-site check), everything
// else to Next. Upgrades are kept here so console WebSockets can be claimed before Next.
// Every request and every upgrade passes the Host check first (auth/host-check.ts): a
// Host this Labdeck is not served as is refused with 421 before any route sees it.

export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  /** The process's runtime (server/compose.ts), carried by every tRPC context. */
  runtime: Runtime;
  pages: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  upgrade?: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  allowedOrigins: readonly string[];
  /** Trusted proxies and cookie security; the environment's when absent (allowedOrigins above wins). */
  policy?: Omit<RequestPolicy, "allowedOrigins">;
  /** Names besides the listening address the server is reached at directly (e.g. HOST when it is a name). */
  hostNames?: readonly string[];
  /** Sign-in backoff state (tests); the runtime's when absent. */
  signInGuard?: SignInGuard;
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 421: "Misdirected Request", 431: "Request Header Fields Too Large" };

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Refused"}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n\r\n${body}`,
  );
}

export function createHttpServer(opts: HttpServerOptions): http.Server {
  const policy: RequestPolicy = { ...(opts.policy ?? requestPolicyFromEnv()), allowedOrigins: opts.allowedOrigins };
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: (o) => createContext(o, opts.runtime, policy, opts.signInGuard),
    // Every input is small (the largest, a pasted command line or key, is 20 kB): a cap on
    // the body bounds what any schema has to look at before its own limits apply.
    maxBodySize: MAX_BODY_BYTES,
    // The pages send queries as POST (components/trpc-provider.tsx), so no input rides in a URL.
    allowMethodOverride: true,
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path }, "tRPC procedure failed");
      // A refused body is a page sending more than any input allows: a bug worth a log line.
      if (error.code === "PAYLOAD_TOO_LARGE") logger.warn({ path, limit: MAX_BODY_BYTES }, "tRPC request refused: body too large (413)");
    },
  });

  let allow: HostAllowList | null = null;
  const hostVerdict = (req: http.IncomingMessage): HostCheckResult => {
    // Computed on first use: the port is known only once listening (tests listen on port 0).
    if (!allow) {
      const addr = server.address() as AddressInfo | null;
      allow = hostAllowList({
        listenHost: addr?.address ?? "",
        port: addr?.port ?? 0,
        names: opts.hostNames,
        allowedOrigins: policy.allowedOrigins,
      });
    }
    const verdict = checkHost(req.headers.host, allow);
    if (!verdict.ok)
      logger.warn({ host: req.headers.host ?? null, ip: req.socket.remoteAddress, url: req.url }, "request refused: Host not served here");
    return verdict;
  };

  const server = http.createServer((req, res) => {
    const host = hostVerdict(req);
    if (!host.ok) {
      res.writeHead(host.status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", connection: "close" });
      res.end(`${host.reason}\n`);
      return;
    }
    if (!req.url?.startsWith("/api/trpc/")) {
      opts.pages(req, res);
      return;
    }
    const verdict = checkMutationOrigin({
      method: req.method ?? "GET",
      origin: req.headers.origin,
      host: req.headers.host,
      contentType: req.headers["content-type"],
      allowedOrigins: policy.allowedOrigins,
    });
    if (!verdict.ok) {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: verdict.reason } }));
      return;
    }
    req.socket.setNoDelay(true);
    trpcHandler(req, res);
  });

  // Node answers a request it cannot parse (headers over 16 KiB: 431) before any handler runs,
  // and by default logs nothing; this keeps the refusal visible in the log and the answer
  // plain, so the page's fetch (components/trpc-fetch.ts) can say what happened.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    logger.warn(
      { status, code: err.code ?? null, ip: (socket as { remoteAddress?: string }).remoteAddress ?? null },
      status === 431 ? "request refused: headers too large (431)" : "request refused: unparseable HTTP",
    );
    if (!socket.writable) return socket.destroy();
    refuseUpgrade(socket, status, status === 431 ? "request headers too large" : "bad request");
  });

  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => undefined);
    const host = hostVerdict(req);
    if (!host.ok) refuseUpgrade(socket, host.status, host.reason);
    else if (opts.upgrade) opts.upgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}
