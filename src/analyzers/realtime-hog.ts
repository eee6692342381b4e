import type { DraftFinding } from './finding.js';
import { ev, label, percent, procSource, shortCommand, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

/** A SCHED_FIFO/RR process using most of a CPU: normal tasks on that CPU starve. */
export const realtimeHog: Analyzer = ({ snapshot, thresholds }) => {
  const findings: DraftFinding[] = [];
  for (const p of userProcesses(snapshot)) {
    if ((p.policy !== 'SCHED_FIFO' && p.policy !== 'SCHED_RR') || p.cpu === null) continue;
    if (p.cpu.percent < thresholds.realtimeHogPercent) continue;
    const critical = p.cpu.percent >= thresholds.realtimeCriticalPercent;
    const unit = p.owner.unit?.name;
    findings.push({
      code: 'realtime-hog',
      severity: critical ? 'critical' : 'warning',
      title: `Realtime ${p.policy} process ${label(p)} uses ${percent(p.cpu.percent)} of a CPU`,
      summary:
        `${label(p)} "${shortCommand(p)}" runs with realtime priority ${p.rtPriority} (${p.policy}), so the scheduler runs it before every normal process on its CPU ` +
        `(allowed CPUs ${p.cpusAllowed ?? 'unknown'}). Busy at ${percent(p.cpu.percent)}, it starves other work there; only the kernel's realtime throttling (95% by default) leaves a sliver. ` +
        'Put it back to the normal scheduler, or confine it, before anything else.',
      pids: [p.pid],
      culpritPid: p.pid,
      units: unit === undefined ? [] : [unit],
      cgroups: [],
      evidence: [
        ev(procSource(p.pid, 'stat'), 'policy', p.policy),
        ev(procSource(p.pid, 'stat'), 'rt_priority', p.rtPriority),
        ev(procSource(p.pid, 'stat'), 'utime+stime over the sample (% of one CPU)', Math.round(p.cpu.percent)),
        ev(procSource(p.pid, 'status'), 'Cpus_allowed_list', p.cpusAllowed),
      ],
      remediation: [
        { command: `chrt --other -p 0 ${p.pid}`, why: 'Moves it to the normal (SCHED_OTHER) scheduler: it keeps running but shares the CPU fairly.' },
        ...(unit !== undefined
          ? [{ command: `systemctl restart ${unit}`, why: `After setting CPUSchedulingPolicy=other in ${unit} (systemctl edit), a restart applies it for good.` }]
          : [{ command: `kill -s TERM ${p.pid}`, why: 'If it should not run at all: SIGTERM lets it clean up.' }]),
      ],
    });
  }
  return findings;
};
