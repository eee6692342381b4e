import type { Cgroup, Pressure, Process } from './schema.js';
import type { StatFields } from './parse.js';
import type { SnapshotIndex } from './query.js';

/** What a sample keeps of a process's stat. */
export type SampledStat = Pick<StatFields, 'startTime' | 'state' | 'utime' | 'stime' | 'rssPages'>;

/** One reading of the processes and cgroups: the full pass, then light ones (stat, a few io and smaps). */
export interface LightSample {
  at: string;
  /** Milliseconds since the snapshot started (monotonic clock). */
  offsetMs: number;
  /**
   * Each process as read, with when: `atMs` (as offsetMs) is taken at its own read, for a
   * pass over thousands of processes takes tens of milliseconds, which would otherwise skew
   * the CPU% of those read early or late by as much against a 300 ms window.
   */
  procs: Map<
    number,
    { stat: SampledStat; atMs: number; rchar: number | null; wchar: number | null; anonymous: number | null; privateDirty: number | null }
  >;
  cgroups: Map<string, Cgroup>;
  pressure: Pressure | null;
}

/**
 * Derives CPU% and progress from the first and last sample in which each process (same
 * pid and start time) and each cgroup was seen. Pure: mutates only the values passed in.
 */
export function applySamples(
  processes: Process[],
  cgroups: Cgroup[],
  samples: readonly LightSample[],
  index: Pick<SnapshotIndex, 'cgroupFor'>,
  clockTicks: number,
): void {
  if (samples.length < 2) return;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const seconds = (last.offsetMs - first.offsetMs) / 1000;
  if (seconds <= 0) return;

  for (const c of cgroups) {
    const a = first.cgroups.get(c.id)?.cpu;
    const b = last.cgroups.get(c.id)?.cpu;
    if (!c.cpu || !a || !b) continue;
    const usage = a.usageUs !== null && b.usageUs !== null ? (b.usageUs - a.usageUs) / 1e6 : null;
    const percent = usage === null ? 0 : (usage / seconds) * 100;
    const quota = c.cpu.quotaUs !== null && c.cpu.periodUs ? c.cpu.quotaUs / c.cpu.periodUs : null;
    c.cpu.sample = {
      percent: round(percent),
      quotaPercent: quota === null || usage === null ? null : round(percent / quota),
      throttledPeriods: Math.max(0, (b.nrThrottled ?? 0) - (a.nrThrottled ?? 0)),
      periods: Math.max(0, (b.nrPeriods ?? 0) - (a.nrPeriods ?? 0)),
      throttledUs: Math.max(0, (b.throttledUs ?? 0) - (a.throttledUs ?? 0)),
    };
  }

  for (const p of processes) {
    let from: LightSample | undefined;
    let to: LightSample | undefined;
    for (const s of samples) {
      if (!s.procs.has(p.pid)) continue;
      from ??= s;
      to = s;
    }
    if (!from || !to || from === to) continue;
    const a = from.procs.get(p.pid)!;
    const b = to.procs.get(p.pid)!;
    const span = (b.atMs - a.atMs) / 1000;
    const ticks = b.stat.utime + b.stat.stime - (a.stat.utime + a.stat.stime);
    const percent = span > 0 ? (ticks / clockTicks / span) * 100 : 0;
    const cg = index.cgroupFor(p, 'cpu');
    const quota = cg?.cpu?.quotaUs != null && cg.cpu.periodUs ? cg.cpu.quotaUs / cg.cpu.periodUs : null;
    const ioDelta =
      a.rchar !== null && b.rchar !== null && a.wchar !== null && b.wchar !== null
        ? { rchar: b.rchar - a.rchar, wchar: b.wchar - a.wchar }
        : null;
    const stateChanged = samples.some((s) => {
      const st = s.procs.get(p.pid)?.stat.state;
      return st !== undefined && st !== a.stat.state;
    });
    p.cpu = {
      percent: round(percent),
      quotaPercent: quota === null ? null : round(percent / quota),
      progressed: ticks > 0 || (ioDelta !== null && (ioDelta.rchar > 0 || ioDelta.wchar > 0)) || stateChanged,
      ioDelta,
    };
  }
  fillCgroupCpuFromMembers(processes, cgroups, index);
}

/** Where a v1 cpu hierarchy has no usage counter, its CPU% is the sum of its members'. */
function fillCgroupCpuFromMembers(processes: readonly Process[], cgroups: Cgroup[], index: Pick<SnapshotIndex, 'cgroupFor'>): void {
  const sums = new Map<string, number>();
  for (const p of processes) {
    const cg = index.cgroupFor(p, 'cpu');
    if (cg && p.cpu) sums.set(cg.id, (sums.get(cg.id) ?? 0) + p.cpu.percent);
  }
  for (const c of cgroups) {
    if (!c.cpu?.sample || c.cpu.usageUs !== null) continue;
    const percent = round(sums.get(c.id) ?? 0);
    const quota = c.cpu.quotaUs !== null && c.cpu.periodUs ? c.cpu.quotaUs / c.cpu.periodUs : null;
    c.cpu.sample.percent = percent;
    c.cpu.sample.quotaPercent = quota === null ? null : round(percent / quota);
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
