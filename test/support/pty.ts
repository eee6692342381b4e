/**
 * Processes under a real pseudo-terminal (util-linux `script -qfc`), so that job control
 * behaves as at a terminal: a background job that reads the tty gets SIGTTIN and stops.
 * The `script` process leads a new session and group of the test; the shell inside leads
 * the pty's session. stop() kills both sessions (see procs.ts).
 */
import { defaultProcessRegistry, type ProcessRegistry, type Started } from './procs.js';
import { descendantsOf, listProcesses, readStat, readWchan, type ProcStat } from './proc-fs.js';
import { waitFor } from './wait.js';

/** Quotes a string for bash (single quotes). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Runs `bash -c script` under a new pseudo-terminal; `pid` is the `script` process. */
export async function runInPty(script: string, registry: ProcessRegistry = defaultProcessRegistry): Promise<Started> {
  // script's stdin is a pipe that stays open (never written): with /dev/null it would read
  // EOF at once and pass it on to the terminal, racing the job it is meant to host.
  // script(1) runs the command with $SHELL, which CI may leave unset (then /bin/sh, dash):
  // dash kills itself after a Ctrl-C its child caught, where bash goes on with the script.
  return registry.startProcess(`SHELL=/bin/bash exec script -qfc ${shellQuote(script)} /dev/null`, { stdio: ['pipe', 'ignore', 'ignore'] });
}

export interface PtyJob extends Started {
  /** The interactive bash on the pty (session leader there). */
  shellPid: number;
  /** The background `cat` that read the tty and is stopped by SIGTTIN (state T, wchan do_signal_stop). */
  readerPid: number;
  /** The foreground `sleep 600` that owns the terminal. */
  foregroundPid: number;
}

/**
 * An interactive bash on a pty that ran `cat &` then `sleep 600`: the background cat
 * reads the terminal and ends stopped by SIGTTIN. Resolves once /proc shows it in state T.
 */
export async function startTtyReaderJob(registry: ProcessRegistry = defaultProcessRegistry): Promise<PtyJob> {
  const s = await runInPty("exec bash --norc --noprofile -ic 'cat & sleep 600'", registry);
  try {
    const find = (all: ProcStat[], comm: string, state?: string): ProcStat | undefined =>
      descendantsOf(s.pid, all)
        .map((pid) => all.find((p) => p.pid === pid))
        .find((p) => p !== undefined && p.comm === comm && (state === undefined || p.state === state));
    const found = await waitFor(
      () => {
        const all = listProcesses();
        const reader = find(all, 'cat', 'T');
        const foreground = find(all, 'sleep');
        return reader !== undefined && foreground !== undefined ? { reader, foreground } : undefined;
      },
      { timeoutMs: 10_000, what: `a background cat stopped by SIGTTIN under the pty of pid ${s.pid}` },
    );
    return {
      ...s,
      shellPid: found.reader.ppid,
      readerPid: found.reader.pid,
      foregroundPid: found.foreground.pid,
    };
  } catch (error) {
    await s.stop().catch(() => undefined);
    throw error;
  }
}

export { readStat, readWchan };
