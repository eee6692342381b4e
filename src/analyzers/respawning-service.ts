import type { DraftFinding } from './finding.js';
import { ev, label, plural, systemctlSource } from './facts.js';
import type { Analyzer } from './types.js';

/** A unit with Restart= that the service manager has restarted: killing its processes is the wrong lever. */
export const respawningService: Analyzer = ({ snapshot, thresholds }) => {
  const findings: DraftFinding[] = [];
  for (const unit of snapshot.units) {
    const restarts = unit.nRestarts ?? 0;
    if (restarts <= 0 || unit.restart === null || unit.restart === 'no') continue;
    const procs = snapshot.processes.filter((p) => p.owner.unit?.name === unit.name && p.owner.unit.manager === unit.manager);
    const main = unit.mainPid !== null && unit.mainPid > 0 ? unit.mainPid : null;
    const user = unit.manager === 'user' ? ' --user' : '';
    findings.push({
      code: 'respawning-service',
      severity: restarts >= thresholds.restartsCritical ? 'critical' : 'warning',
      title: `${unit.name} has been restarted ${plural(restarts, 'time')} (Restart=${unit.restart})`,
      summary:
        `${unit.name}${unit.description ? ` (${unit.description})` : ''} is set to Restart=${unit.restart} and systemd has restarted it ${plural(restarts, 'time')}` +
        (unit.activeState ? `; it is ${unit.activeState}/${unit.subState ?? '?'} now` : '') +
        '. Killing its processes only triggers another restart: use systemctl to stop or restart it, and read its log for why it keeps exiting.' +
        (procs[0] ? ` Its processes: ${procs.slice(0, 3).map(label).join(', ')}.` : ''),
      pids: procs.map((p) => p.pid),
      culpritPid: main,
      units: [unit.name],
      cgroups: unit.controlGroup ? [unit.controlGroup] : [],
      evidence: [
        ev(systemctlSource(unit.name), 'Restart', unit.restart),
        ev(systemctlSource(unit.name), 'NRestarts', restarts),
        ev(systemctlSource(unit.name), 'ActiveState', unit.activeState),
        ...(main !== null ? [ev(systemctlSource(unit.name), 'MainPID', main)] : []),
      ],
      remediation: [
        { command: `journalctl${user} -u ${unit.name} -n 50 --no-pager`, why: 'Shows why it exits each time; the fix is there, not in killing it.' },
        { command: `systemctl${user} stop ${unit.name}`, why: 'Stops it for good (systemd will not restart a unit that was stopped on purpose).' },
      ],
    });
  }
  return findings;
};
