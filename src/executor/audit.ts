import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ProcdocError } from '../errors.js';
import type { AuditRecord } from './contract.js';

export type { AuditRecord } from './contract.js';

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
