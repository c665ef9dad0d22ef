// POSIX shell quoting of one argv element, the rule of Labdeck's one quoting function
// (server/ssh/quote.ts, which adds the checks a command that really runs needs). The
// pages render argv with it, so what a user reads or pastes into a shell is exactly the
// command that ran. What must not break: a word is either left bare (only characters no
// shell treats specially) or wrapped in single quotes, with each ' written as '\''.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteWord(arg: string): string {
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one shell line, for display (nothing is executed from it). */
export function shellLine(argv: readonly string[]): string {
  return argv.map(quoteWord).join(" ");
}
