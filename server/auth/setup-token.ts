import crypto from "node:crypto";

// While no user exists, the first admin may be created from the machine itself or by
// anyone holding this token, printed once in the server log at start.

let token: string | null = null;

export function issueSetupToken(): string {
  token = crypto.randomBytes(18).toString("base64url");
  return token;
}

export function checkSetupToken(candidate: string | undefined): boolean {
  if (!token || !candidate) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(candidate);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function consumeSetupToken(): void {
  token = null;
}
