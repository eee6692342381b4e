import type { Process } from '../snapshot/schema.js';
import type { DraftFinding, ProposedRemediation } from './finding.js';
import { ev, hasSignal, label, plural, procSource, statePersistence } from './facts.js';
import type { Analyzer } from './types.js';

/** Zombies whose parent does not wait(): the culprit is the parent, never the zombie. */
export const zombieUnreaped: Analyzer = ({ snapshot, index, thresholds }) => {
  const byParent = new Map<number, Process[]>();
  for (const p of snapshot.processes) {
    if (p.state !== 'Z') continue;
    byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  }
  const findings: DraftFinding[] = [];
  for (const [ppid, zombies] of byParent) {
    const parent = index.process(ppid);
    const persistence = zombies.map((z) => statePersistence(snapshot, z, 'Z'));
    // A child that just exited is a zombie until its parent's next wait(): only zombies
    // that outlived the sample (or a pile of them) are a finding.
    const stuck = persistence.includes('persistent') || zombies.length >= thresholds.zombiesCritical;
    if (!stuck && persistence.every((s) => s === 'transient')) continue;
    const severity = zombies.length >= thresholds.zombiesCritical ? 'critical' : stuck ? 'warning' : 'info';
    const parentName = parent ? label(parent) : `PID ${ppid}`;
    const unit = parent?.owner.unit?.name;
    const handlesChld = parent?.signals ? hasSignal(parent.signals.caught, 'SIGCHLD') : null;
    const ignoresChld = parent?.signals ? hasSignal(parent.signals.ignored, 'SIGCHLD') : false;
    const remediation: ProposedRemediation[] = [];
    if (parent && ppid !== 1 && !parent.namespaceInit) {
      remediation.push({
        command: `kill -s CHLD ${ppid}`,
        why: `Reminds ${parentName} that children have exited; a parent with a SIGCHLD handler reaps them. Harmless if it has none.`,
      });
      if (unit !== undefined) {
        remediation.push({
          command: `systemctl restart ${unit}`,
          why: `Restarting the parent through its unit lets init adopt and reap the zombies; the unit's processes are restarted cleanly.`,
        });
      } else {
        remediation.push({
          command: `kill -s TERM ${ppid}`,
          why: `If the parent cannot be fixed: when it exits, init adopts the zombies and reaps them. SIGTERM lets it clean up first.`,
        });
      }
    }
    const zombieList = zombies.slice(0, 5).map(label).join(', ') + (zombies.length > 5 ? ', …' : '');
    const cause =
      parent === undefined
        ? 'Its parent is not visible in the snapshot.'
        : ppid === 1 || parent.namespaceInit
          ? `${parentName} is the init of its PID namespace and does not reap adopted children; run the workload under an init that reaps (tini, docker run --init).`
          : ignoresChld
            ? `${parentName} ignores SIGCHLD yet does not reap; its code needs to call wait()/waitpid() for its children.`
            : handlesChld === false
              ? `${parentName} has no SIGCHLD handler and is not calling wait(); its code needs to reap children (a SIGCHLD handler or a waitpid loop).`
              : `${parentName} is not calling wait() for them.`;
    findings.push({
      code: 'zombie-unreaped',
      severity,
      title: `${plural(zombies.length, 'zombie')} of ${parentName} not reaped`,
      summary:
        `${zombies.length === 1 ? 'A child has exited but still holds' : `${zombies.length} children have exited but still hold`} a process-table entry because the parent has not collected the exit status (${zombieList}). ` +
        `A zombie is already dead and cannot be killed; only its parent can remove it. ${cause}` +
        (stuck ? '' : ' Seen in a single sample only: it may be reaped a moment later.'),
      pids: zombies.map((z) => z.pid),
      culpritPid: parent ? ppid : null,
      units: unit === undefined ? [] : [unit],
      cgroups: [],
      evidence: [
        ...zombies.slice(0, 3).map((z) => ev(procSource(z.pid, 'stat'), 'state', z.state)),
        ev(procSource(zombies[0]?.pid ?? ppid, 'stat'), 'ppid', ppid),
        ...(parent?.signals ? [ev(procSource(ppid, 'status'), 'SigCgt has SIGCHLD', handlesChld)] : []),
        ...(parent ? [ev(procSource(ppid, 'wchan'), 'wchan', parent.wchan)] : []),
      ],
      remediation,
    });
  }
  return findings;
};
