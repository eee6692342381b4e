import { countTokens } from 'gpt-tokenizer';
import type { Finding } from '../analyzers/finding.js';
import { indexSnapshot, type SnapshotIndex } from '../snapshot/query.js';
import type { Cgroup, Process, Snapshot } from '../snapshot/schema.js';
import { noAnonymizer, type Anonymizer } from './anonymize.js';
import { renderCgroup, renderFinding, renderHost, renderPipeline, renderProcess, renderUnit, type PipelineReportLike } from './facts.js';
import { matchesName, parseQuestion, type Intent } from './intent.js';
import { wrapUntrusted } from './untrusted.js';

/** Default budget for the context document; prompts and tool schemas come on top. */
export const DEFAULT_CONTEXT_BUDGET = 3500;

export interface ContextInput {
  question: string;
  snapshot: Snapshot;
  findings: readonly Finding[];
  pipelineReports?: readonly PipelineReportLike[];
  /** Tokens the context may use (counted with gpt-tokenizer, o200k). */
  budgetTokens?: number;
  anonymizer?: Anonymizer;
  index?: SnapshotIndex;
}

export interface BuiltContext {
  /** Exactly what is sent as the context message. */
  text: string;
  tokens: number;
  intent: Intent;
  included: { findings: number; pipelines: number; processes: number; cgroups: number; units: number };
  omitted: { findings: number; processes: number; cgroups: number; units: number };
  /** PIDs whose lines made it into the context. */
  pids: number[];
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** How much a process is worth showing when nothing points at it. */
function relevance(p: Process, memTotal: number): number {
  let score = 0;
  if (p.kernelThread) return p.state === 'D' ? 30 : -100;
  if (p.state === 'D') score += 60;
  if (p.state === 'Z') score += 50;
  if (p.state === 'T' || p.state === 't') score += 50;
  if (p.state === 'R') score += 10;
  if (p.cpu) score += Math.min(p.cpu.percent, 200) / 2;
  if (memTotal > 0) score += Math.min((p.rss / memTotal) * 200, 60);
  if (p.policy === 'SCHED_FIFO' || p.policy === 'SCHED_RR') score += 10;
  if (p.namespaceInit) score += 5;
  return score;
}

function cgroupNotable(c: Cgroup): number {
  let score = 0;
  const m = c.memory;
  if (m?.events?.oomKill) score += 50;
  if (m?.oomControl?.oomKill) score += 50;
  if (m && m.max !== null && m.current !== null && m.max > 0) score += (m.current / m.max) * 40;
  if (c.cpu?.nrThrottled) score += 20;
  if (c.cpu?.quotaUs != null) score += 5;
  if (c.pids?.max != null) score += 5;
  if (c.freezer?.state === 'FROZEN') score += 20;
  const psi = c.pressure;
  if (psi) score += Math.max(psi.cpu?.some.avg10 ?? 0, psi.memory?.some.avg10 ?? 0, psi.io?.some.avg10 ?? 0);
  return score;
}

/**
 * Builds the context: host, findings, pipeline verdicts, then the processes, groups,
 * cgroups and units they involve (and those the question names), then the rest by
 * relevance, within a token budget. Redacted, wrapped as untrusted data, and anonymized
 * when asked. Pure.
 */
export function buildContext(input: ContextInput): BuiltContext {
  const { snapshot } = input;
  const index = input.index ?? indexSnapshot(snapshot);
  const anon = input.anonymizer ?? noAnonymizer;
  const budget = input.budgetTokens ?? DEFAULT_CONTEXT_BUDGET;
  const intent = parseQuestion(input.question, index);
  const memTotal = snapshot.host.meminfo.MemTotal ?? 0;

  const preamble = [
    `Snapshot of ${anon.host(snapshot.host.hostname)} taken ${snapshot.capturedAt}. Units: memory in MiB/GiB, cpu in % of one CPU over the sample.`,
    'Fact ids: the entity id at the start of a line plus a key, e.g. P4711.state, CG:/system.slice/x.service:memory.events.oom_kill, U:nginx.service.NRestarts, F:zombie-unreaped#0, H.loadavg.',
  ].join('\n');
  const reserve = 150; // for the omitted-summary lines
  let used = countTokens(preamble) + 10;
  const sections: Array<{ title: string; lines: string[] }> = [];
  const section = (title: string): string[] => {
    const lines: string[] = [];
    sections.push({ title, lines });
    used += countTokens(`## ${title}\n`);
    return lines;
  };
  const tryAdd = (lines: string[], text: string): boolean => {
    const out = anon.apply(text);
    const cost = countTokens(out) + 1;
    if (used + cost > budget - reserve) return false;
    lines.push(out);
    used += cost;
    return true;
  };

  const hostLines = section('Host');
  tryAdd(hostLines, renderHost(snapshot, anon.host(snapshot.host.hostname)));

  // Findings, most severe first.
  const findings = input.findings;
  const order = findings.map((_, i) => i).sort((a, b) => SEVERITY_RANK[findings[a]!.severity] - SEVERITY_RANK[findings[b]!.severity]);
  const findingLines = section('Findings');
  let findingsIn = 0;
  for (const i of order) if (tryAdd(findingLines, renderFinding(findings, i))) findingsIn++;
  if (findings.length === 0) findingLines.push('(none: the analyzers found nothing at warning or above)');

  const pipelines = input.pipelineReports ?? [];
  let pipelinesIn = 0;
  if (pipelines.length > 0) {
    const lines = section('Pipelines');
    for (const r of pipelines) if (tryAdd(lines, renderPipeline(r))) pipelinesIn++;
  }

  // What the findings, pipelines and question involve.
  const focus: number[] = [];
  const seen = new Set<number>();
  const push = (pid: number | null | undefined): void => {
    if (pid === null || pid === undefined || seen.has(pid) || !index.process(pid)) return;
    seen.add(pid);
    focus.push(pid);
  };
  intent.pids.forEach(push);
  // A name can match thousands (sleep): the first ones are enough, the tools find the rest.
  for (const p of snapshot.processes) if (focus.length < 60 && intent.names.some((n) => matchesName(p, n))) push(p.pid);
  for (const u of intent.units) push(index.unit(u)?.mainPid);
  for (const i of order) {
    const f = findings[i]!;
    push(f.culpritPid);
    f.pids.slice(0, 20).forEach(push);
  }
  for (const r of pipelines) {
    push(r.verdict.culpritPid);
    r.stages.forEach((s) => push(s.pid));
  }
  const detailed = new Set(focus.slice(0, 12));
  // Their parents (who manages them) and group members (what else a group signal reaches).
  const related: number[] = [];
  for (const pid of focus.slice(0, 40)) {
    for (const a of index.ancestors(pid).slice(0, 3)) related.push(a.pid);
    const p = index.process(pid)!;
    for (const g of index.group(p.pgid).slice(0, 8)) related.push(g.pid);
    for (const c of index.children(pid).slice(0, 8)) related.push(c.pid);
  }
  related.forEach(push);

  const processLines = section('Processes');
  const shown = new Set<number>();
  for (const pid of focus) {
    const p = index.process(pid)!;
    if (tryAdd(processLines, renderProcess(p, detailed.has(pid) ? 'focus' : 'short'))) shown.add(pid);
  }

  // Cgroups and units of what is shown, then notable ones.
  const cgroupIds: string[] = [];
  const cgSeen = new Set<string>();
  const pushCg = (c: Cgroup | undefined): void => {
    if (c && !cgSeen.has(c.id) && c.path !== '/') {
      cgSeen.add(c.id);
      cgroupIds.push(c.id);
    }
  };
  for (const f of findings) for (const path of f.cgroups) snapshot.cgroups.filter((c) => c.path === path).forEach(pushCg);
  for (const pid of shown) {
    const p = index.process(pid)!;
    for (const ctl of ['memory', 'cpu', 'pids', 'freezer'] as const) pushCg(index.cgroupFor(p, ctl));
  }
  const unitNames: string[] = [];
  const unitSeen = new Set<string>();
  const pushUnit = (name: string | undefined): void => {
    if (name !== undefined && !unitSeen.has(name) && index.unit(name)) {
      unitSeen.add(name);
      unitNames.push(name);
    }
  };
  for (const f of findings) f.units.forEach(pushUnit);
  intent.units.forEach(pushUnit);
  for (const pid of shown) pushUnit(index.process(pid)!.owner.unit?.name);

  const cgroupLines = section('Cgroups');
  const unitLines = section('Units');
  let cgroupsIn = 0;
  let unitsIn = 0;
  for (const id of cgroupIds) if (tryAdd(cgroupLines, renderCgroup(index.cgroup(id)!))) cgroupsIn++;
  for (const name of unitNames) if (tryAdd(unitLines, renderUnit(index.unit(name)!))) unitsIn++;

  // The rest, by relevance, until the budget runs out.
  const rest = snapshot.processes
    .filter((p) => !seen.has(p.pid))
    .map((p) => ({ p, score: relevance(p, memTotal) }))
    .filter((x) => x.score > -100)
    .sort((a, b) => b.score - a.score || a.p.pid - b.p.pid);
  const restCg = snapshot.cgroups
    .filter((c) => !cgSeen.has(c.id) && c.path !== '/')
    .map((c) => ({ c, score: cgroupNotable(c) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  const restUnits = snapshot.units.filter(
    (u) => !unitSeen.has(u.name) && (u.activeState === 'failed' || (u.nRestarts ?? 0) > 0 || u.activeState === 'activating'),
  );
  for (const { c } of restCg.slice(0, 10)) if (tryAdd(cgroupLines, renderCgroup(c))) { cgroupsIn++; cgSeen.add(c.id); }
  for (const u of restUnits.slice(0, 10)) if (tryAdd(unitLines, renderUnit(u))) { unitsIn++; unitSeen.add(u.name); }
  let full = false;
  for (const { p } of rest) {
    if (full) break;
    if (tryAdd(processLines, renderProcess(p, 'short'))) shown.add(p.pid);
    else full = true;
  }

  // Say what was left out, so the model knows to ask through a tool.
  const omittedProcs = snapshot.processes.filter((p) => !shown.has(p.pid));
  const omittedLines: string[] = [];
  if (omittedProcs.length > 0) {
    const byComm = new Map<string, number>();
    for (const p of omittedProcs) byComm.set(p.kernelThread ? '[kernel threads]' : p.comm, (byComm.get(p.kernelThread ? '[kernel threads]' : p.comm) ?? 0) + 1);
    const top = [...byComm.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
    const list = top.map(([comm, n]) => `${JSON.stringify(comm).replace(/</g, '\\u003c').replace(/>/g, '\\u003e')}x${n}`).join(' ');
    omittedLines.push(anon.apply(`omitted processes=${omittedProcs.length} (mostly sleeping, idle): ${list}`));
  }
  const omittedCg = snapshot.cgroups.length - cgSeen.size;
  if (omittedCg > 0) omittedLines.push(`omitted cgroups=${omittedCg} (no limits hit, no pressure)`);
  const omittedUnits = snapshot.units.length - unitSeen.size;
  if (omittedUnits > 0) omittedLines.push(`omitted units=${omittedUnits} (active, never restarted)`);
  if (omittedLines.length > 0) omittedLines.push('Use the tools (find_processes, process_detail, cgroup, unit, tree) to look at anything omitted.');

  const compose = (): string => {
    const body = [
      ...sections.filter((s) => s.lines.length > 0).map((s) => `## ${s.title}\n${s.lines.join('\n')}`),
      ...(omittedLines.length > 0 ? [`## Omitted\n${omittedLines.join('\n')}`] : []),
    ].join('\n\n');
    return [preamble, wrapUntrusted(body)].join('\n');
  };
  let text = compose();
  // Per-line counts are a close estimate; trim the least relevant lines if the whole is over.
  while (countTokens(text) > budget && processLines.length > 0) {
    const dropped = processLines.splice(Math.max(processLines.length - 5, 0));
    for (const l of dropped) shown.delete(Number(/^P(\d+)/.exec(l)?.[1]));
    text = compose();
  }
  return {
    text,
    tokens: countTokens(text),
    intent,
    included: { findings: findingsIn, pipelines: pipelinesIn, processes: shown.size, cgroups: cgroupsIn, units: unitsIn },
    omitted: { findings: findings.length - findingsIn, processes: snapshot.processes.length - shown.size, cgroups: omittedCg, units: omittedUnits },
    pids: [...shown],
  };
}
