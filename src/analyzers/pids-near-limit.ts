import type { DraftFinding, ProposedRemediation } from './finding.js';
import { cgroupSource, ev, isLimited, membersOf, percent, unitOfCgroup } from './facts.js';
import type { Analyzer } from './types.js';

/** A cgroup near pids.max: the next fork() or thread creation fails with EAGAIN. */
export const pidsNearLimit: Analyzer = ({ snapshot, index, thresholds }) => {
  const findings: DraftFinding[] = [];
  for (const cgroup of snapshot.cgroups) {
    const pids = cgroup.pids;
    if (pids === null || pids.current === null || !isLimited(pids.max)) continue;
    const ratio = pids.current / pids.max;
    if (ratio < thresholds.pidsNearRatio) continue;
    const members = membersOf(index, cgroup, 'pids');
    const unit = unitOfCgroup(snapshot, cgroup, members);
    const maxFile = cgroupSource(snapshot, cgroup, 'pids.max');
    const remediation: ProposedRemediation[] =
      unit !== undefined
        ? [{ command: `systemctl set-property ${unit} TasksMax=${pids.max * 2}`, why: `Doubles ${unit}'s task limit through systemd, if it legitimately needs more processes or threads.` }]
        : [{ command: `echo ${pids.max * 2} | tee ${maxFile}`, why: `Doubles the pids limit of ${cgroup.path}, if the workload legitimately needs more; a fork bomb needs stopping instead.` }];
    findings.push({
      code: 'pids-near-limit',
      severity: ratio >= thresholds.pidsCriticalRatio ? 'critical' : 'warning',
      title: `cgroup ${cgroup.path} has ${pids.current} of ${pids.max} tasks (${percent(ratio * 100)})`,
      summary:
        `${cgroup.path}${unit !== undefined ? ` (${unit})` : ''} holds ${pids.current} processes and threads against a pids.max of ${pids.max}. ` +
        'At the limit every fork() and thread creation in it fails ("Resource temporarily unavailable"), which breaks shells, servers and builds in confusing ways. ' +
        'Check for runaway forking or thread leaks before raising it.',
      pids: members.map((p) => p.pid),
      culpritPid: null,
      units: unit === undefined ? [] : [unit],
      cgroups: [cgroup.path],
      evidence: [ev(cgroupSource(snapshot, cgroup, 'pids.current'), 'pids.current', pids.current), ev(maxFile, 'pids.max', pids.max)],
      remediation,
    });
  }
  return findings;
};
