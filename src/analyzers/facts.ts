import { printable, type SnapshotIndex } from '../snapshot/query.js';
import type { Cgroup, Process, Snapshot } from '../snapshot/schema.js';
import type { Evidence, ProposedRemediation } from './finding.js';

export { cgroupSource, label, printable, v1Hierarchy } from '../snapshot/query.js';

/** Shared, pure helpers for analyzers: evidence sources, formatting, sample history. */

export function ev(source: string, field: string, value: Evidence['value']): Evidence {
  return { source, field, value };
}

export function procSource(pid: number, file: string): string {
  return `/proc/${pid}/${file}`;
}

/** v1 and v2 name the same knob differently. */
export function cgroupFileName(cgroup: Cgroup, knob: 'memory.max' | 'memory.current' | 'memory.high' | 'cpu.max' | 'cpu.stat' | 'pids.max' | 'pids.current' | 'memory.events'): string {
  if (cgroup.version === 2) return knob;
  switch (knob) {
    case 'memory.max':
      return 'memory.limit_in_bytes';
    case 'memory.current':
      return 'memory.usage_in_bytes';
    case 'memory.high':
      return 'memory.soft_limit_in_bytes';
    case 'cpu.max':
      return 'cpu.cfs_quota_us';
    case 'cpu.stat':
      return 'cpu.stat';
    case 'pids.max':
      return 'pids.max';
    case 'pids.current':
      return 'pids.current';
    case 'memory.events':
      return 'memory.oom_control';
  }
}

export function systemctlSource(unit: string): string {
  return `systemctl show ${unit}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return `${i === 0 ? value : value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${units[i]}`;
}

/** A size for a limit suggestion, rounded up to a readable systemd value ("512M", "2G"). */
export function systemdSize(bytes: number): string {
  const mib = Math.max(64, Math.ceil(bytes / 2 ** 20));
  if (mib >= 1024) return `${Math.ceil(mib / 1024)}G`;
  const step = mib > 256 ? 128 : 64;
  return `${Math.ceil(mib / step) * step}M`;
}

export function percent(value: number): string {
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(1))}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Limits above this are "unlimited" however the kernel spelled it. */
const HUGE = 2 ** 60;
export function isLimited(limit: number | null | undefined): limit is number {
  return limit !== null && limit !== undefined && limit > 0 && limit < HUGE;
}

/** Seconds since the process started, as of the snapshot. */
export function ageSeconds(snapshot: Snapshot, p: Process): number {
  const age = (Date.parse(snapshot.capturedAt) - Date.parse(p.startedAt)) / 1000;
  return Number.isFinite(age) ? Math.max(0, age) : 0;
}

export function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

/** CPU seconds the process has used in its lifetime. */
export function cpuSeconds(snapshot: Snapshot, p: Process): number {
  return (p.utime + p.stime) / snapshot.host.clockTicks;
}

export type Persistence = 'persistent' | 'transient' | 'single-sample';

/**
 * Whether the process stayed in one of `states` across the samples (the series, or the two
 * samples behind `cpu`): one sample
 * cannot tell a passing state from a stuck one, so callers lower severity for 'single-sample'.
 */
export function statePersistence(snapshot: Snapshot, p: Process, states: string): Persistence {
  const points = snapshot.series.map((point) => point.processes.find((q) => q.pid === p.pid && q.startTime === p.startTime));
  const seen = points.filter((q) => q !== undefined);
  if (seen.length < 2) {
    // Two samples without a series: the snapshotter marks a process that neither ran, did
    // I/O nor changed state between them as not progressed.
    if (p.cpu === null) return 'single-sample';
    return p.cpu.progressed || !states.includes(p.state) ? 'transient' : 'persistent';
  }
  return seen.every((q) => states.includes(q.state)) && states.includes(p.state) ? 'persistent' : 'transient';
}

/** Signal names without the SIG prefix, so "SIGTERM" and "TERM" compare equal. */
export function hasSignal(list: readonly string[] | undefined, name: string): boolean {
  const want = name.replace(/^SIG/, '');
  return (list ?? []).some((s) => s.replace(/^SIG/, '') === want);
}

/** Processes that are not kernel threads and not procdoc itself (its own sampling is not a finding). */
export function userProcesses(snapshot: Snapshot): Process[] {
  return snapshot.processes.filter((p) => !p.kernelThread && p.pid !== snapshot.self.pid);
}

/** Processes whose cgroup for `controller` is `cgroup`. */
export function membersOf(index: SnapshotIndex, cgroup: Cgroup, controller: 'memory' | 'cpu' | 'pids' | 'freezer'): Process[] {
  return index.snapshot.processes.filter((p) => !p.kernelThread && index.cgroupFor(p, controller)?.id === cgroup.id);
}

/** Units that own any of the processes. */
export function unitsOf(processes: readonly Process[]): string[] {
  return [...new Set(processes.map((p) => p.owner.unit?.name).filter((n): n is string => n !== undefined))];
}

/** The unit that owns a cgroup: the one whose ControlGroup is this path, or the owner of all its members. */
export function unitOfCgroup(snapshot: Snapshot, cgroup: Cgroup, members: readonly Process[]): string | undefined {
  const direct = snapshot.units.find((u) => u.controlGroup === cgroup.path);
  if (direct) return direct.name;
  const units = unitsOf(members);
  return units.length === 1 && members.every((m) => m.owner.unit !== null) ? units[0] : undefined;
}

/** Parses a CPU list ("0-3,6") into CPU numbers. */
export function parseCpuList(list: string | null): number[] {
  if (list === null || list.trim() === '') return [];
  const out = new Set<number>();
  for (const part of list.split(',')) {
    const [a, b] = part.trim().split('-');
    const start = Number(a);
    const end = b === undefined ? start : Number(b);
    if (!Number.isInteger(start) || !Number.isInteger(end)) continue;
    for (let c = start; c <= end && c - start < 4096; c += 1) out.add(c);
  }
  return [...out].sort((x, y) => x - y);
}

/** Shell-quotes an argument for a command a person may paste. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shortCommand(p: Process, max = 60): string {
  const text = printable(p.argv.length > 0 ? p.argv.join(' ') : `[${p.comm}]`);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `docker|podman unpause ID` for processes of a paused container (docker pause freezes its
 * freezer cgroup, v1 or v2); undefined when none of them runs in one.
 */
function unpauseOf(procs: readonly Process[]): ProposedRemediation | undefined {
  const c = procs.map((p) => p.owner.container).find((x) => x !== null && (x.runtime === 'docker' || x.runtime === 'podman'));
  return c ? { command: `${c.runtime} unpause ${c.id.slice(0, 12)}`, why: `Unpauses the ${c.runtime} container that froze it; its processes resume where they stopped.` } : undefined;
}

/**
 * How to thaw frozen processes: through the container runtime that paused them, else the
 * service manager of `unit` (the unit whose cgroup is frozen), else `byFile` (a write to the
 * cgroup's freezer file, or none when an ancestor did the freezing).
 */
export function thawOf(procs: readonly Process[], unit: string | undefined, byFile: ProposedRemediation | null): ProposedRemediation[] {
  const unpause = unpauseOf(procs);
  if (unpause) return [unpause];
  if (unit !== undefined) return [{ command: `systemctl thaw ${unit}`, why: 'Thaws the unit through its service manager; the processes resume where they stopped.' }];
  return byFile === null ? [] : [byFile];
}
