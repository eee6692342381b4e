import { indexSnapshot, type SnapshotIndex } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';
import type { DraftFinding, Finding, FindingCode, Severity } from './finding.js';
import { judge, type CommandChecker } from './judge.js';
import { ANALYZERS } from './registry.js';
import { resolveThresholds, type Thresholds } from './thresholds.js';
import type { Analyzer, AnalyzerInput } from './types.js';

export interface AnalyzeOptions {
  thresholds?: Partial<Thresholds>;
  /** Keep only findings about this process, its subtree, its group and its owner. */
  focusPid?: number;
  /** Defaults to every analyzer (ANALYZERS). */
  analyzers?: Readonly<Partial<Record<FindingCode, Analyzer>>>;
}

export interface DiagnoseOptions extends AnalyzeOptions {
  validator: CommandChecker;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Runs the analyzers: draft findings, focused and sorted, remediation not yet judged. */
export function analyze(snapshot: Snapshot, options: AnalyzeOptions = {}, index: SnapshotIndex = indexSnapshot(snapshot)): DraftFinding[] {
  const input: AnalyzerInput = {
    snapshot,
    index,
    thresholds: resolveThresholds(options.thresholds),
    ...(options.focusPid === undefined ? {} : { focusPid: options.focusPid }),
  };
  const analyzers = Object.entries(options.analyzers ?? ANALYZERS) as [FindingCode, Analyzer | undefined][];
  const order = new Map(analyzers.map(([code], i) => [code, i]));
  let drafts = analyzers.flatMap(([, run]) => (run ? run(input) : []));
  const procRoot = snapshot.host.procRoot;
  if (procRoot !== '/proc') drafts = drafts.map((d) => readFrom(d, procRoot));
  if (options.focusPid !== undefined) {
    const focus = focusOf(index, options.focusPid);
    drafts = drafts.filter((d) => concerns(d, focus));
  }
  return drafts.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0) ||
      (a.pids[0] ?? 0) - (b.pids[0] ?? 0),
  );
}

/**
 * Evidence names each file where it was read, as cgroup and host files already are: with
 * --proc-root /host/proc, a process's status is /host/proc/PID/status, which the person
 * running procdoc can read, not /proc/PID/status, which there is another process's or none.
 */
function readFrom(d: DraftFinding, procRoot: string): DraftFinding {
  if (!d.evidence.some((e) => e.source.startsWith('/proc/'))) return d;
  return { ...d, evidence: d.evidence.map((e) => (e.source.startsWith('/proc/') ? { ...e, source: `${procRoot}${e.source.slice(5)}` } : e)) };
}

/** The main job as a pure function: findings sorted by severity, each command judged. */
export function diagnose(snapshot: Snapshot, options: DiagnoseOptions): Finding[] {
  return judge(analyze(snapshot, options), options.validator, snapshot);
}

export interface Focus {
  pids: Set<number>;
  units: Set<string>;
  cgroups: Set<string>;
}

/** A process, its subtree, its process group, its parent and supervisor, its unit and cgroups. */
export function focusOf(index: SnapshotIndex, pid: number): Focus {
  const p = index.process(pid);
  const pids = new Set<number>([pid]);
  const units = new Set<string>();
  const cgroups = new Set<string>();
  if (p === undefined) return { pids, units, cgroups };
  for (const q of index.subtree(pid)) pids.add(q.pid);
  if (p.pgid > 0) for (const q of index.group(p.pgid)) pids.add(q.pid);
  if (p.ppid > 0) pids.add(p.ppid);
  if (p.owner.supervisor) pids.add(p.owner.supervisor.pid);
  if (p.owner.unit) units.add(p.owner.unit.name);
  if (p.cgroup.v2 !== null && p.cgroup.v2 !== '/') cgroups.add(p.cgroup.v2);
  for (const path of Object.values(p.cgroup.v1)) if (path !== '/') cgroups.add(path);
  return { pids, units, cgroups };
}

/** Findings about a cgroup as a whole; others are about processes, and a shared cgroup does not tie them to the focus. */
const CGROUP_SCOPED = new Set<DraftFinding['code']>(['cpu-throttled', 'memory-near-limit', 'oom-kills-recorded', 'pressure-stall', 'pids-near-limit']);

function concerns(d: DraftFinding, focus: Focus): boolean {
  return (
    d.pids.some((pid) => focus.pids.has(pid)) ||
    (d.culpritPid !== null && focus.pids.has(d.culpritPid)) ||
    d.units.some((u) => focus.units.has(u)) ||
    (CGROUP_SCOPED.has(d.code) && d.cgroups.some((c) => focus.cgroups.has(c)))
  );
}

/** The worst severity among findings, or null when there are none. */
export function worstSeverity(findings: readonly Pick<Finding, 'severity'>[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of findings) if (worst === null || SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[worst]) worst = f.severity;
  return worst;
}
