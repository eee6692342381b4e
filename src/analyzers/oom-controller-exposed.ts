import { indexSnapshot, type SnapshotIndex } from '../snapshot/query.js';
import type { OomScores } from '../snapshot/process.js';
import type { Process, Snapshot } from '../snapshot/schema.js';
import type { DraftFinding, ProposedRemediation } from './finding.js';
import { ev, isLimited, label, plural, procSource, userProcesses } from './facts.js';
import type { Thresholds } from './thresholds.js';
import type { Analyzer } from './types.js';

/** The workers `parent` is compared with: its children that are alive and not kernel threads. */
function workersOf(index: SnapshotIndex, parent: Process): Process[] {
  return index.children(parent.pid).filter((c) => !c.kernelThread && c.state !== 'Z');
}

/** A score that can put `p` before its workers: positive, and not lowered on purpose. */
function exposable(p: Process): p is Process & { oomScore: number } {
  return p.oomScore !== null && p.oomScore > 0 && !(p.oomScoreAdj !== null && p.oomScoreAdj < 0);
}

/** Processes that run enough workers to be called their supervisor (PID 1 aside: init is never OOM-killed). */
function supervisors(snapshot: Snapshot, index: SnapshotIndex, minWorkers: number): Process[] {
  return userProcesses(snapshot).filter((p) => p.pid !== 1 && workersOf(index, p).length >= minWorkers);
}

/**
 * Completes a snapshot that left the OOM scores unread (SnapshotOptions.unread) with those
 * this analyzer compares, each read by `read` (oomScoreReader): every supervisor's, then its
 * workers', largest first, until one scores at least as high as the supervisor, which then
 * cannot be the likelier victim. Idle workers under a parent like them cost one read, not
 * one per worker; a supervisor that is exposed gets all of its workers read, as it is judged
 * (and its finding shown) on them.
 */
export function withSupervisorOomScores(snapshot: Snapshot, thresholds: Thresholds, read: (p: Process) => OomScores | null): Snapshot {
  const index = indexSnapshot(snapshot);
  const found = new Map<number, OomScores>();
  const scored = (p: Process): Process => {
    if (p.oomScore !== null) return p;
    const known = found.get(p.pid) ?? read(p);
    if (known === null) return p;
    found.set(p.pid, known);
    return { ...p, ...known };
  };
  for (const candidate of supervisors(snapshot, index, thresholds.oomSupervisorMinWorkers)) {
    const parent = scored(candidate);
    if (!exposable(parent)) continue;
    for (const worker of [...workersOf(index, parent)].sort((a, b) => b.rss - a.rss)) {
      const score = scored(worker).oomScore;
      if (score !== null && score >= parent.oomScore) break;
    }
  }
  if (found.size === 0) return snapshot;
  return { ...snapshot, processes: snapshot.processes.map((p) => (found.has(p.pid) ? { ...p, ...found.get(p.pid) } : p)) };
}

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
    if (parent.pid === 1 || !exposable(parent)) continue;
    const workers = workersOf(index, parent).filter((c) => c.oomScore !== null);
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
