import type { CliIo } from './io.js';

/** A CliIo that records what the CLI writes, for in-process tests of main(). */
export function memoryIo(options: { env?: NodeJS.ProcessEnv; tty?: boolean; stdinTty?: boolean; answer?: boolean } = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    stdoutIsTTY: options.tty ?? false,
    stdinIsTTY: options.stdinTty ?? false,
    env: options.env ?? {},
    confirm: () => Promise.resolve(options.answer ?? false),
  };
  return io;
}
