import { LabdeckError } from "../../errors";
import { connectQmp, QmpError } from "./qmp";
import type { QmpExecutor } from "../../jobs/job-runner";
import type { ExecResult, SshExecutor } from "../../ssh/types";

// Runs one QMP command for a job: a streamlocal channel to the guest's monitor socket, the
// capabilities handshake, the command, close. Its outcome reads like a command's so the
// runner audits and reports it the same way. `quit` closing the monitor is its success.

const HANDSHAKE_TIMEOUT_MS = 5000;

function result(
  outcome: ExecResult["outcome"],
  exitStatus: number | null,
  started: number,
  out: { stdout?: string; stderr?: string },
): ExecResult {
  return {
    outcome,
    exitStatus,
    exitSignal: null,
    stdout: out.stdout ?? "",
    stderr: out.stderr ?? "",
    durationMs: Math.round(Date.now() - started),
  };
}

export function qmpExecutor(ssh: SshExecutor): QmpExecutor {
  return async (target, call, opts) => {
    const started = Date.now();
    let stream;
    try {
      stream = await ssh.openStreamLocal(target, call.socket);
    } catch (err) {
      // No monitor to talk to: QEMU is not running. The step ran and failed; nothing is unknown.
      if (err instanceof LabdeckError && err.code === "NOT_FOUND") {
        return result("exited", 1, started, { stderr: `no QEMU monitor at ${call.socket}: the guest is not running` });
      }
      throw err;
    }
    const onAbort = () => stream.destroy();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const client = await connectQmp(stream, { timeoutMs: Math.min(HANDSHAKE_TIMEOUT_MS, opts.timeoutMs) });
      try {
        const ret = await client.execute(call.execute, call.arguments, { timeoutMs: opts.timeoutMs });
        return result("exited", 0, started, { stdout: `${JSON.stringify(ret ?? {})}\n` });
      } finally {
        client.close();
      }
    } catch (err) {
      if (opts.signal?.aborted) return result("cancelled", null, started, { stderr: "cancelled" });
      if (!(err instanceof QmpError)) throw err;
      if (err.kind === "command") return result("exited", 1, started, { stderr: `${err.errorClass ?? "Error"}: ${err.message}` });
      if (err.kind === "timeout") return result("timeout", null, started, { stderr: err.message });
      if (err.kind === "closed" && call.execute === "quit")
        return result("exited", 0, started, { stdout: "QEMU closed its monitor: it is exiting\n" });
      return result("connection-lost", null, started, { stderr: err.message });
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
    }
  };
}
