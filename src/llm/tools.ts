import * as z from 'zod';
import type { Finding } from '../analyzers/finding.js';
import type { Anonymizer } from '../context/anonymize.js';
import { renderCgroup, renderPipeline, renderProcess, renderUnit, type PipelineReportLike } from '../context/facts.js';
import { matchesName } from '../context/intent.js';
import { wrapUntrusted } from '../context/untrusted.js';
import type { SnapshotIndex } from '../snapshot/query.js';
import type { Process } from '../snapshot/schema.js';
import type { Verdict } from '../validator/verdict.js';
import { SubmitAnswerSchema } from './answer.js';
import type { ToolSpec } from './client.js';

/** What read-only tools may look at. Nothing here touches the live system. */
export interface ToolEnv {
  index: SnapshotIndex;
  findings: readonly Finding[];
  pipelineReports: readonly PipelineReportLike[];
  /** Pipeline analysis for a PID (src/analyzers/pipeline), when wired. */
  pipelinesFor?: (pid: number) => readonly PipelineReportLike[];
  check: (command: string) => Verdict;
}

interface ToolDef<S extends z.ZodType> {
  name: string;
  description: string;
  schema: S;
  run(args: z.infer<S>, env: ToolEnv): string;
}

const pid = z.number().int().positive().describe('A PID from the context');

function notFound(what: string): string {
  return `${what} is not in the snapshot. Use find_processes to look for it; do not guess.`;
}

const findProcesses: ToolDef<z.ZodType<FindArgs>> = {
  name: 'find_processes',
  description: 'Find processes in the snapshot by name, user, state, unit, CPU% or RSS; sorted, at most `limit`.',
  schema: z.object({
    name: z.string().max(100).optional().describe('comm or program name; "python" matches python3'),
    user: z.string().max(64).optional(),
    state: z.string().length(1).optional().describe('R S D Z T I'),
    unit: z.string().max(200).optional(),
    minCpuPercent: z.number().min(0).optional(),
    minRssMiB: z.number().min(0).optional(),
    sort: z.enum(['cpu', 'rss', 'pid']).optional(),
    limit: z.number().int().min(1).max(50).optional(),
  }),
  run(args, env) {
    const sortKey = args.sort ?? 'cpu';
    const matches = env.index.snapshot.processes.filter(
      (p) =>
        (args.name === undefined || matchesName(p, args.name) || p.comm.toLowerCase().includes(args.name.toLowerCase())) &&
        (args.user === undefined || p.user === args.user || String(p.uid) === args.user) &&
        (args.state === undefined || p.state === args.state) &&
        (args.unit === undefined || p.owner.unit?.name === args.unit || p.owner.unit?.name === `${args.unit}.service`) &&
        (args.minCpuPercent === undefined || (p.cpu?.percent ?? 0) >= args.minCpuPercent) &&
        (args.minRssMiB === undefined || p.rss >= args.minRssMiB * 2 ** 20),
    );
    const by = (p: Process): number => (sortKey === 'cpu' ? -(p.cpu?.percent ?? 0) : sortKey === 'rss' ? -p.rss : p.pid);
    const sorted = matches.sort((a, b) => by(a) - by(b) || a.pid - b.pid).slice(0, args.limit ?? 15);
    if (sorted.length === 0) return 'No process matches.';
    return `${matches.length} match, showing ${sorted.length}:\n${sorted.map((p) => renderProcess(p, false)).join('\n')}`;
  },
};
interface FindArgs {
  name?: string | undefined;
  user?: string | undefined;
  state?: string | undefined;
  unit?: string | undefined;
  minCpuPercent?: number | undefined;
  minRssMiB?: number | undefined;
  sort?: 'cpu' | 'rss' | 'pid' | undefined;
  limit?: number | undefined;
}

const processDetail: ToolDef<z.ZodType<{ pid: number }>> = {
  name: 'process_detail',
  description: 'Everything the snapshot knows about one process: state, wchan, stack, fds, signals, limits, owner, cgroup.',
  schema: z.object({ pid }),
  run({ pid }, env) {
    const p = env.index.process(pid);
    if (!p) return notFound(`PID ${pid}`);
    const parent = env.index.process(p.ppid);
    const fds = p.deep?.fds?.slice(0, 20).map((f) => `${f.fd}:${f.kind}:${f.target}${f.mode === null ? '' : `(${f.mode})`}`).join(' ');
    const related = env.findings.map((f, i) => ({ f, i })).filter(({ f }) => f.pids.includes(pid) || f.culpritPid === pid);
    return [
      renderProcess(p, true),
      parent ? `parent: ${renderProcess(parent, false)}` : `parent ${p.ppid} not in snapshot`,
      fds ? `P${pid}.fds list: ${fds}` : `P${pid}: no fd list (deep tier not read for it)`,
      related.length > 0 ? `findings: ${related.map(({ f }) => `${f.code}: ${f.title}`).join('; ')}` : 'findings: none involve it',
    ].join('\n');
  },
};

const processTree: ToolDef<z.ZodType<{ pid: number; depth?: number | undefined }>> = {
  name: 'process_tree',
  description: 'A process with its ancestors (who started it) and its descendants.',
  schema: z.object({ pid, depth: z.number().int().min(1).max(6).optional() }),
  run({ pid, depth }, env) {
    const p = env.index.process(pid);
    if (!p) return notFound(`PID ${pid}`);
    const ancestors = env.index.ancestors(pid).reverse();
    const lines = ancestors.map((a, i) => `${'  '.repeat(i)}${renderProcess(a, false)}`);
    const base = ancestors.length;
    const max = depth ?? 3;
    let count = 0;
    const walk = (q: Process, level: number): void => {
      if (count++ > 60) return;
      lines.push(`${'  '.repeat(base + level)}${renderProcess(q, level === 0)}`);
      if (level >= max) return;
      for (const c of env.index.children(q.pid)) walk(c, level + 1);
    };
    walk(p, 0);
    if (count > 60) lines.push('… (truncated)');
    return lines.join('\n');
  },
};

const pipeline: ToolDef<z.ZodType<{ pid: number }>> = {
  name: 'pipeline',
  description: 'The shell pipeline a process belongs to: stages, pipes and the verdict (who is stuck and why).',
  schema: z.object({ pid }),
  run({ pid }, env) {
    const p = env.index.process(pid);
    if (!p) return notFound(`PID ${pid}`);
    const known = env.pipelineReports.filter((r) => r.stages.some((s) => s.pid === pid));
    const reports = known.length > 0 ? known : (env.pipelinesFor?.(pid) ?? []);
    if (reports.length === 0) {
      const group = env.index.group(p.pgid);
      return `No pipeline analysis for PID ${pid}. Its process group ${p.pgid}:\n${group.slice(0, 20).map((q) => renderProcess(q, true)).join('\n')}`;
    }
    return reports.map(renderPipeline).join('\n');
  },
};

const cgroup: ToolDef<z.ZodType<{ path?: string | undefined; pid?: number | undefined }>> = {
  name: 'cgroup',
  description: 'A cgroup by path, or the cgroups of a PID: limits, usage, OOM kills, throttling, pressure.',
  schema: z.object({ path: z.string().max(500).optional(), pid: pid.optional() }).refine((a) => a.path !== undefined || a.pid !== undefined, 'give path or pid'),
  run(args, env) {
    if (args.pid !== undefined) {
      const p = env.index.process(args.pid);
      if (!p) return notFound(`PID ${args.pid}`);
      const found = new Map<string, string>();
      for (const ctl of ['memory', 'cpu', 'pids', 'freezer', 'io', 'cpuset'] as const) {
        const c = env.index.cgroupFor(p, ctl);
        if (c) found.set(c.id, renderCgroup(c));
      }
      return found.size > 0 ? [...found.values()].join('\n') : `No cgroup data for PID ${args.pid}.`;
    }
    const matches = env.index.snapshot.cgroups.filter((c) => c.path === args.path);
    if (matches.length === 0) return notFound(`cgroup ${args.path ?? ''}`);
    const children = env.index.snapshot.cgroups.filter((c) => args.path !== undefined && c.path.startsWith(`${args.path === '/' ? '' : args.path}/`) && c.path.split('/').length === (args.path === '/' ? 2 : args.path.split('/').length + 1));
    return [...matches.map(renderCgroup), ...(children.length > 0 ? [`children: ${children.slice(0, 20).map((c) => c.path).join(' ')}`] : [])].join('\n');
  },
};

const unit: ToolDef<z.ZodType<{ name: string }>> = {
  name: 'unit',
  description: 'A systemd unit: state, Restart=, NRestarts, MainPID, limits, and its processes.',
  schema: z.object({ name: z.string().min(1).max(200) }),
  run({ name }, env) {
    const u = env.index.unit(name) ?? env.index.unit(`${name}.service`);
    if (!u) return notFound(`unit ${name}`);
    const procs = env.index.snapshot.processes.filter((p) => p.owner.unit?.name === u.name).slice(0, 20);
    return [renderUnit(u), ...procs.map((p) => renderProcess(p, false))].join('\n');
  },
};

const memoryMappings: ToolDef<z.ZodType<{ pid: number }>> = {
  name: 'memory_mappings',
  description: 'Where the memory of a process goes: rss, anonymous, private dirty, swap, and growth across samples.',
  schema: z.object({ pid }),
  run({ pid }, env) {
    const p = env.index.process(pid);
    if (!p) return notFound(`PID ${pid}`);
    const s = p.deep?.smapsRollup;
    const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)}MiB`;
    const series = env.index.snapshot.series
      .map((pt) => pt.processes.find((q) => q.pid === pid && q.startTime === p.startTime))
      .filter((q) => q !== undefined)
      .map((q) => `rss=${mib(q.rss)}${q.anonymous === null ? '' : ` anon=${mib(q.anonymous)}`}`);
    return [
      s
        ? `P${pid} rss=${mib(s.rss)} pss=${mib(s.pss)} anon=${mib(s.anonymous)} privateDirty=${mib(s.privateDirty)} privateClean=${mib(s.privateClean)} swap=${mib(s.swap)}`
        : `P${pid} rss=${mib(p.rss)} vsz=${mib(p.vsz)} (no smaps_rollup: deep tier not read for it)`,
      series.length > 1 ? `samples: ${series.join(' -> ')}` : 'samples: one (no growth data)',
      'Per-mapping detail (/proc/PID/smaps) is not part of the snapshot.',
    ].join('\n');
  },
};

const checkCommand: ToolDef<z.ZodType<{ command: string }>> = {
  name: 'check_command',
  description: "procdoc's validator verdict for a shell command against this snapshot: allow, confirm or deny, with the rules and safer alternatives. Nothing is run.",
  schema: z.object({ command: z.string().min(1).max(1000) }),
  run({ command }, env) {
    const v = env.check(command);
    return [
      `decision=${v.decision}`,
      ...v.rules.map((r) => `rule ${r.id} (${r.decision}): ${r.message}`),
      ...(v.alternatives.length > 0 ? [`alternatives: ${v.alternatives.join(' | ')}`] : []),
    ].join('\n');
  },
};

/** The read-only tools, by name. */
export const READ_ONLY_TOOLS = [findProcesses, processDetail, processTree, pipeline, cgroup, unit, memoryMappings, checkCommand] as const;
export const SUBMIT_ANSWER = 'submit_answer';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

export function toolSpecs(): ToolSpec[] {
  return [
    ...READ_ONLY_TOOLS.map((t) => ({ name: t.name, description: t.description, parameters: jsonSchema(t.schema) })),
    {
      name: SUBMIT_ANSWER,
      description: 'Give the final answer. Call exactly once, when done.',
      parameters: jsonSchema(SubmitAnswerSchema),
    },
  ];
}

export type ToolOutcome = { ok: true; forModel: string; forPerson: string } | { ok: false; forModel: string; forPerson: string };

/** Validates the model's arguments with the tool's schema and runs it; errors are values. */
export function runTool(name: string, rawArguments: string, env: ToolEnv, anon: Anonymizer): ToolOutcome {
  const tool = READ_ONLY_TOOLS.find((t) => t.name === name);
  if (!tool) return { ok: false, forModel: `Error: there is no tool "${name}". Tools: ${READ_ONLY_TOOLS.map((t) => t.name).join(', ')}, ${SUBMIT_ANSWER}.`, forPerson: `unknown tool ${name}` };
  const parsed = parseArguments(rawArguments, tool.schema, anon);
  if (!parsed.ok) return { ok: false, forModel: `Error: invalid arguments for ${name}: ${parsed.error}. Fix them and call again.`, forPerson: `${name}: invalid arguments` };
  const text = (tool.run as (args: unknown, env: ToolEnv) => string)(parsed.value, env);
  return { ok: true, forModel: anon.apply(wrapUntrusted(text)), forPerson: `${name}(${anon.restore(rawArguments).slice(0, 80)})` };
}

/** JSON text from the model -> a value of `schema`, or a message saying what is wrong. */
export function parseArguments<S extends z.ZodType>(raw: string, schema: S, anon: Anonymizer): { ok: true; value: z.infer<S> } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(raw.trim() === '' ? '{}' : raw);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const restored = restoreDeep(data, anon);
  const result = schema.safeParse(restored);
  if (!result.success) {
    return { ok: false, error: result.error.issues.slice(0, 4).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  }
  return { ok: true, value: result.data };
}

function restoreDeep(value: unknown, anon: Anonymizer): unknown {
  if (typeof value === 'string') return anon.restore(value);
  if (Array.isArray(value)) return value.map((v) => restoreDeep(v, anon));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreDeep(v, anon)]));
  return value;
}
