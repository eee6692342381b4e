/**
 * Real processes for integration tests: started as leaders of their own session and
 * process group, tracked in a registry, and killed (whole tree, group and session) by
 * stop() or stopAll(). Every wait is bounded.
 *
 * Use the default exports (one registry per test file, since vitest isolates modules per
 * file) and call `stopAll()` in afterAll/afterEach, or make your own registry with
 * `createProcessRegistry()`.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import {
  descendantsOf,
  ignoresSignal,
  listProcesses,
  readNsPids,
  readStat,
  readWchan,
  signal,
  sleep,
  thawFreezerOf,
  type ProcStat,
} from './proc-fs.js';
import { waitFor } from './wait.js';

export { readState, readStat, readStatus, readWchan, readNsPids, listProcesses } from './proc-fs.js';
export { waitFor, WaitTimeoutError, type WaitOptions } from './wait.js';

export interface StartOptions {
  /** Default 'ignore'. Use 'pipe' to talk to the process through `child`. */
  stdio?: StdioOptions;
  /** Added to (not replacing) the test's environment. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface Started {
  /** PID of `bash -c script` (the script may `exec` something else into it). */
  pid: number;
  /** Its process group (= pid: it leads a new session and group). */
  pgid: number;
  child: ChildProcess;
  /** Kills the group, the session and every descendant (SIGCONT, then SIGKILL) and waits until they are gone. Idempotent. */
  stop: () => Promise<void>;
}

export type Adopted = Omit<Started, 'child'>;

export interface StartedZombie {
  /** A `sleep` that never waits for its child. */
  parentPid: number;
  /** Its exited, unreaped child (state Z). */
  zombiePid: number;
  pgid: number;
  stop: () => Promise<void>;
}

export interface StartedPidNamespace {
  /** The `unshare` process on the host side. */
  unsharePid: number;
  /** Host PID of the namespace's PID 1 (a bash that does not catch SIGTERM). */
  initPid: number;
  pgid: number;
  stop: () => Promise<void>;
}

export interface StartedThreaded extends Started {
  /** One of its threads other than the main one: an id that opens under /proc but that /proc does not list. */
  tid: number;
}

export interface ProcessRegistry {
  /** Runs `bash -c script` as leader of a new session and process group. */
  startProcess: (script: string, opts?: StartOptions) => Promise<Started>;
  /** A parent with one zombie child; resolves once /proc shows the child in state Z. */
  startZombie: () => Promise<StartedZombie>;
  /** A process stopped by SIGSTOP; resolves once its state is T. Default script: `exec sleep 600`. */
  startStopped: (script?: string) => Promise<Started>;
  /** A `sleep` that ignores SIGTERM; resolves once SigIgn shows bit 15. */
  startTermIgnorer: () => Promise<Started>;
  /** `unshare --pid --fork --mount-proc` with bash as PID 1; resolves once that PID 1 is found. */
  startPidNamespace: () => Promise<StartedPidNamespace>;
  /** A process with threads (an idle node); resolves once /proc/PID/task lists one besides the main thread. */
  startThreaded: () => Promise<StartedThreaded>;
  /** Registers a process started elsewhere so that stopAll() kills its tree too. */
  adopt: (pid: number) => Adopted;
  /** Stops everything this registry started; throws after trying all if some would not die. */
  stopAll: () => Promise<void>;
}

const STOP_TIMEOUT_MS = 5_000;
const START_TIMEOUT_MS = 10_000;
// PID 1 on the test VM (process_api) reaps orphaned zombies only every second or two.
const REAP_TIMEOUT_MS = 3_000;
const LEAVES_FIRST_MS = 1_000;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

function isAlive(stat: ProcStat | undefined): stat is ProcStat {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Kills everything in session `sid`, group `pgid`, and the tree under `root`, including
 * descendants that moved to a session of their own (a shell under a pty does). Processes
 * are identified by pid + start time so that a reused PID is never hit.
 */
async function terminate(root: number, pgid: number, sid: number): Promise<void> {
  const known = new Map<number, number>();
  const started = Date.now();
  const deadline = started + STOP_TIMEOUT_MS;
  let reapDeadline: number | undefined;
  for (;;) {
    const all = listProcesses();
    const byPid = new Map(all.map((p) => [p.pid, p]));
    const rootStat = byPid.get(root);
    if (rootStat !== undefined && !known.has(root)) known.set(root, rootStat.starttime);
    for (const p of all) {
      if (!known.has(p.pid) && (p.pgid === pgid || p.sid === sid)) known.set(p.pid, p.starttime);
    }
    for (const [pid, start] of [...known]) {
      if (byPid.get(pid)?.starttime !== start) continue;
      for (const d of descendantsOf(pid, all)) {
        const s = byPid.get(d);
        if (s !== undefined && !known.has(d)) known.set(d, s.starttime);
      }
    }
    const ours = [...known]
      .map(([pid]) => byPid.get(pid))
      .filter((s): s is ProcStat => s !== undefined && s.starttime === known.get(s.pid));
    const alive = ours.filter(isAlive);
    if (alive.length === 0) {
      // Dead; wait (briefly, without failing) for init or node to reap the zombies, so that
      // a caller checking /proc right after stop() sees them gone.
      reapDeadline ??= Date.now() + REAP_TIMEOUT_MS;
      if (ours.length === 0 || Date.now() >= reapDeadline) return;
      await sleep(10);
      continue;
    }
    if (Date.now() >= deadline) {
      const list = alive.map((s) => `${s.pid} (${s.comm}, state ${s.state})`).join(', ');
      throw new Error(
        `Could not kill test processes within ${STOP_TIMEOUT_MS} ms: ${list}. ` +
          'A process in state D may be frozen in a v1 freezer cgroup or stuck in the kernel; thaw or kill it by PID.',
      );
    }
    // Leaves first, while their parents live to reap them: an orphaned zombie waits for
    // PID 1, which on the test VM reaps only every second or two. A parent that keeps
    // forking would outrun this, so after LEAVES_FIRST_MS everything is killed at once.
    const leavesOnly = Date.now() - started < LEAVES_FIRST_MS;
    const parents = new Set(alive.map((s) => s.ppid));
    for (const s of alive) {
      if (s.state === 'D') thawFreezerOf(s.pid);
      signal(s.pid, 'SIGCONT');
      if (!leavesOnly || !parents.has(s.pid)) signal(s.pid, 'SIGKILL');
    }
    if (!leavesOnly && pgid > 1) signal(-pgid, 'SIGKILL');
    await sleep(leavesOnly ? 5 : 20);
  }
}

function spawnDetached(script: string, opts: StartOptions): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // setpriv --pdeathsig: if the test process itself is killed (Ctrl-C, a timeout killing
    // vitest), the leader dies with it instead of outliving the run; setpriv execs bash.
    const argv = SETPRIV === undefined ? ['bash', '-c', script] : [SETPRIV, '--pdeathsig', 'KILL', 'bash', '-c', script];
    const child = spawn(argv[0] as string, argv.slice(1), {
      detached: true,
      stdio: opts.stdio ?? 'ignore',
      env: { ...process.env, ...opts.env },
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      // An 'error' after spawn (e.g. a failed kill) must not crash the test run.
      child.on('error', () => undefined);
      resolve(child);
    });
  });
}

/** A script that starts with `exec [-a NAME] PROGRAM` (PROGRAM not bash): bash becomes PROGRAM at once. */
const EXECS_AT_ONCE = /^exec\s+(?:-a\s+(?:"[^"]*"|'[^']*'|\S+)\s+)?(?!bash\b)[\w./-]/;

/** Creates a registry of started processes; `stopAll()` kills what it holds. */
export function createProcessRegistry(): ProcessRegistry {
  const started = new Set<{ stop: () => Promise<void> }>();

  function track(pid: number, child: ChildProcess): Started {
    let stopping: Promise<void> | undefined;
    const handle: Started = {
      pid,
      pgid: pid,
      child,
      stop: () => {
        stopping ??= terminate(pid, pid, pid).finally(() => started.delete(handle));
        return stopping;
      },
    };
    started.add(handle);
    return handle;
  }

  async function startProcess(script: string, opts: StartOptions = {}): Promise<Started> {
    const child = await spawnDetached(script, opts);
    if (child.pid === undefined) throw new Error(`bash -c ${JSON.stringify(script)} did not start`);
    const handle = track(child.pid, child);
    const pid = child.pid;
    // Resolve once setpriv has exec'd bash, so callers never see comm "setpriv"; and for a
    // script that is one `exec PROGRAM`, once bash has exec'd it, so they see PROGRAM, not bash.
    const execs = EXECS_AT_ONCE.test(script);
    await waitFor(
      () => {
        const comm = readStat(pid)?.comm;
        return comm === undefined || (comm !== 'setpriv' && (!execs || comm !== 'bash'));
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 2, what: `pid ${pid} to exec ${execs ? 'its program' : 'bash'}` },
    );
    return handle;
  }

  /** Runs `check` and stops the process if it fails, so a failed start leaks nothing. */
  async function startChecked<T>(script: string, check: (s: Started) => Promise<T>): Promise<T> {
    const s = await startProcess(script);
    try {
      return await check(s);
    } catch (error) {
      await s.stop().catch(() => undefined);
      throw error;
    }
  }

  return {
    startProcess,

    startZombie: () =>
      // bash forks the short sleep, then becomes `sleep 600`, which never calls wait().
      startChecked('sleep 0.05 & exec sleep 600', async (s) => {
        const zombiePid = await waitFor(
          () => listProcesses().find((p) => p.ppid === s.pid && p.state === 'Z')?.pid,
          { timeoutMs: START_TIMEOUT_MS, what: `a zombie child of pid ${s.pid}` },
        );
        return { parentPid: s.pid, zombiePid, pgid: s.pgid, stop: s.stop };
      }),

    startStopped: (script = 'exec sleep 600') =>
      startChecked(script, async (s) => {
        // Wait for the exec first, or SIGSTOP would stop bash before it becomes the command.
        if (script.startsWith('exec ')) {
          await waitFor(() => readStat(s.pid)?.comm !== 'bash', {
            timeoutMs: START_TIMEOUT_MS,
            what: `pid ${s.pid} to exec ${script.slice(5)}`,
          });
        }
        signal(s.pid, 'SIGSTOP');
        await waitFor(() => readStat(s.pid)?.state === 'T', {
          timeoutMs: START_TIMEOUT_MS,
          what: `pid ${s.pid} to be stopped (state T)`,
        });
        return s;
      }),

    startTermIgnorer: () =>
      // SIG_IGN survives exec, so the sleep itself ignores SIGTERM.
      startChecked("trap '' TERM; exec sleep 600", async (s) => {
        await waitFor(() => readStat(s.pid)?.comm === 'sleep' && ignoresSignal(s.pid, 15) === true, {
          timeoutMs: START_TIMEOUT_MS,
          what: `pid ${s.pid} to exec sleep with SIGTERM ignored`,
        });
        return s;
      }),

    startPidNamespace: () =>
      // `sleep & wait` keeps bash itself as PID 1 (a lone command would be exec'd instead).
      startChecked("exec unshare --pid --fork --mount-proc bash -c 'sleep 600 & wait'", async (s) => {
        const initPid = await waitFor(
          () =>
            listProcesses().find((p) => {
              if (p.ppid !== s.pid || p.comm !== 'bash') return false;
              const ns = readNsPids(p.pid);
              return ns !== undefined && ns.length >= 2 && ns[ns.length - 1] === 1;
            })?.pid,
          { timeoutMs: START_TIMEOUT_MS, what: `the PID 1 of the namespace made by unshare (pid ${s.pid})` },
        );
        return { unsharePid: s.pid, initPid, pgid: s.pgid, stop: s.stop };
      }),

    startThreaded: () =>
      // Node starts its V8 platform threads before running any script.
      startChecked(`exec ${process.execPath} -e 'setInterval(() => {}, 1e9)'`, async (s) => {
        const tid = await waitFor(
          () => {
            try {
              const other = readdirSync(`/proc/${s.pid}/task`).find((t) => t !== String(s.pid));
              return readStat(s.pid)?.comm === 'node' && other !== undefined ? Number(other) : undefined;
            } catch {
              return undefined;
            }
          },
          { timeoutMs: START_TIMEOUT_MS, what: `pid ${s.pid} to exec node and start a thread` },
        );
        return { ...s, tid };
      }),

    adopt(pid: number): Adopted {
      const stat = readStat(pid);
      if (stat === undefined) throw new Error(`Cannot adopt pid ${pid}: it does not exist`);
      let stopping: Promise<void> | undefined;
      const handle: Adopted = {
        pid,
        pgid: stat.pgid,
        stop: () => {
          // Only the group/session when the adopted process leads them: never a foreign group.
          const pgid = stat.pgid === pid ? pid : -1;
          const sid = stat.sid === pid ? pid : -1;
          stopping ??= terminate(pid, pgid, sid).finally(() => started.delete(handle));
          return stopping;
        },
      };
      started.add(handle);
      return handle;
    },

    async stopAll(): Promise<void> {
      const results = await Promise.allSettled([...started].map((s) => s.stop()));
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failures.length > 0) {
        throw new AggregateError(
          failures.map((f) => f.reason as unknown),
          `stopAll: ${failures.length} test process tree(s) would not die`,
        );
      }
    },
  };
}

/** The registry behind the convenience exports below (one per test file). */
export const defaultProcessRegistry = createProcessRegistry();
const registry = defaultProcessRegistry;

export const startProcess = registry.startProcess;
export const startZombie = registry.startZombie;
export const startStopped = registry.startStopped;
export const startTermIgnorer = registry.startTermIgnorer;
export const startPidNamespace = registry.startPidNamespace;
export const startThreaded = registry.startThreaded;
export const adopt = registry.adopt;
export const stopAll = registry.stopAll;

/**
 * The detail of exec's check that a process started here exited: gone, or (if this test
 * process, its parent, has not reaped it yet) a zombie waiting for that.
 */
export function exitedDetail(pid: number, comm: string): RegExp {
  return new RegExp(`^PID ${pid} \\(${comm}\\) (is gone|has exited \\(a zombie until its parent, PID ${process.pid}, reaps it\\))\\.$`);
}

/**
 * The two stages of a started `yes | sleep 600`, once it has stalled: sleep asleep (state S)
 * and yes blocked writing the full pipe. The pipe fills before bash's second child has
 * become sleep; until then that stage is a runnable shell, and the pipeline is rightly
 * judged alive, so a test that wants the stall must wait for both.
 */
export async function stalledYesSleep(s: Started): Promise<{ yesPid: number; sleepPid: number }> {
  return waitFor(
    () => {
      const group = listProcesses().filter((p) => p.pgid === s.pgid && p.pid !== s.pid);
      const yes = group.find((p) => p.comm === 'yes' && p.state === 'S' && (readWchan(p.pid) ?? '').endsWith('pipe_write'));
      const sleeper = group.find((p) => p.comm === 'sleep' && p.state === 'S');
      return yes !== undefined && sleeper !== undefined ? { yesPid: yes.pid, sleepPid: sleeper.pid } : undefined;
    },
    { timeoutMs: 10_000, what: `yes | sleep 600 in process group ${s.pgid} to stall` },
  );
}
