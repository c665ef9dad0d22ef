import crypto from "node:crypto";
import fs from "node:fs";

// While no user exists, the first admin may be created through the web only by whoever
// holds this token: printed once in the server log at start and written to
// `<data dir>/setup-token` (mode 600, removed when used), so reading it takes a shell on the
// Labdeck machine as its user, the same as running the CLI. Where a request comes from is
// never enough on its own: a reverse proxy on the same machine, or DNS rebinding, makes a
// remote browser's request arrive from loopback.

let token: string | null = null;
let tokenFile: string | null = null;

export function issueSetupToken(opts: { file?: string } = {}): string {
  token = crypto.randomBytes(18).toString("base64url");
  tokenFile = opts.file ?? null;
  if (tokenFile) {
    fs.rmSync(tokenFile, { force: true });
    fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600, flag: "wx" });
  }
  return token;
}

export function checkSetupToken(candidate: string | undefined): boolean {
  if (!token || !candidate) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(candidate.trim());
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function consumeSetupToken(): void {
  token = null;
  if (tokenFile) fs.rmSync(tokenFile, { force: true });
  tokenFile = null;
}
