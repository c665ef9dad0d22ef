// How a running remote command can be stopped. sshd puts every non-pty session in its own
// session and process group (it calls setsid() before exec'ing the login shell), so the
// shell's $$ is the process group of everything the command starts. We make the shell report
// it on stderr before running the command, strip that line from stderr, and on timeout or
// cancel run `kill -KILL -- -PGID` over a second channel. The "signal" channel request is no
// substitute: OpenSSH refuses it for root sessions ("session signalling requires privilege
// separation") and versions before 7.9 ignore it. What must not break: the marker is the
// only thing added to the command, and it must be removed from stderr before anyone sees it.
import { quoteArgv } from "./quote";

const MARKER = "ldk-pid:";
const MARKER_BYTES = Buffer.from(MARKER);
// Output a login shell prints before our command (a noisy ~/.bashrc) is passed through; if no
// marker shows up within this many bytes we give up looking and stop buffering.
const SEARCH_LIMIT = 8192;

/** The command string for argv: a fixed prefix with no caller data, then quoteArgv. */
export function remoteCommand(argv: readonly string[]): string {
  return `echo ${MARKER}$$ >&2; ${quoteArgv(argv)}`;
}

/** Removes the marker line from the head of stderr and reports the process group it names. */
export class PidMarkerFilter {
  private pending: Buffer | null = Buffer.alloc(0);

  constructor(
    private readonly emit: (chunk: Buffer) => void,
    private readonly onPid: (pid: number) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.pending === null) {
      this.emit(chunk);
      return;
    }
    const buf = Buffer.concat([this.pending, chunk]);
    const at = buf.indexOf(MARKER_BYTES);
    const nl = at < 0 ? -1 : buf.indexOf(0x0a, at);
    if (at >= 0 && nl >= 0) {
      const digits = buf.subarray(at + MARKER_BYTES.length, nl).toString("latin1");
      this.pending = null;
      if (/^[1-9][0-9]{0,9}$/.test(digits)) {
        const rest = Buffer.concat([buf.subarray(0, at), buf.subarray(nl + 1)]);
        this.onPid(Number(digits));
        if (rest.length > 0) this.emit(rest);
      } else {
        this.emit(buf);
      }
      return;
    }
    if (buf.length > SEARCH_LIMIT) {
      this.pending = null;
      this.emit(buf);
      return;
    }
    this.pending = buf;
  }

  /** Call when stderr ends: anything still held back belongs to the caller. */
  end(): void {
    const rest = this.pending;
    this.pending = null;
    if (rest !== null && rest.length > 0) this.emit(rest);
  }
}
