import { frozenCgroupOf, type FrozenCgroup } from '../snapshot/query.js';
import type { Process } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import { cgroupSource, ev, label, plural, procSource, thawOf } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * Processes a freezer cgroup holds outside D state. The v2 freezer (cgroup.freeze, which
 * `docker pause` writes on a v2 host) leaves them asleep in S, where nothing else looks:
 * they run no code, and handle no signal but one that kills them outright, until the
 * cgroup is thawed. A v1 freezer puts them in D instead, and uninterruptible-io reports them.
 */
export const cgroupFrozen: Analyzer = ({ snapshot, index }) => {
  const groups = new Map<string, { frozen: FrozenCgroup; procs: Process[] }>();
  for (const p of snapshot.processes) {
    if (p.kernelThread || p.pid === snapshot.self.pid || p.state === 'D' || p.state === 'Z' || p.state === 'X') continue;
    const frozen = frozenCgroupOf(index, p);
    if (frozen === undefined) continue;
    const entry = groups.get(frozen.cgroup.id) ?? { frozen, procs: [] };
    entry.procs.push(p);
    groups.set(frozen.cgroup.id, entry);
  }
  const findings: DraftFinding[] = [];
  for (const { frozen, procs } of groups.values()) {
    const { cgroup } = frozen;
    const unit = snapshot.units.find((u) => u.controlGroup === cgroup.path)?.name;
    const file = cgroup.version === 2 ? 'cgroup.freeze' : 'freezer.state';
    const remediation = thawOf(procs, unit, frozen.thaw === null ? null : { command: frozen.thaw, why: `Thaws cgroup ${cgroup.path}; its processes resume where they were frozen.` });
    const shown = procs.slice(0, 4).map(label).join(', ');
    findings.push({
      code: 'cgroup-frozen',
      severity: 'warning',
      title: `${plural(procs.length, 'process', 'processes')} frozen in cgroup ${cgroup.path}`,
      summary:
        `The freezer cgroup ${cgroup.path} is ${cgroup.freezer?.state ?? 'FROZEN'}${frozen.thaw === null ? ' (frozen by an ancestor cgroup)' : ''}, so ${shown}${procs.length > 4 ? ', …' : ''} ` +
        `${procs.length === 1 ? 'looks' : 'look'} asleep (state ${[...new Set(procs.map((p) => p.state))].join('/')}) but run${procs.length === 1 ? 's' : ''} no code at all until it is thawed. ` +
        `A signal ${procs.length === 1 ? 'it handles' : 'they handle'} waits for the thaw too; only SIGKILL, or a signal with no handler that ends ${procs.length === 1 ? 'it' : 'them'}, acts now. ` +
        `Find out who froze it (a paused container, a checkpoint, a backup tool) before thawing.`,
      pids: procs.map((p) => p.pid),
      culpritPid: null,
      units: unit === undefined ? [] : [unit],
      cgroups: [cgroup.path],
      evidence: [
        ev(cgroupSource(snapshot, cgroup, file), file, cgroup.freezer?.state ?? null),
        ...procs.slice(0, 3).flatMap((p) => [ev(procSource(p.pid, 'stat'), 'state', p.state), ev(procSource(p.pid, 'wchan'), 'wchan', p.wchan)]),
      ],
      remediation,
    });
  }
  return findings;
};
