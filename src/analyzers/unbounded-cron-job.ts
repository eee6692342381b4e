import type { Process } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import { ageSeconds, cgroupFileName, cgroupSource, ev, formatAge, formatBytes, isLimited, label, procSource, shellQuote, shortCommand, systemdSize, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

const CRON = new Set(['cron', 'crond', 'anacron', 'fcron', 'busybox-crond']);

/**
 * A long-running job started by cron with no cgroup limits: it competes with everything
 * else unchecked, and the next run may start on top of it. The fix is to run it in its own
 * scope with limits (systemd-run --scope -p MemoryMax= -p CPUQuota=) or as a timer unit.
 */
export const unboundedCronJob: Analyzer = ({ snapshot, index, thresholds }) => {
  const findings: DraftFinding[] = [];
  const roots = new Map<number, { root: Process; daemon: Process }>();
  if (!snapshot.processes.some((p) => CRON.has(p.comm))) return findings;
  for (const p of userProcesses(snapshot)) {
    if (CRON.has(p.comm) || p.state === 'Z') continue;
    const chain = [p, ...index.ancestors(p.pid)];
    const cronAt = chain.findIndex((a) => CRON.has(a.comm));
    if (cronAt <= 0) continue;
    const root = chain[cronAt - 1];
    const daemon = chain.slice(cronAt).reverse().find((a) => CRON.has(a.comm)) ?? chain[cronAt];
    if (root === undefined || daemon === undefined) continue;
    roots.set(root.pid, { root, daemon });
  }
  for (const { root, daemon } of roots.values()) {
    const age = ageSeconds(snapshot, root);
    if (age < thresholds.cronJobMaxAgeSeconds) continue;
    const memCg = index.cgroupFor(root, 'memory');
    const cpuCg = index.cgroupFor(root, 'cpu');
    const memLimited = isLimited(memCg?.memory?.max ?? null);
    const cpuLimited = cpuCg?.cpu?.quotaUs != null && cpuCg.cpu.quotaUs > 0;
    if (memLimited && cpuLimited) continue;
    const tree = index.subtree(root.pid).filter((q) => q.state !== 'Z');
    const rss = tree.reduce((sum, q) => sum + q.rss, 0);
    const cpu = tree.reduce((sum, q) => sum + (q.cpu?.percent ?? 0), 0);
    const job = jobCommand(root);
    const missing = [memLimited ? null : 'memory limit', cpuLimited ? null : 'CPU quota'].filter((x): x is string => x !== null).join(' and no ');
    findings.push({
      code: 'unbounded-cron-job',
      severity: 'warning',
      title: `cron job ${label(root)} running for ${formatAge(age)} with no ${missing}`,
      summary:
        `${label(root)} "${shortCommand(root, 60)}" was started by cron (${label(daemon)}) ${formatAge(age)} ago and is still running, ${tree.length > 1 ? `with ${tree.length - 1} descendants, ` : ''}` +
        `using ${formatBytes(rss)} resident${cpu > 0 ? ` and ${Math.round(cpu)}% of a CPU` : ''}. Nothing limits it: it has no ${missing}, so it competes with the machine's real work, ` +
        'and the next scheduled run may start on top of it. Run it in a scope with limits (and `flock -n` against overlapping runs), or as a systemd timer unit with MemoryMax= and CPUQuota=.',
      pids: tree.map((q) => q.pid),
      culpritPid: root.pid,
      units: [],
      cgroups: [memCg?.path, cpuCg?.path].filter((x, i, a): x is string => x !== undefined && a.indexOf(x) === i),
      evidence: [
        ev(procSource(root.pid, 'stat'), 'ppid', root.ppid),
        ev(procSource(daemon.pid, 'comm'), 'comm', daemon.comm),
        ev(procSource(root.pid, 'stat'), 'starttime', root.startedAt),
        ...(memCg ? [ev(cgroupSource(snapshot, memCg, cgroupFileName(memCg, 'memory.max')), 'limit (null = none)', memCg.memory?.max ?? null)] : []),
        ...(cpuCg ? [ev(cgroupSource(snapshot, cpuCg, cgroupFileName(cpuCg, 'cpu.max')), 'quota (null = none)', cpuCg.cpu?.quotaUs ?? null)] : []),
      ],
      remediation: [
        {
          command: `systemd-run --scope -p MemoryMax=${systemdSize(Math.max(rss * 2, 256 * 2 ** 20))} -p CPUQuota=50% -- ${job}`,
          why: 'The same job in its own scope with a memory limit and half a CPU: use this as the crontab line (the limits then apply on every run).',
        },
        { command: `kill -s TERM -- -${root.pgid}`, why: `If this run must stop now: SIGTERM to its whole process group (${root.pgid}) so no piece is left behind.` },
      ],
    });
  }
  return findings;
};

/** The job as cron ran it: `sh -c JOB` gives JOB back. */
function jobCommand(root: Process): string {
  const argv = root.argv;
  const shell = argv[0]?.split('/').pop();
  if ((shell === 'sh' || shell === 'bash' || shell === 'dash') && argv[1] === '-c' && argv[2] !== undefined) {
    return `sh -c ${shellQuote(argv[2])}`;
  }
  return argv.length > 0 ? argv.map(shellQuote).join(' ') : root.comm;
}
