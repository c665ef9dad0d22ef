import { LabdeckError } from "../errors";

// One place turns a tool's stdout into JSON so every parser fails the same way: a host
// that printed something unexpected is an INTERNAL error naming the step, never a crash
// with a bare SyntaxError far from where the text came from.

export function parseJsonOutput(step: string, stdout: string): unknown {
  const text = stdout.trim();
  // `ip -j` prints nothing at all (not "[]") on some iproute2 versions when a list is empty.
  if (text === "") return [];
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new LabdeckError("INTERNAL", `${step}: output is not JSON`, { cause, details: { excerpt: text.slice(0, 200) } });
  }
}
