import type { Process } from '../snapshot/schema.js';
import type { SnapshotIndex } from '../snapshot/query.js';
import type { ParsedScript } from './parse.js';
import { hit, type RuleId } from './rules.js';
import type { RuleHit, Target } from './verdict.js';

/** What every judging function is given: the snapshot, the configuration, a parser for nested shell text. */
export interface JudgeContext {
  readonly idx: SnapshotIndex;
  readonly criticalComms: readonly string[];
  readonly criticalUnits: readonly string[];
  /** Parses nested shell text (sh -c, su -c, watch, env -S). */
  parse(text: string): ParsedScript;
  /** Nesting depth of sh -c and friends, to stop runaway recursion. */
  readonly depth: number;
  /** Who runs the command (CheckOptions.runBy). */
  readonly runBy: RunBy;
  /** The snapshot was saved earlier (CheckOptions.saved): messages speak of it, not of "now". */
  readonly saved: boolean;
  /** The words of the command being judged, to recognise the processes that carry this very invocation. */
  readonly invocation: readonly string[];
  /** Whether a variable holds a plain integer set earlier in the script (arithmetic may read it); absent: none does. */
  readonly knownInteger?: (name: string) => boolean;
}

/**
 * Who runs the judged command. 'procdoc': procdoc itself, as its own child, at once (exec):
 * procdoc and the ancestors that started it are alive then, and a pattern can match them.
 * 'caller': someone else, later (check, remediation advice): procdoc's own process and the
 * wrappers that carry its invocation are gone by then.
 */
export type RunBy = 'procdoc' | 'caller';

/** What a command is expected to do, so that the executor can verify it afterwards. */
export type Effect =
  | { kind: 'signal'; pid: number; startTime: number; comm: string; signal: number }
  | { kind: 'unit'; unit: string; manager: 'system' | 'user'; verb: string }
  /** A write to a freezer cgroup's freezer.state (v1) or cgroup.freeze (v2): its id and path, and the processes in it. */
  | { kind: 'freezer'; cgroup: string; path: string; freeze: boolean; pids: number[] }
  | LimitEffect;

/**
 * Which cgroup limit a command sets, in the snapshot's terms: memory.max (v1
 * memory.limit_in_bytes, systemd MemoryMax=), memory.high (MemoryHigh=), pids.max (TasksMax=),
 * or the CPU quota (cpu.max, v1 cpu.cfs_quota_us, CPUQuota=).
 */
export type LimitSetting = 'memory.max' | 'memory.high' | 'pids.max' | 'cpu.quota';

/**
 * A limit set on a cgroup, written to its file (`cgroup`: its id, path and the file) or through systemd
 * (`unit`: systemctl set-property). `expected` is bytes, tasks, or for the CPU quota
 * microseconds of CPU per second; null is no limit; undefined where the command's value
 * cannot be turned into one (a systemd percentage of tasks), and then what systemd records
 * is what the kernel is held to. `pids`: the processes in it when judged, whose cgroups are
 * read again to verify.
 */
export interface LimitEffect {
  kind: 'limit';
  setting: LimitSetting;
  expected: number | null | undefined;
  cgroup: { id: string; path: string; file: string } | null;
  unit: string | null;
  pids: number[];
}

/** The system units that effects act on, each once. */
export function systemUnitsOf(effects: readonly Effect[]): string[] {
  return [...new Set(effects.flatMap((e) => (e.kind === 'unit' && e.manager === 'system' ? [e.unit] : [])))];
}

/** What judging collects; one per check, passed down (never module state). */
export interface Acc {
  effects: Effect[];
  hits: RuleHit[];
  /** id + message of every hit, so that a pkill over thousands of processes stays linear. */
  seen: Set<string>;
  alternatives: string[];
  targets: Map<number, Target>;
  /** Names of the read-only commands seen, for the read-only message. */
  readOnly: string[];
  /** Processes whose wchan or OOM scores the judgement used (Analysis.needs). */
  details: Set<number>;
}

const MAX_ALTERNATIVES = 6;

export function newAcc(): Acc {
  return { hits: [], seen: new Set(), alternatives: [], targets: new Map(), readOnly: [], effects: [], details: new Set() };
}

/**
 * Notes that the judgement uses what a light snapshot leaves unread of `p` (its wchan or OOM
 * scores: SnapshotOptions.light), so that those are read and the command judged again.
 */
export function usesDetails(acc: Acc, p: Process): void {
  acc.details.add(p.pid);
}

export function add(acc: Acc, id: RuleId, message: string): void {
  const key = `${id}\u0000${message}`;
  if (acc.seen.has(key)) return;
  acc.seen.add(key);
  acc.hits.push(hit(id, message));
}

export function alt(acc: Acc, command: string): void {
  // A handful is advice; hundreds (one per matched process) is noise.
  if (acc.alternatives.length < MAX_ALTERNATIVES && !acc.alternatives.includes(command)) acc.alternatives.push(command);
}

export function readOnly(acc: Acc, name: string): void {
  if (!acc.readOnly.includes(name)) acc.readOnly.push(name);
}

export function target(acc: Acc, p: Process | { pid: number }): void {
  if (acc.targets.has(p.pid)) return;
  if ('startTime' in p) {
    acc.targets.set(p.pid, { pid: p.pid, startTime: p.startTime, comm: p.comm, unit: p.owner.unit?.name ?? null });
  } else {
    acc.targets.set(p.pid, { pid: p.pid, startTime: null, comm: null, unit: null });
  }
}

/**
 * A thread id that an action changes by itself (renice, chrt, taskset, ionice of a TID):
 * the target is the thread, held to its own start time, named by its process's comm and unit.
 */
export function targetThread(acc: Acc, tid: number, startTime: number | null, owner: Process): void {
  if (acc.targets.has(tid)) return;
  acc.targets.set(tid, { pid: tid, startTime, comm: owner.comm, unit: owner.owner.unit?.name ?? null });
}

/** How a message names what an action reaches: the process, or one thread (`id`) of it. */
export function describeAimed(id: number, p: Process, pidPrefix = 'PID '): string {
  return id === p.pid ? `${pidPrefix}${p.pid} (${p.comm})` : `thread ${id} of PID ${p.pid} (${p.comm})`;
}

export function merge(into: Acc, from: Acc): void {
  for (const h of from.hits) add(into, h.id, h.message);
  for (const a of from.alternatives) alt(into, a);
  for (const [pid, t] of from.targets) if (!into.targets.has(pid)) into.targets.set(pid, t);
  for (const r of from.readOnly) readOnly(into, r);
  for (const pid of from.details) into.details.add(pid);
  into.effects.push(...from.effects);
}

export function effect(acc: Acc, e: Effect): void {
  acc.effects.push(e);
}

/** True when nothing but read-only facts were collected. */
export function onlyReadOnly(acc: Acc): boolean {
  return acc.hits.length === 0;
}

export function describe(p: Process): string {
  return `PID ${p.pid} (${p.comm})`;
}
