/**
 * The real Debian cron daemon running one job each minute, for integration tests.
 *
 * Several test runs (and a cron the machine may already run) share one host, and Debian's
 * cron allows one daemon per /run/crond.pid and reads the shared /etc/cron.d. So our
 * daemon runs in a private mount namespace (`unshare --mount --propagation private`)
 * where /etc/cron.d holds only our job file, /etc/crontab and /var/spool/cron/crontabs are
 * empty, and /run is a fresh tmpfs (its own pid file). It is still the real `cron -f` in
 * the host's PID namespace, the parent of the job as usual; it never runs the host's
 * jobs, and a daemon already running (reported as `otherCronPids`) never runs ours.
 * Jobs see an empty /run.
 *
 * cron starts jobs at the start of a minute: a job runs within 60 s, rarely 120 s when
 * the file lands just as the minute turns. Use waitForJob() (default limit 130 s).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendantsOf, listProcesses, readStat } from './proc-fs.js';
import { defaultProcessRegistry, type ProcessRegistry } from './procs.js';
import { waitFor } from './wait.js';

export interface StartedCron {
  /** The `cron -f` daemon (host PID). */
  cronPid: number;
  /** Name of our file in the daemon's private /etc/cron.d. */
  jobFile: string;
  /** Cron daemons that were already running on the host (left alone). */
  otherCronPids: number[];
  /** PIDs of job processes running now (the shell cron started, and below), excluding cron's own forks. */
  jobPids: () => number[];
  /** Waits until a job process runs and resolves with the PID of the shell cron started for it. */
  waitForJob: (timeoutMs?: number) => Promise<number>;
  /** Kills the daemon, its forks and the job (whole tree), and removes the job file. Idempotent. */
  stop: () => Promise<void>;
}

const LAUNCH = [
  'set -e',
  'd=$1',
  'mount -t tmpfs -o mode=755 procdoc-cron-run /run',
  'mount --bind "$d/cron.d" /etc/cron.d',
  'if [ -e /etc/crontab ]; then mount --bind "$d/crontab" /etc/crontab; fi',
  'if [ -d /var/spool/cron/crontabs ]; then mount --bind "$d/crontabs" /var/spool/cron/crontabs; fi',
  'exec cron -f',
].join('\n');

const DIR_PREFIX = 'procdoc-cron-';
const OWNER_FILE = 'owner';
const STALE_MS = 10 * 60_000;

/**
 * Removes job directories whose daemon is gone: left by a run that was killed before
 * stop(). A directory without an owner file yet is another run's that is starting now,
 * unless it is old.
 */
function sweepStaleDirs(): void {
  const base = tmpdir();
  for (const name of readdirSync(base)) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(base, name);
    try {
      if (!existsSync(join(dir, 'cron.d'))) continue;
      const owner = existsSync(join(dir, OWNER_FILE)) ? readFileSync(join(dir, OWNER_FILE), 'utf8').trim().split(' ').map(Number) : undefined;
      const stale =
        owner === undefined
          ? Date.now() - statSync(dir).mtimeMs > STALE_MS
          : readStat(owner[0] ?? -1)?.starttime !== owner[1] || readStat(owner[0] ?? -1)?.state === 'Z';
      if (stale) rmSync(dir, { recursive: true, force: true });
    } catch {
      // another run removed it meanwhile
    }
  }
}

function isCronDaemon(comm: string): boolean {
  return comm === 'cron' || comm === 'crond';
}

/**
 * Starts a private cron daemon with `* * * * * root <job>` (run by /bin/sh, MAILTO empty).
 * Resolves once the daemon is up.
 */
export async function startCron(job: string, registry: ProcessRegistry = defaultProcessRegistry): Promise<StartedCron> {
  if (job.includes('\n')) throw new Error('startCron: the job must be a single line (cron reads one line per job).');
  const otherCronPids = listProcesses()
    .filter((p) => isCronDaemon(p.comm))
    .map((p) => p.pid);

  sweepStaleDirs();
  // cron ignores files in cron.d whose names contain anything but [A-Za-z0-9_-].
  const jobFile = `procdoc-test-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  mkdirSync(join(dir, 'cron.d'), { mode: 0o755 });
  mkdirSync(join(dir, 'crontabs'), { mode: 0o730 });
  writeFileSync(join(dir, 'crontab'), '', { mode: 0o644 });
  writeFileSync(
    join(dir, 'cron.d', jobFile),
    `SHELL=/bin/sh\nPATH=${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}\nMAILTO=""\n* * * * * root ${job}\n`,
    { mode: 0o644 },
  );

  let stderr = '';
  const s = await registry.startProcess(
    `exec unshare --mount --propagation private bash -c '${LAUNCH.replaceAll("'", `'\\''`)}' procdoc-cron ${dir}`,
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  writeFileSync(join(dir, OWNER_FILE), `${s.pid} ${readStat(s.pid)?.starttime ?? 0}\n`);
  s.child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= s.stop().finally(() => rmSync(dir, { recursive: true, force: true }));
    return stopping;
  };

  try {
    await waitFor(
      () => {
        const stat = readStat(s.pid);
        if (stat === undefined || stat.state === 'Z') throw new Error(`the launcher exited: ${stderr.trim() || 'no message'}`);
        return isCronDaemon(stat.comm);
      },
      { timeoutMs: 10_000, what: `cron -f to start (pid ${s.pid})` },
    );
    // cron -f daemonizes nothing but may die right after start (pid file locked, bad PAM…).
    await new Promise((r) => setTimeout(r, 200));
    if (readStat(s.pid)?.comm !== 'cron') throw new Error(`cron exited right after start: ${stderr.trim() || 'no message'}`);
  } catch (error) {
    await stop().catch(() => undefined);
    throw new Error(`Could not start cron for a test job: ${(error as Error).message}. Run scripts/install-test-deps.sh (package cron).`, {
      cause: error,
    });
  }

  const cronPid = s.pid;
  const jobPids = (): number[] => {
    const all = listProcesses();
    const byPid = new Map(all.map((p) => [p.pid, p]));
    // cron forks a copy of itself per job, which then runs /bin/sh -c JOB.
    return descendantsOf(cronPid, all).filter((pid) => {
      const p = byPid.get(pid);
      return p !== undefined && !isCronDaemon(p.comm) && p.state !== 'Z';
    });
  };

  return {
    cronPid,
    jobFile,
    otherCronPids,
    jobPids,
    waitForJob: (timeoutMs = 130_000) =>
      waitFor(
        () => {
          if (readStat(cronPid)?.comm !== 'cron') throw new Error(`cron (pid ${cronPid}) is gone: ${stderr.trim()}`);
          return jobPids()[0];
        },
        { timeoutMs, intervalMs: 200, what: `cron (pid ${cronPid}) to start the job` },
      ),
    stop,
  };
}
