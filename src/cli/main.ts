import { Command, CommanderError, Option } from 'commander';
import { ProcdocError, isProcdocError } from '../errors.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { EXIT, exitCodeForError } from './exit.js';
import { processIo, type CliIo } from './io.js';
import { snapshotCommand } from './commands/snapshot.js';
import { VERSION } from './version.js';

/** Builds the program; each subcommand comes from its own factory. */
export function buildProgram(ctx: CommandContext): Command {
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

  program.addCommand(snapshotCommand(ctx));
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });
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
  program = buildProgram(ctx);
  const commandName = argv.find((a) => program!.commands.some((c) => c.name() === a));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      // Commander has already printed its message.
      return commandName === 'diagnose' ? EXIT.diagnoseUnknown : commandName === 'check' ? EXIT.usage : EXIT.usage;
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

export { ProcdocError };
