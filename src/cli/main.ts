import { Command, CommanderError, Option } from 'commander';
import { isProcdocError } from '../errors.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { EXIT, exitCodeForError } from './exit.js';
import { processIo, type CliIo } from './io.js';
import { VERSION } from './version.js';
import { commandNameOf, judgesWithParser } from './argv.js';
import { startParserCompile } from '../validator/wasm.js';

type Factory = (ctx: CommandContext) => Command;

/**
 * Each subcommand's factory, loaded on demand: `procdoc check` must not pay for loading
 * the LLM client or the analyzers. The order is the order of `procdoc --help`.
 */
const COMMANDS: Record<string, () => Promise<Factory>> = {
  diagnose: async () => (await import('./commands/diagnose.js')).diagnoseCommand,
  snapshot: async () => (await import('./commands/snapshot.js')).snapshotCommand,
  pipeline: async () => (await import('./commands/pipeline.js')).pipelineCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  exec: async () => (await import('./commands/exec.js')).execCommand,
  ask: async () => (await import('./commands/ask.js')).askCommand,
};

/** Loads the factories of the named command, or of all of them (for help and unknown names). */
export async function loadCommands(name: string | undefined, argv: readonly string[]): Promise<Factory[]> {
  if (name === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  const loader = name === undefined ? undefined : COMMANDS[name];
  if (loader) return [await loader()];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

/** Builds the program with the given subcommand factories. */
export function buildProgram(ctx: CommandContext, factories: readonly Factory[]): Command {
  const program = new Command('procdoc')
    .description('AI-assisted Linux process diagnostics: why is it stuck, what is wrong, is this command safe?')
    .version(VERSION, '-V, --version')
    .option('--proc-root <dir>', 'read processes from this /proc (a fixture tree, or a host /proc mounted in a container)', '/proc')
    .option('--sys-root <dir>', 'read cgroups from this /sys', '/sys')
    .option('--no-color', 'no colour in text output (NO_COLOR is honoured too)')
    .addOption(new Option('--model <name>', 'LLM model name').env('PROCDOC_MODEL'))
    .addOption(new Option('--base-url <url>', 'OpenAI-compatible server URL').env('OPENAI_BASE_URL'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });

  for (const factory of factories) program.addCommand(factory(ctx));
  for (const sub of program.commands) {
    sub
      .exitOverride()
      .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) })
      .showHelpAfterError(`(run procdoc ${sub.name()} --help for usage)`);
  }
  return program;
}

function readGlobals(program: Command): GlobalOptions {
  const o = program.opts<{ procRoot: string; sysRoot: string; color: boolean; model?: string; baseUrl?: string }>();
  return { procRoot: o.procRoot, sysRoot: o.sysRoot, color: o.color, model: o.model, baseUrl: o.baseUrl };
}

/** Runs the CLI with the given arguments and returns the exit status. Never throws. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  let program: Command | undefined;
  const ctx: CommandContext = {
    io,
    globals: () => readGlobals(program!),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const named = commandNameOf(argv);
  const commandName = named !== undefined && named in COMMANDS ? named : undefined;
  // Started by the launcher already when procdoc runs from bin/ (launch.ts run()).
  if (judgesWithParser(argv)) await startParserCompile();
  try {
    program = buildProgram(ctx, await loadCommands(commandName, argv));
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // Help that was not asked for (no command given): printed on stderr, as bad usage.
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      // Commander has already printed its message.
      return commandName === 'diagnose' ? EXIT.diagnoseUnknown : EXIT.usage;
    }
    reportError(io, error);
    return exitCodeForError(error, commandName);
  }
}

function reportError(io: CliIo, error: unknown): void {
  if (isProcdocError(error)) {
    io.stderr(`procdoc: ${error.message}\n`);
    if (error.hint !== undefined) io.stderr(`  ${error.hint}\n`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`procdoc: internal error: ${message}\n  This is a bug in procdoc; please report it with the command you ran.\n`);
  if (io.env.PROCDOC_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
}
