/**
 * A real systemd, booted in a throw-away container for integration tests:
 *
 *   systemd-nspawn -D / --volatile=yes --register=no --keep-unit -q -b --machine=NAME
 *                  --bind-ro=<project root> [--bind-ro=…] -- systemd.firstboot=off
 *
 * --volatile=yes gives the container a fresh tmpfs root with only the host's /usr mounted
 * (read-only), so nothing it does (tmpfiles cleaning /tmp, journald, units) reaches the
 * host's files. NEVER start systemd any other way: a plain `unshare` + systemd shares the
 * host's /tmp and its tmpfiles cleanup wipes it.
 *
 * Before exec'ing nspawn, the launcher moves itself into its own cgroup
 * (procdoc-nspawn-NAME) in the name=systemd and cgroup2 hierarchies: with --keep-unit,
 * nspawn builds payload/ and supervisor/ under its own cgroup, and two containers (or two
 * agents' test runs) sharing the root cgroup would fight over one payload/.
 *
 * Boot to `running` takes about 3 s on the 2-core test VM (measured by the harness test;
 * see container.bootMs); stop() takes about 0.5 s.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, rmdirSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { listProcesses, readNsPids, readStat, signal, sleep } from './proc-fs.js';
import { waitFor } from './wait.js';

export interface BootOptions {
  /** Machine name (letters, digits, '-', '.'); default procdoc-test-<random>. */
  name?: string;
  /** More host paths to bind read-only at the same place inside. */
  bindRo?: string[];
  /** Default 60 000 ms. */
  bootTimeoutMs?: number;
  /** The container is powered off when this process is gone without stop() (default: the test process). */
  ownerPid?: number;
}

export interface RunOptions {
  /** Default 30 000 ms; the command is killed after it. */
  timeoutMs?: number;
  input?: string;
  env?: Record<string, string>;
  /** Working directory inside the container. */
  cwd?: string;
  /**
   * Run inside a transient scope unit of the container's systemd (`systemd-run --scope`),
   * so the command sits in the container's cgroup tree. Without it, the command stays in
   * the test's own (host) cgroup and /proc/self/cgroup inside shows "/../..".
   */
  scope?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** 128 + signal number when killed by a signal (as a shell reports it). */
  exitCode: number;
}

export interface SystemdContainer {
  name: string;
  /** The systemd-nspawn process on the host. */
  nspawnPid: number;
  /** Host PID of the container's systemd (PID 1 inside). */
  leaderPid: number;
  /** Console output of the container (kept after stop() only if stopping failed). */
  logFile: string;
  /** Milliseconds from spawn to `systemctl is-system-running` = running|degraded. */
  bootMs: number;
  /** `nsenter -t leaderPid -a argv…`: runs a command in all the container's namespaces. */
  run: (argv: string[], opts?: RunOptions) => Promise<RunResult>;
  /** `systemd-run --unit=UNIT --property=K=V… -- argv…`; throws if the unit could not be started. */
  systemdRun: (unit: string, argv: string[], props?: Record<string, string>) => Promise<RunResult>;
  /** `systemctl show UNIT` as a record (MainPID, ActiveState, NRestarts, ControlGroup, …). */
  show: (unit: string) => Promise<Record<string, string>>;
  /** Host PID of a process known inside the container by `containerPid`, or undefined. */
  hostPid: (containerPid: number) => number | undefined;
  /** Powers the container off (SIGTERM to nspawn, SIGKILL after 15 s), waits, and removes its cgroups. Idempotent. */
  stop: () => Promise<void>;
}

export interface ContainerRegistry {
  bootSystemd: (opts?: BootOptions) => Promise<SystemdContainer>;
  stopAllContainers: () => Promise<void>;
}

const STOP_GRACE_MS = 15_000;

/** Args: owner pid, nspawn pid, machine name, cgroup dirs. Waits for the owner to vanish, then cleans up. */
const SENTINEL = `
t=$1 n=$2 name=$3; shift 3
while kill -0 "$t" 2>/dev/null; do sleep 1; done
kill -TERM "$n" 2>/dev/null
for i in $(seq 1 30); do kill -0 "$n" 2>/dev/null || break; sleep 0.5; done
kill -KILL "$n" 2>/dev/null
for d in "$@"; do find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null; done
sleep 1
for d in "$@"; do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
rm -rf "/run/systemd/nspawn/propagate/$name"
true`;
const KILL_WAIT_MS = 5_000;

/** The project root (…/test/support/nspawn.ts → …), also right after a fresh clone elsewhere. */
export const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Mount points of the hierarchies where nspawn --keep-unit puts payload/ and supervisor/. */
function systemdCgroupRoots(): string[] {
  const roots: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const [fstype, , superOptions = ''] = right.split(' ');
    const mountPoint = left.split(' ')[4];
    if (mountPoint === undefined) continue;
    if (fstype === 'cgroup2' || (fstype === 'cgroup' && superOptions.split(',').includes('name=systemd'))) {
      roots.push(mountPoint);
    }
  }
  return roots;
}

/** Kills anything left in a cgroup tree and removes it, deepest first; bounded. */
async function removeCgroupTree(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeCgroupTree(join(dir, entry.name));
  }
  const deadline = Date.now() + KILL_WAIT_MS;
  for (;;) {
    let pids: number[] = [];
    try {
      pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      // gone
    }
    try {
      if (pids.length === 0) rmdirSync(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (Date.now() >= deadline) throw new Error(`Could not remove cgroup ${dir}: ${code}`, { cause: error });
    }
    for (const pid of pids) signal(pid, 'SIGKILL');
    if (Date.now() >= deadline) throw new Error(`Processes ${pids.join(', ')} in ${dir} would not die`);
    await sleep(50);
  }
}

function logTail(file: string): string {
  try {
    // Strip colour codes so the tail reads well in a test failure.
    const esc = String.fromCharCode(27);
    const lines = readFileSync(file, 'utf8').replaceAll(new RegExp(`${esc}\\[[0-9;]*m`, 'g'), '').trimEnd().split('\n');
    return lines.slice(-25).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Creates a registry of containers; `stopAllContainers()` stops what it booted. */
export function createContainerRegistry(): ContainerRegistry {
  const booted = new Set<{ stop: () => Promise<void> }>();

  async function bootSystemd(opts: BootOptions = {}): Promise<SystemdContainer> {
    const name = opts.name ?? `procdoc-test-${randomBytes(4).toString('hex')}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/.test(name)) {
      throw new Error(`Invalid machine name ${JSON.stringify(name)}: use letters, digits, '-' and '.' (at most 64).`);
    }
    const bootTimeoutMs = opts.bootTimeoutMs ?? 60_000;
    const binds = new Set([projectRoot, ...(opts.bindRo ?? [])]);
    // --volatile=yes only brings /usr: bring node along when it lives elsewhere (nvm, CI caches).
    const nodePrefix = dirname(dirname(process.execPath));
    if (!process.execPath.startsWith('/usr/')) binds.add(nodePrefix);

    const cgroupDirs = systemdCgroupRoots().map((root) => join(root, `procdoc-nspawn-${name}`));
    for (const dir of cgroupDirs) mkdirSync(dir, { recursive: true });

    const logFile = join(tmpdir(), `procdoc-nspawn-${name}.log`);
    const logFd = openSync(logFile, 'w');
    const started = Date.now();
    const nspawnArgs = [
      '-D', '/', '--volatile=yes', '--register=no', '--keep-unit', '-q', '-b', `--machine=${name}`,
      ...[...binds].map((b) => `--bind-ro=${b}`),
      // A fresh /etc has no machine-id: without this, systemd-firstboot waits for a key press.
      '--', 'systemd.firstboot=off',
    ];
    const child = spawn(
      'bash',
      [
        '-c',
        'IFS=:; for f in $PROCDOC_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; unset IFS PROCDOC_CGROUP_PROCS; exec "$@"',
        'procdoc-nspawn',
        'systemd-nspawn',
        ...nspawnArgs,
      ],
      {
        cwd: '/',
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, PROCDOC_CGROUP_PROCS: cgroupDirs.map((d) => join(d, 'cgroup.procs')).join(':') },
      },
    );
    closeSync(logFd);
    let exited: string | undefined;
    child.on('exit', (code, sig) => (exited = `systemd-nspawn exited (${sig ?? `status ${code}`})`));
    const spawnError = await new Promise<Error | undefined>((resolve) => {
      child.once('error', resolve);
      child.once('spawn', () => resolve(undefined));
    });
    child.on('error', () => undefined);
    const nspawnPid = child.pid;

    // If the test process dies without calling stop() (Ctrl-C, a killed vitest), this
    // sentinel powers the container off and removes its cgroups, so no systemd is left behind.
    const sentinel =
      nspawnPid === undefined
        ? undefined
        : spawn('bash', ['-c', SENTINEL, 'procdoc-nspawn-sentinel', String(opts.ownerPid ?? process.pid), String(nspawnPid), name, ...cgroupDirs], {
            detached: true,
            stdio: 'ignore',
          });
    sentinel?.on('error', () => undefined);
    sentinel?.unref();

    let leaderPid = -1;
    let leaderStart: number | undefined;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        if (sentinel?.pid !== undefined && sentinel.exitCode === null) signal(sentinel.pid, 'SIGKILL');
        if (nspawnPid !== undefined && exited === undefined) {
          // SIGTERM makes nspawn ask the container's systemd to power off.
          signal(nspawnPid, 'SIGTERM');
          const deadline = Date.now() + STOP_GRACE_MS;
          while (exited === undefined && Date.now() < deadline) await sleep(50);
          if (exited === undefined) {
            // Killing PID 1 of the namespace takes every process inside with it.
            if (leaderPid > 0 && readStat(leaderPid)?.ppid === nspawnPid) signal(leaderPid, 'SIGKILL');
            signal(nspawnPid, 'SIGKILL');
            const killDeadline = Date.now() + KILL_WAIT_MS;
            while (exited === undefined && Date.now() < killDeadline) await sleep(50);
            if (exited === undefined) throw new Error(`systemd-nspawn (pid ${nspawnPid}) of ${name} would not die; see ${logFile}`);
          }
        }
        // nspawn gone but the container not (nspawn was SIGKILLed): PID 1 takes the namespace along.
        if (leaderStart !== undefined && readStat(leaderPid)?.starttime === leaderStart) {
          signal(leaderPid, 'SIGKILL');
          const leaderDeadline = Date.now() + KILL_WAIT_MS;
          // Until reaped, not just dead: its parent is gone, so PID 1 reaps it (slowly here).
          while (Date.now() < leaderDeadline && readStat(leaderPid)?.starttime === leaderStart) await sleep(50);
        }
        for (const dir of cgroupDirs) await removeCgroupTree(dir);
        // nspawn normally removes this itself; an interrupted one leaves it on a disk-backed /run.
        rmSync(`/run/systemd/nspawn/propagate/${name}`, { recursive: true, force: true });
        rmSync(logFile, { force: true });
        booted.delete(handle);
      })();
      return stopping;
    };
    const handle = { stop };
    booted.add(handle);

    const fail = async (message: string, cause?: unknown): Promise<never> => {
      const tail = logTail(logFile);
      await stop().catch(() => undefined);
      throw new Error(`${message}\n--- container console (last lines) ---\n${tail}`, cause === undefined ? undefined : { cause });
    };

    if (spawnError !== undefined || nspawnPid === undefined) {
      return fail(`Could not start systemd-nspawn: ${spawnError?.message ?? 'no pid'}. Run scripts/install-test-deps.sh (package systemd-container).`);
    }

    const run = async (argv: string[], o: RunOptions = {}): Promise<RunResult> => {
      const prefix = o.scope === true ? ['systemd-run', '--scope', '--quiet', '--'] : [];
      const result = await execa('nsenter', ['-t', String(leaderPid), '-a', ...(o.cwd === undefined ? [] : [`--wd=${o.cwd}`]), ...prefix, ...argv], {
        reject: false,
        timeout: o.timeoutMs ?? 30_000,
        ...(o.input === undefined ? { stdin: 'ignore' as const } : { input: o.input }),
        env: o.env ?? {},
      });
      const signo = result.signal === undefined ? undefined : constants.signals[result.signal];
      return {
        stdout: result.stdout,
        stderr: result.stderr,
        exitCode: result.exitCode ?? (signo === undefined ? -1 : 128 + signo),
      };
    };

    try {
      leaderPid = await waitFor(
        () => {
          if (exited !== undefined) throw new Error(exited);
          return listProcesses().find((p) => p.ppid === nspawnPid && p.comm === 'systemd')?.pid;
        },
        { timeoutMs: 20_000, intervalMs: 50, what: `the container's systemd under systemd-nspawn (pid ${nspawnPid})` },
      );
      leaderStart = readStat(leaderPid)?.starttime;
      await waitFor(
        async () => {
          if (exited !== undefined) throw new Error(exited);
          const { stdout } = await run(['systemctl', 'is-system-running'], { timeoutMs: 5_000 });
          if (stdout === 'maintenance') throw new Error('the container booted into maintenance mode');
          return stdout === 'running' || stdout === 'degraded';
        },
        { timeoutMs: bootTimeoutMs, intervalMs: 200, what: `systemd in container ${name} to be running or degraded` },
      );
    } catch (error) {
      return fail(`Booting systemd in container ${name} failed: ${(error as Error).message}`, error);
    }
    const bootMs = Date.now() - started;

    return {
      name,
      nspawnPid,
      leaderPid,
      logFile,
      bootMs,
      run,
      async systemdRun(unit, argv, props = {}) {
        const properties = Object.entries(props).map(([k, v]) => `--property=${k}=${v}`);
        const result = await run(['systemd-run', `--unit=${unit}`, '--quiet', ...properties, '--', ...argv]);
        if (result.exitCode !== 0) {
          throw new Error(`systemd-run --unit=${unit} failed (exit ${result.exitCode}): ${result.stderr || result.stdout}`);
        }
        return result;
      },
      async show(unit) {
        const result = await run(['systemctl', 'show', '--no-pager', unit]);
        if (result.exitCode !== 0) throw new Error(`systemctl show ${unit} failed (exit ${result.exitCode}): ${result.stderr}`);
        const fields: Record<string, string> = {};
        for (const line of result.stdout.split('\n')) {
          const eq = line.indexOf('=');
          if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
        }
        return fields;
      },
      hostPid(containerPid) {
        // Processes entered with run() are not descendants of the leader: match the namespace.
        const pidNs = (pid: number): string | undefined => {
          try {
            return readlinkSync(`/proc/${pid}/ns/pid`);
          } catch {
            return undefined;
          }
        };
        const leaderNs = pidNs(leaderPid);
        return listProcesses().find((p) => {
          const ns = readNsPids(p.pid);
          return ns !== undefined && ns.length >= 2 && ns[ns.length - 1] === containerPid && pidNs(p.pid) === leaderNs;
        })?.pid;
      },
      stop,
    };
  }

  return {
    bootSystemd,
    async stopAllContainers(): Promise<void> {
      const results = await Promise.allSettled([...booted].map((c) => c.stop()));
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failures.length > 0) {
        throw new AggregateError(failures.map((f) => f.reason as unknown), `stopAllContainers: ${failures.length} container(s) would not stop`);
      }
    },
  };
}

const registry = createContainerRegistry();

export const bootSystemd = registry.bootSystemd;
export const stopAllContainers = registry.stopAllContainers;
