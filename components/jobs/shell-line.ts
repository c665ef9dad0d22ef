// Display only: renders an argv the way server/ssh/quote.ts quotes it, so what the user
// reads (and may paste into a shell) is the command that ran. Nothing is executed from it.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(arg: string): string {
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}
