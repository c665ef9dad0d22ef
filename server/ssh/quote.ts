// The one quoting function of Labdeck: every command that reaches a host passes here.
// Each argv element becomes one POSIX shell word; nothing else ever builds a command line.
// The word rule itself is lib/shell-words.ts, so the pages show argv quoted the same way.
import { quoteWord } from "../../lib/shell-words";
import { badInput } from "../errors";

export function quoteArg(arg: string): string {
  // A NUL cannot travel inside an SSH exec string: the remote side would silently cut the word.
  if (arg.includes("\0")) throw badInput("argv", "argument contains a NUL byte");
  return quoteWord(arg);
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw badInput("argv", "empty argv");
  return argv.map(quoteArg).join(" ");
}
