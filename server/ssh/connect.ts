// Opening one SSH connection with the host key checked before anything is sent. The
// verifier runs during key exchange, before authentication: refusing there means a host
// with an unknown or changed key never sees our user name or a signature from our key.
// Errors name the host and address but never carry the private key.
import { Client, type ConnectConfig } from "ssh2";
import { LabdeckError } from "../errors";
import { logger } from "../logger";
import { hostKeyInfo, sameFingerprint } from "./fingerprint";
import type { HostKeyInfo, SshTarget } from "./types";

const log = logger.child({ module: "ssh" });

export interface ConnectOptions {
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

/** One ssh2 client plus the one fact the pool needs about it: whether it is gone. */
export class HostConnection {
  private isClosed = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly client: Client,
    readonly label: string,
  ) {
    const markClosed = () => {
      if (this.isClosed) return;
      this.isClosed = true;
      for (const fn of [...this.listeners]) fn();
      this.listeners.clear();
    };
    client.on("end", markClosed);
    client.on("close", markClosed);
    client.on("error", (err: Error) => {
      log.warn({ host: label, err: err.message }, "ssh connection error");
      markClosed();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Runs fn once when the connection goes away; returns the unsubscribe function. */
  onClose(fn: () => void): () => void {
    if (this.isClosed) {
      queueMicrotask(fn);
      return () => undefined;
    }
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Polite close, forced after a short wait so shutdown never hangs on a dead peer. */
  end(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 1000);
      this.onClose(() => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }
}

function where(name: string, address: string, port: number): string {
  return name === address ? `${address}:${port}` : `${name} (${address}:${port})`;
}

const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  ENOTFOUND: "name not found",
  EAI_AGAIN: "name lookup failed",
};

type Ssh2Error = Error & { level?: string; code?: string };

export function mapConnectError(err: Ssh2Error, name: string, address: string, port: number): LabdeckError {
  const at = where(name, address, port);
  if (err.level === "client-authentication") {
    return new LabdeckError("SSH_AUTH", `authentication to ${at} was refused: the key is not accepted`, {
      cause: err,
    });
  }
  if (err.level === "client-timeout") {
    return new LabdeckError("SSH_UNREACHABLE", `${at} did not complete the SSH handshake in time`, { cause: err });
  }
  const reason = (err.code !== undefined ? SOCKET_REASONS[err.code] : undefined) ?? err.message;
  return new LabdeckError("SSH_UNREACHABLE", `${at} is unreachable: ${reason}`, { cause: err });
}

function baseConfig(address: string, port: number, opts: ConnectOptions): ConnectConfig {
  return {
    host: address,
    port,
    readyTimeout: opts.readyTimeoutMs,
    keepaliveInterval: opts.keepaliveIntervalMs,
    keepaliveCountMax: opts.keepaliveCountMax,
  };
}

function hostKeyError(target: SshTarget, presented: HostKeyInfo): LabdeckError | null {
  const at = where(target.name, target.address, target.port);
  if (target.pinnedFingerprint === null) {
    return new LabdeckError(
      "HOST_KEY_UNKNOWN",
      `host key for ${at} is not pinned yet: the host presented ${presented.fingerprint} (${presented.algorithm}); ` +
        "nothing was sent. Confirm the fingerprint to connect.",
      { details: { fingerprint: presented.fingerprint, algorithm: presented.algorithm } },
    );
  }
  if (!sameFingerprint(target.pinnedFingerprint, presented.fingerprint)) {
    return new LabdeckError(
      "HOST_KEY_MISMATCH",
      `host key for ${at} changed: pinned ${target.pinnedFingerprint}, host presented ${presented.fingerprint}; ` +
        "nothing was sent. An admin can re-pin it after checking.",
      {
        details: {
          pinned: target.pinnedFingerprint,
          fingerprint: presented.fingerprint,
          algorithm: presented.algorithm,
        },
      },
    );
  }
  return null;
}

export function connect(target: SshTarget, opts: ConnectOptions): Promise<HostConnection> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let refusal: LabdeckError | null = null;
    let settled = false;
    const fail = (e: LabdeckError) => {
      if (settled) return;
      settled = true;
      client.destroy();
      reject(e);
    };
    client.once("ready", () => {
      if (settled) return;
      settled = true;
      client.removeListener("error", onEarlyError);
      client.removeListener("close", onEarlyClose);
      resolve(new HostConnection(client, target.name));
    });
    const onEarlyError = (err: Ssh2Error) => fail(refusal ?? mapConnectError(err, target.name, target.address, target.port));
    const onEarlyClose = () =>
      fail(
        refusal ??
          new LabdeckError(
            "SSH_UNREACHABLE",
            `${where(target.name, target.address, target.port)} closed the connection during the SSH handshake`,
          ),
      );
    client.on("error", onEarlyError);
    client.on("close", onEarlyClose);
    try {
      client.connect({
        ...baseConfig(target.address, target.port, opts),
        username: target.username,
        privateKey: target.privateKey,
        hostVerifier: (key: Buffer) => {
          refusal = hostKeyError(target, hostKeyInfo(key));
          return refusal === null;
        },
      });
    } catch (e) {
      // ssh2 throws here when the key text cannot be parsed; its message never quotes the key.
      const message = e instanceof Error ? e.message : String(e);
      fail(
        /privateKey|private key/i.test(message)
          ? new LabdeckError("SSH_AUTH", `the private key for ${target.name} could not be read`, {
              cause: new Error(message),
            })
          : new LabdeckError("SSH_UNREACHABLE", `could not connect to ${target.name}: ${message}`),
      );
      return;
    }
    // Without this, Nagle and delayed ACK add ~40 ms to every small command.
    client.setNoDelay(true);
  });
}

/** Reads the host key and aborts during key exchange: no user name or key is ever offered. */
export function fetchHostKey(address: string, port: number, opts: ConnectOptions): Promise<HostKeyInfo> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let info: HostKeyInfo | null = null;
    let settled = false;
    const finish = (err: Ssh2Error | null) => {
      if (settled) return;
      settled = true;
      client.destroy();
      if (info !== null) resolve(info);
      else if (err !== null) reject(mapConnectError(err, address, address, port));
      else {
        reject(new LabdeckError("SSH_UNREACHABLE", `${address}:${port} closed the connection before showing a host key`));
      }
    };
    client.on("error", (err: Ssh2Error) => finish(err));
    client.on("close", () => finish(null));
    client.connect({
      ...baseConfig(address, port, opts),
      username: "labdeck-host-key-probe",
      hostVerifier: (key: Buffer) => {
        info = hostKeyInfo(key);
        return false;
      },
    });
    client.setNoDelay(true);
  });
}
