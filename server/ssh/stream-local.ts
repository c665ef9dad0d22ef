// Byte streams to unix sockets on a host (QEMU serial consoles, QMP monitors), tunnelled
// as OpenSSH "direct-streamlocal" channels over the host's pooled connection. They are not
// exec sessions: sshd's MaxSessions does not count them and neither does the pool's channel
// cap, so an open console never makes commands wait, however long it stays open.
import type { Duplex } from "node:stream";
import type { ClientChannel } from "ssh2";
import { badInput, LabdeckError } from "../errors";
import type { HostConnection } from "./connect";

// sun_path holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH_BYTES = 107;
const ADMINISTRATIVELY_PROHIBITED = 1;

export function checkSocketPath(socketPath: string): void {
  if (!socketPath.startsWith("/") || socketPath.includes("\0") || Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw badInput("socketPath", `must be an absolute path of at most ${MAX_SOCKET_PATH_BYTES} bytes without NUL`);
  }
}

export function openStreamLocalOn(conn: HostConnection, hostName: string, socketPath: string): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    const lost = () => new LabdeckError("SSH_UNREACHABLE", `the connection to ${hostName} dropped while opening ${socketPath}`);
    try {
      conn.client.openssh_forwardOutStreamLocal(socketPath, (err: (Error & { reason?: number }) | undefined, ch: ClientChannel) => {
        if (err === undefined) resolve(ch);
        else if (conn.closed) reject(lost());
        else if (err.reason === ADMINISTRATIVELY_PROHIBITED) {
          reject(
            new LabdeckError("FORBIDDEN", `sshd on ${hostName} does not allow stream-local forwarding`, {
              details: { socketPath },
            }),
          );
        } else {
          // sshd says "open failed" both for a missing socket and for nobody listening on it.
          reject(
            new LabdeckError("NOT_FOUND", `${socketPath} on ${hostName} could not be opened: ${err.message}`, {
              details: { socketPath },
            }),
          );
        }
      });
    } catch {
      reject(lost());
    }
  });
}
