import type { CliIo } from './io.js';

/** Options every command accepts (DESIGN.md: global flags). */
export interface GlobalOptions {
  procRoot: string;
  sysRoot: string;
  color: boolean;
  model: string | undefined;
  baseUrl: string | undefined;
}

/** What a subcommand factory is given: the injected I/O, the global options, the exit status. */
export interface CommandContext {
  readonly io: CliIo;
  globals(): GlobalOptions;
  setExitCode(code: number): void;
}
