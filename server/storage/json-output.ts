import { LabdeckError } from "../errors";

// One place turns a storage tool's stdout into JSON, so every parser fails the same way:
// output that is not JSON is an INTERNAL error naming the step, never a bare SyntaxError.
// (network/json-util.ts does the same for network tools; subject modules do not import
// each other, so the two stay separate until they move to a shared module.)

export function parseJsonOutput(step: string, stdout: string): unknown {
  const text = stdout.trim();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new LabdeckError("INTERNAL", `${step}: output is not JSON`, { cause, details: { excerpt: text.slice(0, 200) } });
  }
}
