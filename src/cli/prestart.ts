import { readdirSync } from 'node:fs';
import { prestartReader } from '../snapshot/parallel.js';
import { commandNameOf, readsLiveProc } from './argv.js';

/** Hosts with fewer processes are read by one thread before a second one could boot. */
const READER_THREAD_MIN_PROCESSES = 400;

/**
 * Run by the launcher before the CLI's modules load, to start slow work that does not
 * depend on them on other cores meanwhile: the reader thread when this run reads a large
 * live /proc (snapshot/parallel.ts), and the shell parser's WebAssembly compile when it
 * judges a command (validator/index.ts). Never throws; anything that fails here is done
 * again, and reported, where it is needed.
 */
export function prestart(argv: readonly string[]): void {
  try {
    if (readsLiveProc(argv) && !argv.includes('--proc-root') && countProcesses() >= READER_THREAD_MIN_PROCESSES) prestartReader();
  } catch {
    // the pass starts its own thread, or reads alone
  }
  const name = commandNameOf(argv);
  if (name === 'check' || name === 'exec') {
    void import('../validator/index.js').then((m) => m.loadValidator()).catch(() => undefined);
  }
}

function countProcesses(): number {
  let n = 0;
  for (const name of readdirSync('/proc')) if (name.charCodeAt(0) <= 57) n++;
  return n;
}
