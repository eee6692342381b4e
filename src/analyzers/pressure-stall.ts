import type { Pressure, Psi, Snapshot } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import { cgroupSource, ev, membersOf, percent, unitOfCgroup } from './facts.js';
import type { Thresholds } from './thresholds.js';
import type { Analyzer } from './types.js';

type Resource = 'cpu' | 'memory' | 'io';
const RESOURCES: Resource[] = ['cpu', 'memory', 'io'];

interface Stall {
  resource: Resource;
  kind: 'some' | 'full';
  avg60: number;
  avg300: number;
  threshold: number;
}

/**
 * Sustained PSI pressure. The kernel's own 60- and 300-second averages make one snapshot
 * enough to tell a sustained stall from a spike; with a sampled window (--for), every sample's
 * 10-second average must be high too.
 */
export const pressureStall: Analyzer = ({ snapshot, index, thresholds }) => {
  const findings: DraftFinding[] = [];
  const hostSeries = snapshot.series.map((pt) => pt.pressure);
  for (const stall of stallsOf(snapshot.host.pressure, hostSeries, thresholds)) {
    const file = `${snapshot.host.procRoot}/pressure/${stall.resource}`;
    findings.push(build(stall, 'the whole system', file, [], [], null, snapshot));
  }
  for (const cgroup of snapshot.cgroups) {
    if (cgroup.pressure === null || cgroup.path === '/') continue;
    const series = snapshot.series.map((pt) => pt.cgroups.find((c) => c.id === cgroup.id)?.pressure ?? null);
    const stalls = stallsOf(cgroup.pressure, series, thresholds);
    if (stalls.length === 0) continue;
    const members = membersOf(index, cgroup, 'cpu').length > 0 ? membersOf(index, cgroup, 'cpu') : membersOf(index, cgroup, 'memory');
    const unit = unitOfCgroup(snapshot, cgroup, members);
    for (const stall of stalls) {
      const file = cgroupSource(snapshot, cgroup, `${stall.resource}.pressure`);
      findings.push(build(stall, `cgroup ${cgroup.path}${unit !== undefined ? ` (${unit})` : ''}`, file, members.map((p) => p.pid), [cgroup.path], unit ?? null, snapshot));
    }
  }
  return findings;
};

function stallsOf(pressure: Pressure | null, series: readonly (Pressure | null)[], t: Thresholds): Stall[] {
  if (pressure === null) return [];
  const out: Stall[] = [];
  for (const resource of RESOURCES) {
    const psi: Psi | null = pressure[resource];
    if (psi === null) continue;
    const some = resource === 'cpu' ? t.psiCpuSome : resource === 'memory' ? t.psiMemorySome : t.psiIoSome;
    // CPU "full" is meaningless at system level (and always 0 there); judge it only for cgroups.
    const lines: ['some' | 'full', number][] = [['some', some], ...(psi.full !== null && resource !== 'cpu' ? [['full', t.psiFull] as ['full', number]] : [])];
    for (const [kind, threshold] of lines) {
      const line = kind === 'some' ? psi.some : psi.full;
      if (line === null) continue;
      // Sustained: the minute average is over the line and the five-minute one at least half-way.
      if (line.avg60 < threshold || line.avg300 < threshold / 2) continue;
      const points = series.map((p) => (p === null ? null : kind === 'some' ? p[resource]?.some : p[resource]?.full)).filter((l) => l != null);
      if (points.length >= 2 && points.some((l) => l.avg10 < threshold)) continue;
      out.push({ resource, kind, avg60: line.avg60, avg300: line.avg300, threshold });
      break;
    }
  }
  return out;
}

const MEANING: Record<Resource, string> = {
  cpu: 'runnable tasks waited for a CPU',
  memory: 'tasks waited for memory to be reclaimed or swapped in',
  io: 'tasks waited for block I/O',
};

function build(stall: Stall, where: string, file: string, pids: number[], cgroups: string[], unit: string | null, snapshot: Snapshot): DraftFinding {
  // CPU contention slows work down but breaks nothing by itself: never critical.
  const critical = stall.resource !== 'cpu' && stall.avg60 >= Math.min(95, stall.threshold * 2) && stall.avg300 >= stall.threshold;
  const remediation =
    stall.resource === 'memory'
      ? [{ command: 'ps -eo pid,rss,comm --sort=-rss', why: 'Lists the largest memory users (read-only); cap or move the biggest with systemd-run --scope -p MemoryMax=.' }]
      : stall.resource === 'cpu'
        ? [{ command: 'ps -eo pid,pcpu,comm --sort=-pcpu', why: 'Lists the busiest processes (read-only); lower their priority (renice) or cap them with CPUQuota=.' }]
        : [{ command: 'cat /proc/pressure/io', why: 'Re-reads the I/O pressure (read-only); per-device load is in /proc/diskstats.' }];
  return {
    code: 'pressure-stall',
    severity: critical ? 'critical' : 'warning',
    title: `Sustained ${stall.resource} pressure in ${where}: ${percent(stall.avg60)} ${stall.kind} over the last minute`,
    summary:
      `In ${where}, ${stall.kind === 'full' ? 'all non-idle' : 'some'} ${MEANING[stall.resource]} ${percent(stall.avg60)} of the time over the last minute and ${percent(stall.avg300)} over five minutes ` +
      `(kernel pressure-stall information; the threshold is ${stall.threshold}%). That is sustained contention, not a spike: work there runs slower than it should.` +
      (snapshot.series.length >= 2 ? ' It held in every sample of the window.' : ''),
    pids,
    culpritPid: null,
    units: unit === null ? [] : [unit],
    cgroups,
    evidence: [ev(file, `${stall.kind} avg60`, stall.avg60), ev(file, `${stall.kind} avg300`, stall.avg300)],
    remediation,
  };
}
