import { printable } from '../../snapshot/query.js';
import type { VerdictSummary } from '../../validator/verdict.js';
import type { PipelineReport, ProposedPipelineRemediation, Stage } from './schema.js';

/** A report whose remediation may already carry the validator's verdict. */
export type RenderableReport = Omit<PipelineReport, 'remediation'> & {
  remediation: (ProposedPipelineRemediation & { verdict?: VerdictSummary })[];
};

export interface TextStyle {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const plain: TextStyle = { red: (s) => s, yellow: (s) => s, green: (s) => s, bold: (s) => s, dim: (s) => s };

function name(s: Pick<Stage, 'comm' | 'pid'>): string {
  return `${printable(s.comm)} (${s.pid})`;
}

function pipeLabel(inode: number): string {
  return `pipe:[${inode}]`;
}

/** The readable picture: stages top to bottom with the pipes between them, the culprit marked. */
export function renderPipeline(report: RenderableReport, style: TextStyle = plain): string {
  const out: string[] = [];
  const { verdict } = report;
  const stalled = verdict.code !== 'progressing' && verdict.code !== 'finished';
  const pgids = [...new Set(report.stages.filter((s) => s.role === 'stage').map((s) => s.pgid))];
  const head = `Pipeline${pgids.length > 0 ? ` (process group ${pgids.join(', ')})` : ''}: `;
  const status = stalled ? style.red(`STALLED — ${verdict.code}`) : style.green(verdict.code);
  out.push(style.bold(head) + status);
  out.push('');

  const stages = report.stages.filter((s) => s.role === 'stage');
  const width = Math.max(...report.stages.map((s) => name(s).length), 8);
  const line = (s: Stage): string => {
    const mark = s.culprit ? style.red('  ◀── culprit') : '';
    const state = s.culprit ? style.red(s.state) : s.progressing ? style.green(s.state) : s.state;
    return `  ${name(s).padEnd(width)}  ${state}  ${printable(s.doing)}${mark}`;
  };
  // Stages that write the same pipe (a stage and the children it runs) share a level; an
  // arrow labelled with the pipe leads to the level that reads it.
  const levels = stageLevels(report, stages);
  levels.forEach((level, i) => {
    for (const s of level) out.push(line(s));
    const next = levels[i + 1];
    if (next === undefined) return;
    const pipes = report.links.filter((l) => l.writers.some((w) => level.some((s) => s.pid === w)) && l.readers.some((r) => next.some((s) => s.pid === r)));
    out.push(style.dim(`  │ ${pipes.map((l) => pipeLabel(l.inode)).join(', ')}`));
    out.push(style.dim('  ▼'));
  });
  const holders = report.stages.filter((s) => s.role === 'holder');
  if (holders.length > 0) {
    out.push('');
    out.push('  Outside the pipeline, holding one of its pipes or blamed for it:');
    for (const h of holders) {
      const ends = report.links
        .filter((l) => l.writers.includes(h.pid) || l.readers.includes(h.pid))
        .map((l) => `${l.writers.includes(h.pid) ? 'writes' : 'reads'} ${pipeLabel(l.inode)}`);
      out.push(`${line(h)}${ends.length > 0 ? style.dim(`  [${ends.join(', ')}]`) : ''}`);
    }
  }
  const drawn = (l: RenderableReport['links'][number]): boolean =>
    levels.some((level, i) => l.writers.some((w) => level.some((s) => s.pid === w)) && l.readers.some((r) => (levels[i + 1] ?? []).some((s) => s.pid === r)));
  const nonLinear = report.links.filter((l) => !drawn(l));
  if (nonLinear.length > 0 && stages.length > 0) {
    out.push('');
    out.push('  Pipes:');
    for (const l of nonLinear) out.push(`    ${pipeLabel(l.inode)}: written by ${l.writers.join(', ') || 'nobody'}, read by ${l.readers.join(', ') || 'nobody'}`);
  }

  out.push('');
  out.push(`${style.bold('Why:')} ${printable(verdict.explanation)}`);
  if (verdict.chain.length > 0) {
    out.push('');
    out.push(style.bold('Chain of blame:'));
    verdict.chain.forEach((c, i) => out.push(`  ${i + 1}. ${printable(c)}`));
  }
  if (report.remediation.length > 0) {
    out.push('');
    out.push(style.bold('What to do:'));
    for (const r of report.remediation) {
      const decision = r.verdict?.decision;
      const tag = decision === undefined ? '' : decision === 'allow' ? style.green(' [allow]') : decision === 'confirm' ? style.yellow(' [confirm]') : style.red(' [deny]');
      out.push(`  $ ${printable(r.command)}${tag}`);
      out.push(`    ${printable(r.why)}`);
      for (const rule of r.verdict?.rules ?? []) if (rule.decision !== 'allow') out.push(style.dim(`    ${rule.id}: ${printable(rule.message)}`));
    }
  }
  return `${out.join('\n')}\n`;
}

/** Data-flow levels: a stage sits one level below the deepest stage that writes a pipe it reads. */
function stageLevels(report: RenderableReport, stages: Stage[]): Stage[][] {
  const level = new Map<number, number>(stages.map((s) => [s.pid, 0]));
  // Stages come upstream first, so one pass in order settles a chain; a few more settle joins.
  for (let round = 0; round < 3; round++) {
    for (const s of stages) {
      for (const l of report.links) {
        if (!l.readers.includes(s.pid)) continue;
        for (const w of l.writers) {
          if (w === s.pid || !level.has(w)) continue;
          if (stages.findIndex((x) => x.pid === w) > stages.findIndex((x) => x.pid === s.pid)) continue;
          level.set(s.pid, Math.max(level.get(s.pid) ?? 0, (level.get(w) ?? 0) + 1));
        }
      }
    }
  }
  const out: Stage[][] = [];
  for (const s of stages) {
    const n = level.get(s.pid) ?? 0;
    (out[n] ??= []).push(s);
  }
  return out.filter((l) => l !== undefined);
}

function mermaidText(s: string): string {
  return printable(s).replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** A Mermaid flowchart of one pipeline: stages as boxes, pipes as labelled edges, the culprit highlighted. */
export function renderPipelineMermaid(report: RenderableReport): string {
  return renderPipelinesMermaid([report]);
}

/** One Mermaid flowchart of several pipelines (`procdoc pipeline` with no PID), one subgraph each. */
export function renderPipelinesMermaid(reports: readonly RenderableReport[]): string {
  const out = ['flowchart LR'];
  if (reports.length === 1) out.push(...mermaidBody(reports[0]!, '  '));
  else {
    reports.forEach((r, i) => {
      out.push(`  subgraph pipeline${i + 1} ["${mermaidText(title(r))}"]`, ...mermaidBody(r, '    '), '  end');
    });
  }
  out.push('  classDef culprit fill:#fdd,stroke:#c00,stroke-width:2px');
  for (const r of reports) {
    const culprit = r.stages.find((s) => s.culprit);
    if (culprit) out.push(`  class p${culprit.pid} culprit`);
  }
  return `${out.join('\n')}\n`;
}

function mermaidBody(report: RenderableReport, indent: string): string[] {
  const out: string[] = [];
  for (const s of report.stages) {
    const text = `${mermaidText(name(s))}<br/>${mermaidText(`${s.state}: ${s.doing}`)}`;
    out.push(s.role === 'holder' ? `${indent}p${s.pid}(["${text}"])` : `${indent}p${s.pid}["${text}"]`);
  }
  for (const [w, r, inode] of pipeEdges(report)) out.push(`${indent}p${w} -- "${pipeLabel(inode)}" --> p${r}`);
  for (const s of childHolders(report)) out.push(`${indent}p${s.ppid} -. "child" .-> p${s.pid}`);
  return out;
}

/** What a pipeline's diagram is titled: its verdict, and the culprit if there is one. */
function title(report: RenderableReport): string {
  return `${report.verdict.code}${report.verdict.culpritPid === null ? '' : `: culprit ${report.verdict.culpritPid}`}`;
}

/** Writer, reader and pipe inode of every edge to draw. */
function pipeEdges(report: RenderableReport): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const l of report.links) {
    for (const w of l.writers) {
      for (const r of l.readers) if (w !== r) out.push([w, r, l.inode]);
    }
  }
  return out;
}

/** Holders tied to the picture only as a child of a stage (no pipe end of theirs is drawn). */
function childHolders(report: RenderableReport): Stage[] {
  const known = new Set(report.stages.map((s) => s.pid));
  return report.stages.filter((s) => s.role === 'holder' && !report.links.some((l) => l.writers.includes(s.pid) || l.readers.includes(s.pid)) && known.has(s.ppid));
}

function dotText(s: string): string {
  return printable(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** A Graphviz digraph of the same picture. */
export function renderPipelineDot(report: RenderableReport): string {
  return renderPipelinesDot([report]);
}

/** One Graphviz digraph of several pipelines, one cluster each. */
export function renderPipelinesDot(reports: readonly RenderableReport[]): string {
  const out = ['digraph pipeline {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  if (reports.length === 1) out.push(`  label="${dotText(title(reports[0]!))}";`, ...dotBody(reports[0]!, '  '));
  else {
    reports.forEach((r, i) => {
      out.push(`  subgraph cluster_${i + 1} {`, `    label="${dotText(title(r))}";`, ...dotBody(r, '    '), '  }');
    });
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

function dotBody(report: RenderableReport, indent: string): string[] {
  const out: string[] = [];
  for (const s of report.stages) {
    const attrs = [`label="${dotText(name(s))}\\n${dotText(`${s.state}: ${s.doing}`)}"`];
    if (s.role === 'holder') attrs.push('style=dashed');
    if (s.culprit) attrs.push('color=red', 'penwidth=2');
    out.push(`${indent}p${s.pid} [${attrs.join(', ')}];`);
  }
  for (const [w, r, inode] of pipeEdges(report)) out.push(`${indent}p${w} -> p${r} [label="${pipeLabel(inode)}"];`);
  for (const s of childHolders(report)) out.push(`${indent}p${s.ppid} -> p${s.pid} [style=dotted, label="child"];`);
  return out;
}
