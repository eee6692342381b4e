import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ProcdocError } from '../errors.js';
import { DecisionSchema, RuleHitSchema, TargetSchema } from '../validator/verdict.js';
import { CheckSchema } from './verify.js';

/** One line of the audit log. Every exec writes a decision (or refusal) before it runs and a result after. */
export const AuditRecordSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('refused'),
    id: z.string(),
    at: z.string(),
    command: z.string(),
    reason: z.enum(['deny', 'declined', 'pid-reused', 'target-gone', 'denied-on-recheck']),
    message: z.string(),
    decision: DecisionSchema,
    rules: z.array(RuleHitSchema),
    targets: z.array(TargetSchema),
    uid: z.number().int(),
  }),
  z.object({
    event: z.literal('decision'),
    id: z.string(),
    at: z.string(),
    command: z.string(),
    decision: DecisionSchema,
    rules: z.array(RuleHitSchema),
    targets: z.array(TargetSchema),
    confirmedBy: z.enum(['not-needed', 'flag', 'prompt']),
    mode: z.enum(['argv', 'shell']),
    argv: z.array(z.string()),
    uid: z.number().int(),
  }),
  z.object({
    event: z.literal('result'),
    id: z.string(),
    at: z.string(),
    command: z.string(),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    timedOut: z.boolean(),
    interrupted: z.boolean(),
    error: z.string().nullable(),
    durationMs: z.number(),
  }),
  z.object({
    event: z.literal('verified'),
    id: z.string(),
    at: z.string(),
    command: z.string(),
    checks: z.array(CheckSchema),
  }),
]);
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** $XDG_STATE_HOME/procdoc/audit.jsonl, else ~/.local/state/procdoc/audit.jsonl. */
export function auditLogPath(env: NodeJS.ProcessEnv): string {
  const state = env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(env.HOME ?? homedir(), '.local', 'state');
  return join(state, 'procdoc', 'audit.jsonl');
}

/**
 * mkdir -p, one level at a time: Node's own recursive mkdir loops forever where mkdir
 * answers ENOENT under an existing parent (procfs, sysfs).
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let current = dir;
  while (!existsSync(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Appends one record and flushes it to disk before returning: synchronous on purpose, so
 * that a Ctrl-C or a crash right after cannot lose it.
 */
export function appendAudit(path: string, record: AuditRecord): void {
  try {
    makeDirs(dirname(path));
    const fd = openSync(path, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    // No audit record, no run: fail closed.
    throw new ProcdocError('exec-failed', `Cannot write the audit log ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
      hint: 'Make its directory writable, or point XDG_STATE_HOME at a writable directory.',
      cause: error,
    });
  }
}
