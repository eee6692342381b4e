import type { DraftFinding, ProposedRemediation } from './finding.js';
import { cpuSeconds, ev, label, percent, procSource, shortCommand, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * A process using most of a CPU (or of its cgroup's quota) over the sample. A build step
 * is busy too, so "runaway" also needs a CPU history: busy now and many CPU seconds burnt.
 * Realtime processes are realtime-hog's.
 */
export const runawayCpu: Analyzer = ({ snapshot, index, thresholds }) => {
  const findings: DraftFinding[] = [];
  for (const p of userProcesses(snapshot)) {
    const cpu = p.cpu;
    if (cpu === null || p.policy === 'SCHED_FIFO' || p.policy === 'SCHED_RR' || p.state === 'Z') continue;
    const ofQuota = cpu.quotaPercent !== null && cpu.quotaPercent >= thresholds.runawayCpuPercent;
    if (cpu.percent < thresholds.runawayCpuPercent && !ofQuota) continue;
    const used = cpuSeconds(snapshot, p);
    const sustained = used >= thresholds.runawayMinCpuSeconds;
    const unit = p.owner.unit?.name;
    const cgroup = index.cgroupFor(p, 'cpu');
    // Busy up to its cgroup's quota but short of a host CPU: the quota already keeps it from
    // the rest of the host. Renicing it changes nothing there, and capping it at half a CPU
    // could raise a smaller quota; only ending or restarting it is left.
    const heldByQuota = ofQuota && cpu.percent < thresholds.runawayCpuPercent;
    const restart: ProposedRemediation[] =
      unit !== undefined
        ? [{ command: `systemctl restart ${unit}`, why: 'If it is spinning on a bug, a restart through its unit resets it cleanly.' }]
        : [{ command: `kill -s TERM ${p.pid}`, why: 'If it is stuck in a loop: SIGTERM lets it clean up before it exits.' }];
    const limit: ProposedRemediation[] = heldByQuota
      ? []
      : unit !== undefined
        ? [{ command: `systemctl set-property --runtime ${unit} CPUQuota=50%`, why: `Caps ${unit} at half a CPU through its cgroup until it is fixed, without killing it.` }]
        : [{ command: `renice -n 10 -p ${p.pid}`, why: 'Lowers its priority so everything else gets the CPU first; it keeps running.' }];
    const remediation = [...limit, ...restart];
    findings.push({
      code: 'runaway-cpu',
      severity: sustained ? 'warning' : 'info',
      title: `${label(p)} uses ${percent(cpu.percent)} of a CPU${ofQuota ? ` (${percent(cpu.quotaPercent ?? 0)} of its cgroup quota)` : ''}`,
      summary:
        `${label(p)} "${shortCommand(p)}" kept ${cpu.quotaPercent !== null ? `its cgroup's CPU quota ${percent(cpu.quotaPercent)} busy (${percent(cpu.percent)} of one host CPU)` : `${percent(cpu.percent)} of one CPU busy`} over the sample, ` +
        `and has used ${Math.round(used)} s of CPU since it started. ` +
        (heldByQuota ? `The quota of its cgroup${cgroup ? ` ${cgroup.path}` : ''} already holds it there, so it takes no more CPU than that from the rest of the host. ` : '') +
        (sustained
          ? 'That is a process spinning, not a short burst: find out whether it is doing useful work before limiting or stopping it.'
          : 'It has not used much CPU in total yet, so this may be a short burst of normal work (a build, a query).'),
      pids: [p.pid],
      culpritPid: p.pid,
      units: unit === undefined ? [] : [unit],
      cgroups: cgroup ? [cgroup.path] : [],
      evidence: [
        ev(procSource(p.pid, 'stat'), 'utime+stime over the sample (% of one CPU)', Math.round(cpu.percent)),
        ev(procSource(p.pid, 'stat'), 'utime+stime (s)', Math.round(used)),
        ev(procSource(p.pid, 'stat'), 'state', p.state),
        ...(cpu.quotaPercent !== null && cgroup ? [ev(procSource(p.pid, 'cgroup'), 'percent of cgroup quota', Math.round(cpu.quotaPercent))] : []),
      ],
      remediation,
    });
  }
  return findings;
};
