import type { DraftFinding } from './finding.js';
import { ev, isLimited, label, percent, procSource, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

/** Open descriptors near RLIMIT_NOFILE (needs the deep tier: fd count and limits). */
export const fdNearLimit: Analyzer = ({ snapshot, thresholds }) => {
  const findings: DraftFinding[] = [];
  for (const p of userProcesses(snapshot)) {
    const deep = p.deep;
    const open = deep?.fdCount ?? deep?.fds?.length ?? null;
    const soft = deep?.limits?.nofile?.soft;
    if (open === null || !isLimited(soft) || open < thresholds.fdMinOpen) continue;
    const ratio = open / soft;
    if (ratio < thresholds.fdNearRatio) continue;
    const hard = deep?.limits?.nofile?.hard ?? null;
    const kinds = new Map<string, number>();
    for (const fd of deep?.fds ?? []) kinds.set(fd.kind, (kinds.get(fd.kind) ?? 0) + 1);
    const mix = [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ');
    const unit = p.owner.unit?.name;
    const raiseTo = hard !== null && hard > soft ? hard : soft * 4;
    findings.push({
      code: 'fd-near-limit',
      severity: ratio >= thresholds.fdCriticalRatio ? 'critical' : 'warning',
      title: `${label(p)} has ${open} of ${soft} file descriptors open (${percent(ratio * 100)})`,
      summary:
        `${label(p)} has ${open} open file descriptors${mix ? ` (${mix})` : ''} and may open at most ${soft} (RLIMIT_NOFILE). ` +
        'At the limit, every open(), accept() and pipe() fails with "Too many open files". A count that only grows is a descriptor leak; a busy server may just need a higher limit' +
        (unit !== undefined ? ` (LimitNOFILE= in ${unit}).` : '.'),
      pids: [p.pid],
      culpritPid: p.pid,
      units: unit === undefined ? [] : [unit],
      cgroups: [],
      evidence: [ev(procSource(p.pid, 'fd'), 'open descriptors', open), ev(procSource(p.pid, 'limits'), 'Max open files (soft)', soft), ev(procSource(p.pid, 'limits'), 'Max open files (hard)', hard)],
      remediation: [
        {
          command: `prlimit --pid ${p.pid} --nofile=${raiseTo}:${Math.max(raiseTo, hard ?? raiseTo)}`,
          why: `Raises the running process's open-file limit to ${raiseTo} without restarting it${unit !== undefined ? `; make it permanent with LimitNOFILE= in ${unit}` : ''}.`,
        },
      ],
    });
  }
  return findings;
};
