import { execa } from 'execa';
import type { RunPlan } from './plan.js';

/** The longest delay setTimeout holds (2^31 - 1 ms, about 24.8 days); it fires a longer one at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface RunResult {
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  /** The signal that interrupted procdoc (the abort's reason, when it names one), or null. */
  interruptedBy: string | null;
  /** Why it could not run at all (ENOENT…), or null. */
  error: string | null;
  durationMs: number;
}

export interface RunOptions {
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL of the group on timeout or interrupt. */
  graceMs: number;
  /** Aborted on Ctrl-C, SIGTERM or SIGHUP (the reason names it): the child's group is stopped and the result says interrupted. */
  signal?: AbortSignal;
  now(): number;
  onStdout(chunk: string): void;
  onStderr(chunk: string): void;
}

/** Runs a plan in its own process group (detached); on timeout or abort the whole group is killed. */
export async function runPlan(plan: RunPlan, options: RunOptions): Promise<RunResult> {
  if (!(options.timeoutMs > 0 && options.timeoutMs <= MAX_TIMEOUT_MS)) throw new RangeError(`timeoutMs ${options.timeoutMs} is out of range (1 to ${MAX_TIMEOUT_MS}).`);
  const started = options.now();
  const child = execa(plan.file, plan.args, { detached: true, stdin: 'ignore', reject: false, buffer: false, stripFinalNewline: false, cleanup: false });
  child.stdout?.setEncoding('utf8').on('data', (c: string) => options.onStdout(c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => options.onStderr(c));
  const pid = child.pid ?? null;
  let timedOut = false;
  let interrupted = false;
  const timers: NodeJS.Timeout[] = [];
  const killGroup = (sig: NodeJS.Signals): void => {
    if (pid === null) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  const stop = (): void => {
    killGroup('SIGTERM');
    timers.push(setTimeout(() => killGroup('SIGKILL'), options.graceMs));
  };
  timers.push(
    setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs),
  );
  const onAbort = (): void => {
    interrupted = true;
    stop();
  };
  if (options.signal?.aborted === true) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await child;
    // Whatever of the group outlived its leader after a timeout or Ctrl-C goes too.
    if (timedOut || interrupted) killGroup('SIGKILL');
    const spawnError = result.failed && result.exitCode === undefined && result.signal === undefined ? (result.cause instanceof Error ? result.cause.message : result.shortMessage) : null;
    return {
      pid,
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      timedOut,
      interrupted,
      interruptedBy: interrupted && typeof options.signal?.reason === 'string' ? options.signal.reason : null,
      error: spawnError ?? null,
      durationMs: options.now() - started,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
