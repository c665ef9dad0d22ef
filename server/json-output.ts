import { LabdeckError } from "./errors";

// One place turns a host tool's stdout into JSON (ip -j, lvs --reportformat json,
// lsblk -J, qemu-img --output=json), so every parser fails the same way: output that is
// not JSON is an INTERNAL error naming the step, never a bare SyntaxError far from where
// the text came from.

export function parseJsonOutput(step: string, stdout: string, opts: { emptyAs?: unknown } = {}): unknown {
  const text = stdout.trim();
  if (text === "" && "emptyAs" in opts) return opts.emptyAs;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new LabdeckError("INTERNAL", `${step}: output is not JSON`, { cause, details: { excerpt: text.slice(0, 200) } });
  }
}

/** `ip -j` prints nothing at all (not "[]") on some iproute2 versions when a list is empty. */
export function parseIpJson(step: string, stdout: string): unknown {
  return parseJsonOutput(step, stdout, { emptyAs: [] });
}
