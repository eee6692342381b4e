/*
 * What can be told from argv before commander (or anything else heavy) is loaded: the
 * launcher uses it to start work early, main.ts to load only the subcommand that runs.
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

/** Subcommands that read the whole live /proc unless given --from. */
const READS_LIVE_PROC = new Set(['snapshot', 'diagnose', 'pipeline', 'check', 'exec', 'ask']);

/** Whether this run will read the live /proc (so a reader thread is worth starting now). */
export function readsLiveProc(argv: readonly string[]): boolean {
  const name = commandNameOf(argv);
  if (name === undefined || !READS_LIVE_PROC.has(name)) return false;
  return !argv.some((a) => a === '--from' || a.startsWith('--from=') || a === '--help' || a === '-h');
}
