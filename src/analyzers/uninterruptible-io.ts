import { frozenCgroupOf } from '../snapshot/query.js';
import type { Cgroup, Process } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import { cgroupSource, ev, label, plural, procSource, statePersistence, thawOf } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * Processes in D state. A moment in D is ordinary disk I/O; D across the whole sample is
 * a stuck request (NFS, a dying disk, a frozen cgroup). They cannot be killed until the
 * kernel call returns, so remediation goes after the cause, never the process.
 */
export const uninterruptibleIo: Analyzer = ({ snapshot, index, thresholds }) => {
  const inD = snapshot.processes.filter((p) => p.state === 'D' && p.pid !== snapshot.self.pid);
  const judged = inD.map((p) => ({ p, persistence: statePersistence(snapshot, p, 'D') })).filter((x) => x.persistence !== 'transient');
  // Kernel threads in D for a single sample are the block layer at work.
  const relevant = judged.filter((x) => !(x.p.kernelThread && x.persistence !== 'persistent'));
  if (relevant.length === 0) return [];

  // Group by frozen freezer cgroup (one cause, one finding) and the rest.
  const frozen = new Map<string, { cgroup: Cgroup; procs: Process[] }>();
  const rest: typeof relevant = [];
  for (const x of relevant) {
    const freezer = frozenCgroupOf(index, x.p)?.cgroup;
    if (freezer) {
      const entry = frozen.get(freezer.id) ?? { cgroup: freezer, procs: [] };
      entry.procs.push(x.p);
      frozen.set(freezer.id, entry);
    } else rest.push(x);
  }
  const findings: DraftFinding[] = [];
  for (const { cgroup, procs } of frozen.values()) {
    const unit = snapshot.units.find((u) => u.controlGroup === cgroup.path)?.name;
    const stateFile = cgroupSource(snapshot, cgroup, cgroup.version === 2 ? 'cgroup.freeze' : 'freezer.state');
    // docker pause freezes the container's freezer cgroup: unpause it through its runtime.
    const remediation = thawOf(procs, unit, {
      command: cgroup.version === 2 ? `echo 0 | tee ${stateFile}` : `echo THAWED | tee ${stateFile}`,
      why: `Thaws cgroup ${cgroup.path}; its processes resume where they were frozen. Killing them is not needed and does not work until they are thawed.`,
    });
    findings.push({
      code: 'uninterruptible-io',
      severity: procs.length >= thresholds.uninterruptibleCritical ? 'critical' : 'warning',
      title: `${plural(procs.length, 'process', 'processes')} frozen in cgroup ${cgroup.path}`,
      summary:
        `The freezer cgroup ${cgroup.path} is ${cgroup.freezer?.state ?? 'FROZEN'}, so ${procs.slice(0, 4).map(label).join(', ')}${procs.length > 4 ? ', …' : ''} sit in uninterruptible sleep (D) and make no progress. ` +
        `They cannot be killed while frozen (even SIGKILL waits); thaw the cgroup, and find out who froze it (a checkpoint, a container pause, a backup tool).`,
      pids: procs.map((p) => p.pid),
      culpritPid: null,
      units: unit === undefined ? [] : [unit],
      cgroups: [cgroup.path],
      evidence: [ev(stateFile, cgroup.version === 2 ? 'cgroup.freeze' : 'freezer.state', cgroup.freezer?.state ?? null), ...procs.slice(0, 3).flatMap(stateEvidence)],
      remediation,
    });
  }
  if (rest.length > 0) {
    const persistent = rest.filter((x) => x.persistence === 'persistent').map((x) => x.p);
    const procs = rest.map((x) => x.p);
    const wchans = [...new Set(procs.map((p) => p.wchan).filter((w): w is string => w !== null && w !== '0'))];
    const nfs = procs.some((p) => [p.wchan ?? '', ...(p.deep?.stack ?? [])].some((f) => /nfs|rpc_wait|sunrpc/.test(f)));
    findings.push({
      code: 'uninterruptible-io',
      severity: persistent.length >= thresholds.uninterruptibleCritical ? 'critical' : persistent.length > 0 ? 'warning' : 'info',
      title: `${plural(procs.length, 'process', 'processes')} in uninterruptible I/O (D)${wchans.length > 0 ? ` at ${wchans.slice(0, 2).join(', ')}` : ''}`,
      summary:
        `${procs.slice(0, 4).map(label).join(', ')}${procs.length > 4 ? ', …' : ''} ${procs.length === 1 ? 'is' : 'are'} waiting inside the kernel for I/O that has not returned` +
        (persistent.length > 0 ? ' for the whole sample' : ' (seen in one sample only; a short D is normal disk I/O)') +
        `. A process in D state cannot be killed, not even with SIGKILL, until that I/O completes: look at the device or mount it waits on` +
        (nfs ? ' (an NFS server that does not answer, by the kernel stack).' : ' (the kernel stack and wchan say where).'),
      pids: procs.map((p) => p.pid),
      culpritPid: null,
      units: [...new Set(procs.map((p) => p.owner.unit?.name).filter((n): n is string => n !== undefined))],
      cgroups: [],
      evidence: procs.slice(0, 4).flatMap(stateEvidence),
      remediation: procs.slice(0, 2).map((p) => ({
        command: `cat /proc/${p.pid}/stack`,
        why: `Shows where in the kernel ${label(p)} waits (needs root); wait for that I/O rather than killing it.`,
      })),
    });
  }
  return findings;
};

function stateEvidence(p: Process) {
  const out = [ev(procSource(p.pid, 'stat'), 'state', p.state), ev(procSource(p.pid, 'wchan'), 'wchan', p.wchan)];
  const top = p.deep?.stack?.[0];
  if (top !== undefined) out.push(ev(procSource(p.pid, 'stack'), 'top frame', top));
  return out;
}
