import type { Process } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import { ev, label, parseCpuList, percent, procSource, userProcesses } from './facts.js';
import type { Analyzer } from './types.js';

/**
 * Busy processes pinned to the same CPUs while others sit idle: together they want more
 * CPU than their shared set has, so each gets a fraction.
 */
export const affinityContention: Analyzer = ({ snapshot, thresholds }) => {
  const online = parseCpuList(snapshot.host.cpusOnline);
  const onlineCount = online.length > 0 ? online.length : snapshot.host.cpus;
  const bySet = new Map<string, Process[]>();
  for (const p of userProcesses(snapshot)) {
    if (p.cpu === null || p.cpu.percent < thresholds.affinityBusyPercent || p.state === 'Z') continue;
    const cpus = parseCpuList(p.cpusAllowed).filter((c) => online.length === 0 || online.includes(c));
    if (cpus.length === 0 || cpus.length >= onlineCount) continue;
    const key = cpus.join(',');
    bySet.set(key, [...(bySet.get(key) ?? []), p]);
  }
  const findings: DraftFinding[] = [];
  for (const [key, procs] of bySet) {
    const cpus = key.split(',').map(Number);
    const demand = procs.reduce((sum, p) => sum + (p.cpu?.percent ?? 0), 0);
    if (procs.length <= cpus.length || demand < cpus.length * 100 * thresholds.affinityMinDemandRatio) continue;
    const free = online.filter((c) => !cpus.includes(c));
    const list = procs[0]?.cpusAllowed ?? key;
    findings.push({
      code: 'affinity-contention',
      severity: 'warning',
      title: `${procs.length} busy processes pinned to CPU ${list}`,
      summary:
        `${procs.slice(0, 4).map(label).join(', ')}${procs.length > 4 ? ', …' : ''} are all restricted to CPU ${list} (${cpus.length} of ${onlineCount} online) and together use ${percent(demand)} of a CPU there, ` +
        `so they take turns on ${cpus.length === 1 ? 'one CPU' : `${cpus.length} CPUs`}` +
        (free.length > 0 ? ` while CPU ${free.join(',')} ${free.length === 1 ? 'is' : 'are'} not available to them` : '') +
        '. Widen their affinity (or spread them) unless the pinning is deliberate.',
      pids: procs.map((p) => p.pid),
      culpritPid: null,
      units: [...new Set(procs.map((p) => p.owner.unit?.name).filter((n): n is string => n !== undefined))],
      cgroups: [],
      evidence: procs.slice(0, 4).flatMap((p) => [
        ev(procSource(p.pid, 'status'), 'Cpus_allowed_list', p.cpusAllowed),
        ev(procSource(p.pid, 'stat'), 'utime+stime over the sample (% of one CPU)', Math.round(p.cpu?.percent ?? 0)),
      ]),
      remediation: procs.slice(1, 3).map((p) => ({
        command: `taskset -a -p -c ${snapshot.host.cpusOnline} ${p.pid}`,
        why: `Lets ${label(p)} and its threads run on every online CPU, so the scheduler can spread the load.`,
      })),
    });
  }
  return findings;
};
