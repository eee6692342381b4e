import type { Process } from '../snapshot/schema.js';
import type { DraftFinding, ProposedRemediation } from './finding.js';
import { ev, label, plural, procSource, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'fish', 'ksh', 'mksh', 'tcsh', 'csh', 'busybox']);

/**
 * Processes stopped (T). A background job stopped at an interactive shell (^Z, or SIGTTIN
 * for reading the terminal) is what job control expects, so it is only information; a
 * stopped process with no terminal (a daemon, a pipeline stage) will stay stopped forever.
 */
export const stoppedProcess: Analyzer = ({ snapshot, index }) => {
  const stopped = userProcesses(snapshot).filter((p) => p.state === 'T');
  const byGroup = new Map<number, Process[]>();
  for (const p of stopped) byGroup.set(p.pgid, [...(byGroup.get(p.pgid) ?? []), p]);
  const findings: DraftFinding[] = [];
  for (const [pgid, procs] of byGroup) {
    const first = procs[0];
    if (first === undefined) continue;
    const leader = index.process(first.sid);
    const jobControl = first.ttyNr !== 0 && leader !== undefined && SHELLS.has(leader.comm) && leader.state !== 'T';
    const ttyRead = procs.some((p) => p.wchan !== null && /signal_stop/.test(p.wchan) && p.ttyNr !== 0 && p.tpgid !== p.pgid);
    const whole = index.group(pgid).every((p) => p.state === 'T' || p.state === 'Z');
    const remediation: ProposedRemediation[] = [
      whole && pgid > 1
        ? { command: `kill -s CONT -- -${pgid}`, why: `Resumes every stopped process of group ${pgid} together, so a pipeline does not resume half-way.` }
        : { command: `kill -s CONT ${procs.map((p) => p.pid).join(' ')}`, why: 'Resumes the stopped process; SIGCONT does nothing else.' },
    ];
    findings.push({
      code: 'stopped-process',
      severity: jobControl ? 'info' : 'warning',
      title: `${plural(procs.length, 'process', 'processes')} stopped: ${procs.slice(0, 3).map(label).join(', ')}${procs.length > 3 ? ', …' : ''}`,
      summary: jobControl
        ? `Stopped as a background job of the shell ${leader ? label(leader) : `session ${first.sid}`} on ${first.tty ?? 'its terminal'}` +
          (ttyRead ? ', most likely because it tried to read the terminal while in the background (SIGTTIN): bring it to the foreground with `fg` in that shell.' : '. Resume it with `fg` or `bg` in that shell, or send SIGCONT.')
        : `Stopped (SIGSTOP or SIGTSTP) with no interactive shell to resume it: it makes no progress and holds its resources, and anything waiting on it waits too. Send SIGCONT to resume it, if stopping it was not deliberate (a debugger or checkpoint).`,
      pids: procs.map((p) => p.pid),
      culpritPid: null,
      units: [...new Set(procs.map((p) => p.owner.unit?.name).filter((n): n is string => n !== undefined))],
      cgroups: [],
      evidence: procs.slice(0, 4).flatMap((p) => [ev(procSource(p.pid, 'stat'), 'state', p.state), ev(procSource(p.pid, 'wchan'), 'wchan', p.wchan)]),
      remediation,
    });
  }
  return findings;
};
