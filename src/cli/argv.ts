/*
 * What a command line names, read before the CLI is loaded: the launcher (launch.ts) and
 * main.ts both look at it before commander parses anything.
 */

/** Global options that take a value, so the command name is not mistaken for one. */
const GLOBAL_WITH_VALUE = new Set(['--proc-root', '--sys-root', '--model', '--base-url']);

/** The subcommand named in argv, if any: the first word that is not an option or an option's value. */
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

/** Commands that always judge with the shell parser. */
const JUDGING = new Set(['check', 'exec']);

/**
 * Whether argv runs a command that always judges with the shell parser, so that its compile
 * is worth starting before anything else (startParserCompile): check and exec, not their help.
 */
export function judgesWithParser(argv: readonly string[]): boolean {
  const name = commandNameOf(argv);
  return name !== undefined && JUDGING.has(name) && !argv.some((a) => a === '--help' || a === '-h');
}
