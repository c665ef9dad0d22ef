// The one quoting function of Labdeck: every command that reaches a host passes here.
// Each argv element becomes one POSIX shell word; nothing else ever builds a command line.
import { badInput } from "../errors";

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(arg: string): string {
  // A NUL cannot travel inside an SSH exec string: the remote side would silently cut the word.
  if (arg.includes("\0")) throw badInput("argv", "argument contains a NUL byte");
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw badInput("argv", "empty argv");
  return argv.map(quoteArg).join(" ");
}
