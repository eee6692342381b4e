import type { DraftFinding } from './finding.js';
import { ev, hasSignal, label, plural, procSource, shortCommand } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * PID 1 of a PID namespace (a container) with no SIGTERM handler. The kernel drops signals
 * to a namespace init that has no handler, so `docker stop` or `kill` does nothing and the
 * runtime ends up sending SIGKILL after its timeout: the workload never shuts down cleanly.
 */
export const pid1WithoutHandler: Analyzer = ({ snapshot, index }) => {
  const findings: DraftFinding[] = [];
  for (const p of snapshot.processes) {
    if (!p.namespaceInit || p.kernelThread || p.signals === null || p.state === 'Z') continue;
    if (hasSignal(p.signals.caught, 'SIGTERM')) continue;
    const container = p.owner.container;
    const children = index.subtree(p.pid).slice(1);
    const unit = p.owner.unit?.name;
    findings.push({
      code: 'pid1-without-handler',
      severity: 'warning',
      title: `${label(p)} is PID 1 of a ${container ? `${container.runtime} container` : 'PID namespace'} and does not handle SIGTERM`,
      summary:
        `${label(p)} "${shortCommand(p, 50)}" is the init (PID 1) of its PID namespace${container ? ` (${container.runtime} ${container.id.slice(0, 12)})` : ''} and has no SIGTERM handler. ` +
        'The kernel does not deliver default-action signals to a namespace init, so a stop request is silently ignored, the runtime waits its timeout and then SIGKILLs everything' +
        (children.length > 0 ? ` (${plural(children.length, 'process', 'processes')} inside) with no cleanup` : ' with no cleanup') +
        '. Run the workload under an init that forwards signals and reaps (docker run --init, tini, dumb-init), or give the program a SIGTERM handler.',
      pids: [p.pid, ...children.map((c) => c.pid)],
      culpritPid: p.pid,
      units: unit === undefined ? [] : [unit],
      cgroups: [],
      evidence: [
        ev(procSource(p.pid, 'status'), 'NSpid', p.nspid.join(' ')),
        ev(procSource(p.pid, 'status'), 'SigCgt has SIGTERM', false),
        ev(procSource(p.pid, 'status'), 'SigIgn has SIGTERM', hasSignal(p.signals.ignored, 'SIGTERM')),
      ],
      remediation: [
        ...(children[0]
          ? [{ command: `kill -s TERM ${children.map((c) => c.pid).slice(0, 8).join(' ')}`, why: 'Asks the processes inside to exit cleanly; when the last one is gone the init usually exits too.' }]
          : []),
        { command: `kill -s KILL ${p.pid}`, why: 'From outside the namespace only SIGKILL ends its init, and it takes every process inside with it, without cleanup.' },
      ],
    });
  }
  return findings;
};
