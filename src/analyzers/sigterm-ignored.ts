import type { DraftFinding, ProposedRemediation } from './finding.js';
import { ev, hasSignal, label, procSource, shortCommand, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'fish', 'ksh', 'mksh', 'tcsh', 'csh']);

/**
 * SIGTERM ignored (or blocked with no signalfd to read it): a plain `kill` does nothing, and `systemctl stop` waits out
 * its timeout before SIGKILL. Interactive shells ignore SIGTERM by design and are left out;
 * namespace inits are pid1-without-handler's. A warning when a unit will hit this on stop.
 */
export const sigtermIgnored: Analyzer = ({ snapshot, focusPid }) => {
  const findings: DraftFinding[] = [];
  for (const p of userProcesses(snapshot)) {
    if (p.signals === null || p.pid === 1 || p.namespaceInit || p.state === 'Z') continue;
    const ignored = hasSignal(p.signals.ignored, 'SIGTERM');
    // Blocking is how signalfd users (systemd, many daemons) take SIGTERM, and shells block
    // signals for a moment around fork: blocked counts only when the fds show no signalfd.
    const fds = p.deep?.fds ?? null;
    const blocked =
      hasSignal(p.signals.blocked, 'SIGTERM') && !SHELLS.has(p.comm) && fds !== null && !fds.some((fd) => fd.target.includes('signalfd'));
    if (!ignored && !blocked) continue;
    if (SHELLS.has(p.comm) && p.ttyNr !== 0 && p.pid !== focusPid) continue;
    const unit = p.owner.unit?.name;
    const unitInfo = unit !== undefined ? snapshot.units.find((u) => u.name === unit) : undefined;
    const stopHurts = unit !== undefined && (unitInfo?.killSignal ?? 15) === 15;
    const how = ignored ? 'ignores' : 'blocks';
    const remediation: ProposedRemediation[] = [];
    if (unit !== undefined) {
      remediation.push({ command: `systemctl stop ${unit}`, why: `Stops it through ${unit}: systemd sends SIGTERM, waits TimeoutStopSec, then SIGKILL, and knows not to restart it.` });
    } else {
      if (!hasSignal(p.signals.ignored, 'SIGINT') && !hasSignal(p.signals.blocked, 'SIGINT')) {
        remediation.push({ command: `kill -s INT ${p.pid}`, why: 'SIGINT is not ignored: many programs treat it like ^C and exit cleanly.' });
      }
      remediation.push({ command: `kill -s KILL ${p.pid}`, why: 'Last resort when it must stop: SIGKILL cannot be ignored, but skips every cleanup handler.' });
    }
    findings.push({
      code: 'sigterm-ignored',
      severity: stopHurts ? 'warning' : 'info',
      title: `${label(p)} ${how} SIGTERM`,
      summary:
        `${label(p)} "${shortCommand(p, 50)}" ${how} SIGTERM, so \`kill ${p.pid}\` (which sends SIGTERM) does nothing` +
        (blocked && !ignored ? ' until it unblocks the signal' : '') +
        '. ' +
        (stopHurts
          ? `\`systemctl stop ${unit ?? ''}\` will wait out TimeoutStopSec and then SIGKILL it, skipping its cleanup; set KillSignal= to a signal it handles.`
          : 'To stop it, use a signal it handles, or SIGKILL as a last resort (no cleanup).'),
      pids: [p.pid],
      culpritPid: p.pid,
      units: unit === undefined ? [] : [unit],
      cgroups: [],
      evidence: [
        ev(procSource(p.pid, 'status'), ignored ? 'SigIgn has SIGTERM' : 'SigBlk has SIGTERM', true),
        ...(unitInfo ? [ev(`systemctl show ${unitInfo.name}`, 'KillSignal', unitInfo.killSignal)] : []),
      ],
      remediation,
    });
  }
  return findings;
};
