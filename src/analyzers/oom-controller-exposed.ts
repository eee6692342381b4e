import type { DraftFinding, ProposedRemediation } from './finding.js';
import { ev, isLimited, label, plural, procSource, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * A supervisor that the OOM killer would pick before the workers it runs: killing it takes
 * every worker down (or orphans them). The fix is oom_score_adj: protect the controller,
 * offer the workers. Memory pressure (its cgroup near the limit, or the host low on
 * memory) makes it a warning; otherwise it is a latent risk.
 */
export const oomControllerExposed: Analyzer = ({ snapshot, index, thresholds }) => {
  const findings: DraftFinding[] = [];
  const memTotal = snapshot.host.meminfo.MemTotal ?? 0;
  const memAvailable = snapshot.host.meminfo.MemAvailable ?? memTotal;
  const hostTight = memTotal > 0 && memAvailable / memTotal < 1 - thresholds.oomExposedMemoryRatio;
  for (const parent of userProcesses(snapshot)) {
    if (parent.pid === 1 || parent.oomScore === null || parent.oomScore <= 0) continue;
    if (parent.oomScoreAdj !== null && parent.oomScoreAdj < 0) continue;
    const workers = index.children(parent.pid).filter((c) => !c.kernelThread && c.state !== 'Z' && c.oomScore !== null);
    if (workers.length < thresholds.oomSupervisorMinWorkers) continue;
    const maxWorker = Math.max(...workers.map((w) => w.oomScore ?? 0));
    if (parent.oomScore <= maxWorker) continue;
    const cgroup = index.cgroupFor(parent, 'memory');
    const limit = cgroup?.memory && isLimited(cgroup.memory.max) ? cgroup.memory.max : null;
    const cgroupTight = limit !== null && cgroup?.memory?.current != null && cgroup.memory.current / limit >= thresholds.oomExposedMemoryRatio;
    const unit = parent.owner.unit?.name;
    const remediation: ProposedRemediation[] = [
      { command: `choom -p ${parent.pid} -n -500`, why: `Lowers ${label(parent)}'s oom_score_adj so the OOM killer takes a worker first; the supervisor survives to restart it.` },
      ...workers.slice(0, 2).map((w) => ({ command: `choom -p ${w.pid} -n 500`, why: `Offers worker ${label(w)} to the OOM killer before its supervisor.` })),
    ];
    findings.push({
      code: 'oom-controller-exposed',
      severity: cgroupTight || hostTight ? 'warning' : 'info',
      title: `Supervisor ${label(parent)} is a likelier OOM victim than its ${plural(workers.length, 'worker')}`,
      summary:
        `${label(parent)} runs ${plural(workers.length, 'worker')} but its oom_score (${parent.oomScore}) is above theirs (at most ${maxWorker}), so when memory runs out the kernel kills the supervisor first and every worker goes with it or is orphaned. ` +
        (unit !== undefined ? `Set OOMScoreAdjust=-500 in ${unit} (systemctl edit ${unit}) to make it last; ` : 'Lower its oom_score_adj to protect it; ') +
        'raise the workers\' so one of them is sacrificed instead.' +
        (cgroupTight ? ' Its memory cgroup is close to the limit, so this may happen soon.' : hostTight ? ' The host is low on available memory, so this may happen soon.' : ''),
      pids: [parent.pid, ...workers.map((w) => w.pid)],
      culpritPid: parent.pid,
      units: unit === undefined ? [] : [unit],
      cgroups: cgroup ? [cgroup.path] : [],
      evidence: [
        ev(procSource(parent.pid, 'oom_score'), 'oom_score', parent.oomScore),
        ev(procSource(parent.pid, 'oom_score_adj'), 'oom_score_adj', parent.oomScoreAdj),
        ...workers.slice(0, 3).map((w) => ev(procSource(w.pid, 'oom_score'), 'oom_score', w.oomScore)),
      ],
      remediation,
    });
  }
  return findings;
};
