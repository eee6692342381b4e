import type { Paint } from '../cli/io.js';
import { printable } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';
import type { DiagnoseJson } from './contract.js';
import type { Finding, Severity } from './finding.js';

export const DIAGNOSE_SCHEMA_VERSION = 1;

export function toDiagnoseJson(snapshot: Snapshot, findings: readonly Finding[]): DiagnoseJson {
  const { hostname, kernel, cgroupMode, root } = snapshot.host;
  return { schemaVersion: DIAGNOSE_SCHEMA_VERSION, host: { hostname, kernel, cgroupMode, root }, findings: [...findings] };
}

const HEADINGS: Record<Severity, string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };

/**
 * Short text for a person at 3 a.m.: grouped by severity, evidence trimmed, every command with
 * its verdict. Findings quote what processes call themselves: all of it goes out printable().
 */
export function renderDiagnoseText(snapshot: Snapshot, findings: readonly Finding[], paint: Paint, options: { focusPid?: number } = {}): string {
  const lines: string[] = [];
  const counts = (['critical', 'warning', 'info'] as const).map((s) => [s, findings.filter((f) => f.severity === s).length] as const);
  const scope = options.focusPid !== undefined ? ` (focus: PID ${options.focusPid})` : '';
  const userProcs = snapshot.processes.filter((p) => !p.kernelThread).length;
  if (findings.length === 0) {
    lines.push(`${paint.green('OK')} ${snapshot.host.hostname}${scope}: nothing wrong found in ${userProcs} processes and ${snapshot.cgroups.length} cgroups.`);
    if (!snapshot.host.root) lines.push(paint.dim('  Not running as root: other users\' processes were read only in part.'));
    return `${lines.join('\n')}\n`;
  }
  const summary = counts.filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ');
  lines.push(`${paint.bold(snapshot.host.hostname)}${scope}: ${summary} (${userProcs} processes checked)`);
  for (const [severity, n] of counts) {
    if (n === 0) continue;
    const color = (text: string): string => (severity === 'critical' ? paint.red(text) : severity === 'warning' ? paint.yellow(text) : paint.cyan(text));
    lines.push('', color(paint.bold(HEADINGS[severity])));
    for (const f of findings.filter((x) => x.severity === severity)) {
      lines.push(`  ${color('●')} ${paint.bold(f.title)} ${paint.dim(`[${f.code}]`)}`);
      lines.push(...wrap(printable(f.summary), 96).map((l) => `    ${l}`));
      for (const e of f.evidence.slice(0, 3)) lines.push(paint.dim(printable(`    ${e.source}  ${e.field} = ${String(e.value)}`)));
      if (f.evidence.length > 3) lines.push(paint.dim(`    … ${f.evidence.length - 3} more (--json)`));
      for (const r of f.remediation) {
        const decision = r.verdict.decision;
        const tag = decision === 'allow' ? paint.green('[allow]') : decision === 'confirm' ? paint.yellow('[confirm]') : paint.red('[deny]');
        lines.push(`    → ${printable(r.command)}  ${tag}`);
        lines.push(paint.dim(`      ${printable(r.why)}`));
        if (decision === 'deny') for (const rule of r.verdict.rules.filter((x) => x.decision === 'deny').slice(0, 1)) lines.push(paint.dim(`      not safe here: ${printable(rule.message)}`));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) out.push(line);
  return out;
}
