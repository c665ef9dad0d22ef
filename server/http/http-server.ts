import http from "node:http";
import type { Duplex } from "node:stream";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter } from "../api/root";
import { createContext } from "../api/context";
import { checkMutationOrigin } from "../auth/origin-check";
import { logger } from "../logger";

// Routes one HTTP server: tRPC on /api/trpc/ (behind the cross-site check), everything
// else to Next. Upgrades are kept here so console WebSockets can be claimed before Next.

export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  pages: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  upgrade?: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  allowedOrigins: readonly string[];
}

export function createHttpServer(opts: HttpServerOptions): http.Server {
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext,
    // Every input is small (the largest, a pasted command line or key, is 20 kB): a cap on
    // the body bounds what any schema has to look at before its own limits apply.
    maxBodySize: MAX_BODY_BYTES,
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path }, "tRPC procedure failed");
    },
  });

  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith("/api/trpc/")) {
      opts.pages(req, res);
      return;
    }
    const verdict = checkMutationOrigin({
      method: req.method ?? "GET",
      origin: req.headers.origin,
      host: req.headers.host,
      contentType: req.headers["content-type"],
      allowedOrigins: opts.allowedOrigins,
    });
    if (!verdict.ok) {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: verdict.reason } }));
      return;
    }
    req.socket.setNoDelay(true);
    trpcHandler(req, res);
  });

  server.on("upgrade", (req, socket, head) => {
    if (opts.upgrade) opts.upgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}
