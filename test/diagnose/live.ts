import { readFileSync } from 'node:fs';
import { diagnose } from '../../src/analyzers/diagnose.js';
import type { Finding, FindingCode } from '../../src/analyzers/finding.js';
import type { Thresholds } from '../../src/analyzers/thresholds.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import { loadValidator, type Validator } from '../../src/validator/index.js';

/** Live diagnosis for scenario tests: a real snapshot of this host, the real validator. */
export interface LiveOptions {
  deepPids?: number[];
  sampleMs?: number;
  windowMs?: number;
  thresholds?: Partial<Thresholds>;
}

let validator: Promise<Validator> | undefined;

export async function liveDiagnosis(options: LiveOptions = {}): Promise<{ snapshot: Snapshot; findings: Finding[] }> {
  validator ??= loadValidator();
  const snapshot = await takeSnapshot({
    procRoot: '/proc',
    sysRoot: '/sys',
    deep: false,
    deepPids: options.deepPids ?? [],
    sampleMs: options.sampleMs ?? 300,
    ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
    serviceManager: false,
  });
  const findings = diagnose(snapshot, { validator: await validator, ...(options.thresholds ? { thresholds: options.thresholds } : {}) });
  return { snapshot, findings };
}

/** The finding of `code` that concerns `pid` (in pids or as culprit); throws with what was found instead. */
export function findingFor(findings: readonly Finding[], code: FindingCode, pid: number): Finding {
  const found = findings.find((f) => f.code === code && (f.pids.includes(pid) || f.culpritPid === pid));
  if (!found) {
    const seen = findings.map((f) => `${f.code}[${f.severity}] pids=${f.pids.slice(0, 6).join(',')}`).join('; ');
    throw new Error(`no ${code} finding for pid ${pid}; found: ${seen || 'none'}`);
  }
  return found;
}

export function findingForCgroup(findings: readonly Finding[], code: FindingCode, path: string): Finding {
  const found = findings.find((f) => f.code === code && f.cgroups.includes(path));
  if (!found) {
    const seen = findings.map((f) => `${f.code}[${f.severity}] cgroups=${f.cgroups.join(',')}`).join('; ');
    throw new Error(`no ${code} finding for cgroup ${path}; found: ${seen || 'none'}`);
  }
  return found;
}

/** Every claim has evidence and every proposed command carries the validator's verdict. */
export function expectWellFormed(f: Finding): void {
  if (f.evidence.length === 0) throw new Error(`${f.code} has no evidence`);
  for (const r of f.remediation) {
    if (!['allow', 'confirm', 'deny'].includes(r.verdict.decision)) throw new Error(`${r.command} has no verdict`);
  }
}

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds (utime + stime) a live process has used, per /proc/PID/stat. */
export function cpuSecondsOf(pid: number): number {
  const f = statFields(pid);
  return f === undefined ? 0 : (Number(f[11]) + Number(f[12])) / 100;
}

/** Resident bytes of a live process, per /proc/PID/stat. */
export function rssOf(pid: number): number {
  const f = statFields(pid);
  return f === undefined ? 0 : Number(f[21]) * 4096;
}
