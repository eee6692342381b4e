/*
 * What can be told from argv before commander parses it: main.ts loads only the
 * subcommand that runs.
 */

/** Global options that take a value, so the command name is not mistaken for one. */
const GLOBAL_WITH_VALUE = new Set(['--proc-root', '--sys-root', '--model', '--base-url']);

/** The subcommand named in argv, if any (not checked against the known ones). */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (GLOBAL_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return undefined;
}
