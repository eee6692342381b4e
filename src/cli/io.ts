import { createRequire } from 'node:module';
import type * as Readline from 'node:readline/promises';
import type * as Tty from 'node:tty';
/** Where the CLI writes and what it knows of its terminal; injected so tests run in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Ask a yes/no question on the terminal; resolves false when there is no terminal, and
   * 'interrupted' when Ctrl-C is typed at the prompt or `signal` aborts it.
   */
  confirm(question: string, signal?: AbortSignal): Promise<boolean | 'interrupted'>;
}

export function processIo(): CliIo {
  // A reader that goes away (`procdoc snapshot --json | head`) closes the pipe: stop writing
  // to it, quietly, and let the command finish (exec still writes its audit record).
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
  });
  return {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => void process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    // Asked only by `exec`'s confirmation, so worked out only then (stdinIsTTY()).
    get stdinIsTTY() {
      return stdinIsTTY();
    },
    env: process.env,
    async confirm(question, signal) {
      if (!stdinIsTTY()) return false;
      const { createInterface } = createRequire(import.meta.url)('node:readline/promises') as typeof Readline;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `, signal === undefined ? {} : { signal });
        return /^y(es)?$/i.test(answer.trim());
      } catch (error) {
        // Ctrl-C at the prompt (readline, the terminal in raw mode) or the signal: cancelled, not answered.
        if ((error as Error).name === 'AbortError') {
          process.stderr.write('\n');
          return 'interrupted';
        }
        throw error;
      } finally {
        rl.close();
      }
    },
  };
}

/**
 * Whether fd 0 is a terminal: isatty(0), not process.stdin.isTTY, which sets up a stream on
 * fd 0. node:tty is loaded only here: with node:net under it, it costs every run a few
 * milliseconds that only `exec` needs (a terminal stdout loads it anyway).
 */
function stdinIsTTY(): boolean {
  const { isatty } = createRequire(import.meta.url)('node:tty') as typeof Tty;
  return isatty(0);
}

/** Colour only on a terminal, and never when NO_COLOR is set or --no-color is given. */
export function useColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return io.stdoutIsTTY;
}

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export function paint(enabled: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return {
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}
