import type { Process } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import { ev, label, plural, procSource, shortCommand, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

const ADOPTERS = new Set(['systemd', 'init', 'tini', 'dumb-init', 'docker-init', 'catatonit', 's6-svscan', 'runsvdir']);

/**
 * Leftovers of a dead process group: processes adopted by init (or a subreaper) whose
 * group leader is gone. A daemon that double-forked looks the same when alone, so a lone
 * process counts only when it still holds a terminal; a group of two or more is a leftover
 * pipeline or job. Unit-managed processes are the service manager's business.
 */
export const orphanedDescendants: Analyzer = ({ snapshot, index }) => {
  const groups = new Map<number, Process[]>();
  for (const p of userProcesses(snapshot)) {
    if (p.state === 'Z' || p.owner.unit !== null || p.pgid === p.pid || p.pgid === 0) continue;
    // The leader is gone when it has exited, reaped or not (an unreaped leader is a zombie).
    const leader = index.process(p.pgid);
    if (leader !== undefined && leader.state !== 'Z') continue;
    const parent = index.process(p.ppid);
    const adopted = p.ppid === 1 || (parent !== undefined && (parent.namespaceInit || ADOPTERS.has(parent.comm)));
    if (!adopted) continue;
    groups.set(p.pgid, [...(groups.get(p.pgid) ?? []), p]);
  }
  const findings: DraftFinding[] = [];
  // A job whose shell exited but that is running procdoc right now (a CI script started in
  // the background, say) is not a leftover that nobody will stop: it is the caller.
  const caller = new Set([snapshot.self.pid, ...snapshot.self.ancestors]);
  for (const [pgid, adoptedTop] of groups) {
    // Everything still in the dead group, including the adopted processes' own children.
    const members = index.group(pgid).filter((p) => !p.kernelThread && p.state !== 'Z');
    if (members.some((p) => caller.has(p.pid))) continue;
    const withTty = members.some((p) => p.ttyNr !== 0);
    if (members.length < 2 && !withTty) continue;
    const adopter = index.process(adoptedTop[0]?.ppid ?? 1);
    const adopterName = adopter ? label(adopter) : 'init';
    findings.push({
      code: 'orphaned-descendants',
      severity: 'warning',
      title: `${plural(members.length, 'leftover process', 'leftover processes')} of dead group ${pgid}`,
      summary:
        `Process group ${pgid} lost its leader (PID ${pgid} has exited), and what it started is still running, adopted by ${adopterName}: ` +
        `${members.slice(0, 4).map((p) => `${label(p)} "${shortCommand(p, 40)}"`).join(', ')}${members.length > 4 ? ', …' : ''}. ` +
        `These are usually the remains of a pipeline or background job whose shell exited; nobody will stop them. Signal the whole group rather than chasing each process.`,
      pids: members.map((p) => p.pid),
      culpritPid: null,
      units: [],
      cgroups: [],
      evidence: [
        ...adoptedTop.slice(0, 3).map((p) => ev(procSource(p.pid, 'stat'), 'ppid', p.ppid)),
        ev(procSource(members[0]?.pid ?? pgid, 'stat'), 'pgrp', pgid),
        index.process(pgid) === undefined ? ev(`/proc/${pgid}`, 'exists', false) : ev(procSource(pgid, 'stat'), 'state', 'Z'),
      ],
      remediation: [
        {
          command: `kill -s TERM -- -${pgid}`,
          why: `Signals every process in group ${pgid} at once with SIGTERM, so each can clean up; nothing else is touched.`,
        },
      ],
    });
  }
  return findings;
};
