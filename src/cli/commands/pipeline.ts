import { Command, Option } from 'commander';
import type { CommandChecker } from '../../analyzers/judge.js';
import {
  analyzePipelines,
  isStalled,
  PIPELINE_SCHEMA_VERSION,
  renderPipeline,
  renderPipelinesDot,
  renderPipelinesMermaid,
  type PipelineJson,
  type PipelineListJson,
  type PipelineReport,
} from '../../analyzers/pipeline/index.js';
import { ProcdocError } from '../../errors.js';
import { indexSnapshot, label } from '../../snapshot/query.js';
import type { Snapshot } from '../../snapshot/schema.js';
import type { SnapshotOptions } from '../../snapshot/take.js';
import { hit } from '../../validator/rules.js';
import { parseDuration, parsePid } from '../args.js';
import { pidNotFound } from '../missing.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { paint, useColor } from '../io.js';

/**
 * Milliseconds between the two samples: long enough that a slow stage shows CPU or I/O
 * progress and is not called hung.
 */
export const DEFAULT_PIPELINE_SAMPLE_MS = 500;

export interface PipelineRequest {
  pid?: number;
  pgid?: number;
  /** Analyze this saved snapshot instead of the live system. */
  from?: string;
  sampleMs?: number;
  /** Read every process's fd table at once (the host-wide listing always does). */
  deep?: boolean;
}

/** The edges the command needs; injected so tests and the explain path can supply their own. */
export interface PipelineDeps {
  takeSnapshot(options: SnapshotOptions): Promise<Snapshot>;
  loadSnapshotFile(file: string): Promise<Snapshot>;
  loadValidator(): Promise<CommandChecker>;
}

export const defaultPipelineDeps: PipelineDeps = {
  takeSnapshot: async (options) => (await import('../../snapshot/take.js')).takeSnapshot(options),
  loadSnapshotFile: async (file) => (await import('../../snapshot/load.js')).loadSnapshotFile(file),
  loadValidator: async () => (await import('../../validator/index.js')).loadValidator(),
};

export type JudgedPipeline = Omit<PipelineJson, 'schemaVersion'>;

export interface PipelineAnalysis {
  snapshot: Snapshot;
  /** For a PID or --pgid: the pipeline(s) it belongs to. Without a target: the stalled ones. */
  reports: JudgedPipeline[];
  /** Pipelines seen in all, stalled or not (for "nothing stalled among N"). */
  seen: number;
}

/** Hook for `--explain`: the lead wires the LLM here; it gets the judged reports and the snapshot. */
export type PipelineExplainer = (analysis: PipelineAnalysis, request: PipelineRequest) => Promise<string>;

/** Adds the validator's verdict to every proposed command; a command it cannot judge is denied, never shown as safe. */
export function judgePipeline(report: PipelineReport, validator: CommandChecker, snapshot: Snapshot): JudgedPipeline {
  return {
    ...report,
    remediation: report.remediation.map((r) => {
      try {
        const v = validator.check(r.command, snapshot, { runBy: 'caller' });
        return { ...r, verdict: { decision: v.decision, rules: v.rules } };
      } catch (error) {
        const message = `The validator could not judge this command: ${error instanceof Error ? error.message : String(error)}`;
        return { ...r, verdict: { decision: 'deny' as const, rules: [hit('unparseable', message)] } };
      }
    }),
  };
}

/**
 * Whether the analysis could change with every fd table read: nothing found for the target,
 * a stage that waits to read a pipe whose writer is not visible (a leaked writer in another
 * session), or a stage blocked on something outside the pipeline (the holder of a lock).
 */
function incomplete(snapshot: Snapshot, reports: PipelineReport[]): boolean {
  if (snapshot.deep) return false;
  if (reports.length === 0) return true;
  return reports.some(
    (r) =>
      r.verdict.code === 'stage-blocked-other' ||
      r.stages.some((s) => s.activity === 'reading-pipe' && r.links.some((l) => l.readers.includes(s.pid) && l.writers.every((w) => w === s.pid))),
  );
}

/**
 * Takes (or loads) a snapshot sampled twice for progress, then finds and explains the
 * pipeline(s). For a PID or --pgid the first snapshot reads the deep tier (fds) only where
 * the snapshotter's selection says (the target's group, stuck groups, D/T processes); when
 * that leaves the pipeline incomplete — a writer of its pipes may be any process on the host —
 * it is taken again with every fd table. The host-wide listing reads every fd table at once.
 * `--explain` reuses this.
 */
export async function runPipelineAnalysis(
  globals: Pick<GlobalOptions, 'procRoot' | 'sysRoot'>,
  request: PipelineRequest,
  deps: PipelineDeps = defaultPipelineDeps,
): Promise<PipelineAnalysis> {
  if (request.pid !== undefined && request.pgid !== undefined) {
    throw new ProcdocError('usage', 'Give either a PID or --pgid, not both.', {
      hint: 'procdoc pipeline PID (any process of the pipeline), or procdoc pipeline --pgid N.',
    });
  }
  const live = globals.procRoot === '/proc';
  const all = request.pid === undefined && request.pgid === undefined;
  const take = (deep: boolean): Promise<Snapshot> =>
    deps.takeSnapshot({
      procRoot: globals.procRoot,
      sysRoot: globals.sysRoot,
      deep,
      deepPids: request.pid === undefined ? [] : [request.pid],
      sampleMs: live ? (request.sampleMs ?? DEFAULT_PIPELINE_SAMPLE_MS) : 0,
      serviceManager: live,
    });
  const [first, validator] = await Promise.all([
    request.from !== undefined ? deps.loadSnapshotFile(request.from) : take(request.deep === true || all),
    deps.loadValidator(),
  ]);
  let snapshot = first;
  const where = request.from !== undefined ? `in ${request.from}` : 'on this host';
  const target = request.pid !== undefined ? { pid: request.pid } : request.pgid !== undefined ? { pgid: request.pgid } : {};
  let index = indexSnapshot(snapshot);
  if (request.pid !== undefined && !index.process(request.pid)) {
    throw await pidNotFound(
      request.pid,
      where,
      'It may have exited (then its pipeline is done). Run `procdoc pipeline` to list stalled pipelines.',
      request.from === undefined ? globals.procRoot : null,
    );
  }
  if (request.pgid !== undefined && index.group(request.pgid).length === 0) {
    throw new ProcdocError('not-found', `No process group ${request.pgid} ${where}.`, {
      hint: 'It may have exited. Run `procdoc pipeline` to list stalled pipelines.',
    });
  }
  let reports = analyzePipelines(snapshot, index, target);
  if (request.from === undefined && incomplete(snapshot, reports)) {
    snapshot = await take(true);
    index = indexSnapshot(snapshot);
    reports = analyzePipelines(snapshot, index, target);
  }

  if (request.pid !== undefined && reports.length === 0) {
    const p = index.process(request.pid);
    if (!p) {
      throw new ProcdocError('not-found', `Process ${request.pid} exited while procdoc looked at it.`, {
        hint: 'Its pipeline is probably done. Run `procdoc pipeline` to list stalled pipelines.',
      });
    }
    if (p.state === 'Z') {
      throw new ProcdocError('not-found', `${label(p)} has exited: a zombie that its parent, PID ${p.ppid}, has not reaped. No pipeline is left to look at.`, {
        hint: `\`procdoc diagnose --pid ${p.ppid}\` looks at the parent that does not reap it.`,
      });
    }
    const noFds = p.deep?.fds == null;
    throw new ProcdocError(
      'not-found',
      noFds
        ? `Cannot tell whether ${label(p)} is in a pipeline: its open descriptors were not readable ${where}.`
        : `${label(p)} is not part of a pipeline: its standard input and output are not pipes shared with another process.`,
      {
        hint: noFds
          ? request.from !== undefined
            ? `Save the snapshot with descriptors: \`procdoc snapshot --pid ${p.pid} -o FILE\` (or --deep).`
            : snapshot.host.root
              ? `procdoc runs as root, but the kernel withholds /proc/${p.pid}/fd (ptrace access rules, a capability this procdoc lacks, or a security module): run it where it holds that access, e.g. on the host rather than in a container.`
              : 'Run procdoc as root (or as the owner of the process) so /proc/PID/fd is readable.'
          : "Give the PID of one of the pipeline's commands (`ps -o pid,pgid,stat,wchan,cmd -g PGID` lists a job), or run `procdoc pipeline` to list stalled pipelines.",
      },
    );
  }
  if (request.pgid !== undefined && reports.length === 0) {
    const members = index.group(request.pgid);
    throw new ProcdocError(
      'not-found',
      `Process group ${request.pgid} (${members.map(label).slice(0, 5).join(', ')}) has no pipeline: none of its processes share a pipe on stdin/stdout.`,
      { hint: 'Run `procdoc pipeline` to list stalled pipelines, or give a PID of one of its commands.' },
    );
  }
  const chosen = all ? reports.filter(isStalled) : reports;
  return { snapshot, reports: chosen.map((r) => judgePipeline(r, validator, snapshot)), seen: reports.length };
}

interface PipelineFlags {
  pgid?: number;
  json?: boolean;
  format: 'text' | 'mermaid' | 'dot';
  explain?: boolean;
  from?: string;
  sample?: number;
  deep?: boolean;
}

/** The single pipeline to print for a PID / --pgid: the stalled one if there are several. */
function primary(reports: JudgedPipeline[]): JudgedPipeline {
  return reports.find(isStalled) ?? reports[0]!;
}

export function pipelineCommand(
  ctx: CommandContext,
  deps: PipelineDeps = defaultPipelineDeps,
  explain: PipelineExplainer | undefined = async (analysis, request) => (await import('./explain.js')).explainPipeline(ctx, analysis, request),
): Command {
  return new Command('pipeline')
    .description('explain a hung pipeline: which stage blocks, why, and what to do')
    .argument('[pid]', 'any process of the pipeline (a stage, or the shell that started it)', parsePid)
    .addOption(new Option('--pgid <pgid>', 'the pipeline of this process group').argParser(parsePid))
    .option('--json', 'print the analysis as JSON (DESIGN.md contract)')
    .addOption(new Option('--format <format>', 'text picture, or a diagram').choices(['text', 'mermaid', 'dot']).default('text'))
    .option('--explain', 'have the LLM explain the analysis in plain words (offline when no LLM is configured)')
    .option('--from <file>', 'analyze a saved snapshot (procdoc snapshot --deep -o FILE) instead of this host')
    .addOption(new Option('--sample <ms>', `sample twice this far apart to tell slow from hung (default ${DEFAULT_PIPELINE_SAMPLE_MS})`).argParser(parseDuration).conflicts('from'))
    .option('--deep', "read every process's descriptors at once (otherwise only when the pipeline looks incomplete)")
    .addHelpText(
      'after',
      `
Examples:
  procdoc pipeline                      every stalled pipeline on this host
  procdoc pipeline 4711                 the pipeline process 4711 is part of
  procdoc pipeline --pgid 4700 --json   the pipeline of job (process group) 4700, as JSON
  procdoc pipeline 4711 --format mermaid > pipeline.mmd

Verdicts: stage-stopped, stage-waiting-tty, consumer-not-reading, leaked-pipe-writer,
stage-uninterruptible, stage-waiting-child, stage-blocked-other, progressing, finished.
Exit status: 0 analyzed, 1 no such process / not a pipeline, 2 bad usage.`,
    )
    .action(async (pid: number | undefined, flags: PipelineFlags) => {
      if (flags.json === true && flags.format !== 'text') {
        throw new ProcdocError('usage', `--json and --format ${flags.format} both choose the output; give one.`, {
          hint: 'Use --json for machines, --format mermaid|dot for a diagram.',
        });
      }
      if (flags.explain === true && flags.json === true) {
        throw new ProcdocError('usage', '--explain writes prose and cannot be combined with --json.', { hint: 'Drop one of them.' });
      }
      if (flags.explain === true && explain === undefined) {
        throw new ProcdocError('llm-unavailable', '--explain is not available in this build of procdoc.', {
          hint: 'Run without --explain: the analysis above it is complete; `procdoc ask` explains with an LLM.',
        });
      }
      const request: PipelineRequest = {
        ...(pid !== undefined ? { pid } : {}),
        ...(flags.pgid !== undefined ? { pgid: flags.pgid } : {}),
        ...(flags.from !== undefined ? { from: flags.from } : {}),
        ...(flags.sample !== undefined ? { sampleMs: flags.sample } : {}),
        ...(flags.deep === true ? { deep: true } : {}),
      };
      const globals = ctx.globals();
      const analysis = await runPipelineAnalysis(globals, request, deps);
      const targeted = pid !== undefined || flags.pgid !== undefined;
      const color = useColor(ctx.io, globals.color);
      const c = paint(color);

      if (flags.json === true) {
        if (targeted) {
          const out: PipelineJson = { schemaVersion: PIPELINE_SCHEMA_VERSION, ...primary(analysis.reports) };
          ctx.io.stdout(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          const out: PipelineListJson = { schemaVersion: PIPELINE_SCHEMA_VERSION, pipelines: analysis.reports };
          ctx.io.stdout(`${JSON.stringify(out, null, 2)}\n`);
        }
        return;
      }
      if (!targeted && analysis.reports.length === 0) {
        ctx.io.stdout(
          `No stalled pipeline among ${analysis.snapshot.processes.length} processes${analysis.seen > 0 ? ` (${analysis.seen} pipeline${analysis.seen === 1 ? '' : 's'} seen, all moving or done)` : ''}.\n`,
        );
        return;
      }
      const shown = targeted && flags.format !== 'text' ? [primary(analysis.reports)] : analysis.reports;
      if (targeted && analysis.reports.length > 1 && flags.format !== 'text') {
        ctx.io.stderr(`procdoc: ${analysis.reports.length} pipelines match; showing the stalled one. Give a stage's PID to choose.\n`);
      }
      // Several pipelines make one diagram (a subgraph each), so that the output is one valid file.
      ctx.io.stdout(
        flags.format === 'mermaid'
          ? renderPipelinesMermaid(shown)
          : flags.format === 'dot'
            ? renderPipelinesDot(shown)
            : shown.map((r: JudgedPipeline) => renderPipeline(r, c)).join('\n'),
      );
      if (flags.explain === true && explain !== undefined) {
        ctx.io.stdout(`\n${await explain(analysis, request)}\n`);
      }
    });
}
