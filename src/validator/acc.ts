import type { Process } from '../snapshot/schema.js';
import type { SnapshotIndex } from '../snapshot/query.js';
import type { ParsedScript } from './parse.js';
import { hit, type RuleHit, type RuleId, type Target } from './verdict.js';

/** What every judging function is given: the snapshot, the configuration, a parser for nested shell text. */
export interface JudgeContext {
  readonly idx: SnapshotIndex;
  readonly criticalComms: readonly string[];
  readonly criticalUnits: readonly string[];
  /** Parses nested shell text (sh -c, su -c, watch, env -S). */
  parse(text: string): ParsedScript;
  /** Nesting depth of sh -c and friends, to stop runaway recursion. */
  readonly depth: number;
}

/** What judging collects; one per check, passed down (never module state). */
export interface Acc {
  hits: RuleHit[];
  alternatives: string[];
  targets: Map<number, Target>;
  /** Names of the read-only commands seen, for the read-only message. */
  readOnly: string[];
}

export function newAcc(): Acc {
  return { hits: [], alternatives: [], targets: new Map(), readOnly: [] };
}

export function add(acc: Acc, id: RuleId, message: string): void {
  if (!acc.hits.some((h) => h.id === id && h.message === message)) acc.hits.push(hit(id, message));
}

export function alt(acc: Acc, command: string): void {
  if (!acc.alternatives.includes(command)) acc.alternatives.push(command);
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

export function merge(into: Acc, from: Acc): void {
  for (const h of from.hits) add(into, h.id, h.message);
  for (const a of from.alternatives) alt(into, a);
  for (const [pid, t] of from.targets) if (!into.targets.has(pid)) into.targets.set(pid, t);
  for (const r of from.readOnly) readOnly(into, r);
}

/** True when nothing but read-only facts were collected. */
export function onlyReadOnly(acc: Acc): boolean {
  return acc.hits.length === 0;
}

export function describe(p: Process): string {
  return `PID ${p.pid} (${p.comm})`;
}
