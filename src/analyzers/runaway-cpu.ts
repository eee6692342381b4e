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
    const remediation: ProposedRemediation[] = unit !== undefined
      ? [
          { command: `systemctl set-property --runtime ${unit} CPUQuota=50%`, why: `Caps ${unit} at half a CPU through its cgroup until it is fixed, without killing it.` },
          { command: `systemctl restart ${unit}`, why: 'If it is spinning on a bug, a restart through its unit resets it cleanly.' },
        ]
      : [
          { command: `renice -n 10 -p ${p.pid}`, why: 'Lowers its priority so everything else gets the CPU first; it keeps running.' },
          { command: `kill -s TERM ${p.pid}`, why: 'If it is stuck in a loop: SIGTERM lets it clean up before it exits.' },
        ];
    findings.push({
      code: 'runaway-cpu',
      severity: sustained ? 'warning' : 'info',
      title: `${label(p)} uses ${percent(cpu.percent)} of a CPU${ofQuota ? ` (${percent(cpu.quotaPercent ?? 0)} of its cgroup quota)` : ''}`,
      summary:
        `${label(p)} "${shortCommand(p)}" kept ${cpu.quotaPercent !== null ? `its cgroup's CPU quota ${percent(cpu.quotaPercent)} busy (${percent(cpu.percent)} of one host CPU)` : `${percent(cpu.percent)} of one CPU busy`} over the sample, ` +
        `and has used ${Math.round(used)} s of CPU since it started. ` +
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
