import type { Process, Snapshot } from '../../snapshot/schema.js';
import { label, type SnapshotIndex } from '../../snapshot/query.js';
import { cleanWchan, fdTarget, progressOf, stackFrames } from './activity.js';
import { blame, describeActivity, stageActivity, type Blame } from './blame.js';
import { buildPipeTable, findPipelines, type PipeTable, type PipelineShape } from './discover.js';
import type { Link, PipelineReport, Stage } from './schema.js';

// The contract's types; its zod schemas are in schema.ts, for readers and tests (loading zod costs ~100 ms).
export type * from './schema.js';
export { PIPELINE_SCHEMA_VERSION } from './version.js';
export { renderPipeline, renderPipelineDot, renderPipelineMermaid, renderPipelinesDot, renderPipelinesMermaid } from './render.js';

export interface PipelineTarget {
  /** Any member of the pipeline: a stage, a process holding one of its pipes, or the shell that started it. */
  pid?: number;
  pgid?: number;
}

/** Hung (or merely waiting) rather than moving or done. */
export function isStalled(report: PipelineReport): boolean {
  return report.verdict.code !== 'progressing' && report.verdict.code !== 'finished';
}

/**
 * Finds pipelines in a snapshot and explains each: stages, pipes, verdict and proposed
 * remediation (not yet judged by the validator). With no target, every pipeline on the
 * host, moving or not (filter with isStalled). Needs the deep tier (fds) for the processes
 * involved; without it no pipe can be seen.
 */
export function analyzePipelines(snapshot: Snapshot, index: SnapshotIndex, options: PipelineTarget = {}): PipelineReport[] {
  const table = buildPipeTable(snapshot);
  const shapes = findPipelines(snapshot, index, table);
  const selected = selectShapes(index, shapes, options);
  if (selected.length > 0) return selected.map((shape) => buildReport(snapshot, index, table, shape));
  const finished = finishedReport(snapshot, index, table, options);
  return finished ? [finished] : [];
}

function selectShapes(index: SnapshotIndex, shapes: PipelineShape[], options: PipelineTarget): PipelineShape[] {
  const { pid, pgid } = options;
  if (pid === undefined && pgid === undefined) return shapes;
  if (pgid !== undefined) return shapes.filter((s) => s.stages.some((p) => p.pgid === pgid));
  const target = index.process(pid!);
  if (!target) return [];
  const member = shapes.filter((s) => s.stages.some((p) => p.pid === pid) || s.holders.some((p) => p.pid === pid));
  if (member.length > 0) return member;
  // The shell that started the pipeline is a member too: its children are the stages.
  const started = shapes.filter((s) => s.stages.some((p) => p.ppid === pid));
  if (started.length > 0) return started;
  return shapes.filter((s) => s.stages.some((p) => p.pgid === target.pgid));
}

/**
 * A pipeline whose stages have all exited leaves no pipes to follow, only zombies (until
 * their parent reaps them) in the target's process group. A pipeline has two commands at
 * least: one zombie is a child its parent has not reaped, not a pipeline.
 */
function finishedReport(snapshot: Snapshot, index: SnapshotIndex, table: PipeTable, options: PipelineTarget): PipelineReport | undefined {
  let pgid = options.pgid;
  if (pgid === undefined && options.pid !== undefined) pgid = index.process(options.pid)?.pgid;
  if (pgid === undefined) return undefined;
  const group = index.group(pgid);
  const exited = group.filter((p) => p.state === 'Z' || p.state === 'X');
  const target = options.pid === undefined ? undefined : index.process(options.pid);
  const targetDone = target === undefined || target.state === 'Z' || target.state === 'X' || exited.some((z) => z.ppid === target.pid);
  if (exited.length < 2 || !targetDone) return undefined;
  const parents = [...new Set(exited.map((z) => z.ppid))].map((ppid) => index.process(ppid)).filter((p): p is Process => p !== undefined);
  const shape: PipelineShape = { stages: exited, holders: [], inodes: [] };
  const explanation =
    `Every stage has exited: ${exited.map(label).join(', ')} ${exited.length === 1 ? 'is a zombie' : 'are zombies'}. ` +
    (parents.length > 0
      ? `${parents.map(label).join(', ')} has not reaped ${exited.length === 1 ? 'it' : 'them'} yet (it does not call wait()); the pipeline itself is done and holds no resources but a process-table slot each.`
      : 'The pipeline itself is done.');
  const stages = shape.stages.map((p) => stageOf(index, table, p, 'stage', false));
  return {
    stages,
    links: [],
    verdict: { code: 'finished', culpritPid: null, explanation, chain: [], guesses: [] },
    remediation: [],
  };
}

function stageOf(index: SnapshotIndex, table: PipeTable, p: Process, role: Stage['role'], culprit: boolean): Stage {
  const progress = progressOf(p);
  const activity = stageActivity(index, p);
  return {
    pid: p.pid,
    comm: p.comm,
    state: p.state,
    wchan: cleanWchan(p.wchan),
    stdin: fdTarget(p, 0),
    stdout: fdTarget(p, 1),
    progressing: progress.progressing,
    progressKnown: progress.known,
    ppid: p.ppid,
    pgid: p.pgid,
    argv: p.argv,
    role,
    activity,
    doing: describeActivity({ table, index }, p, activity),
    cpuPercent: p.cpu?.percent ?? null,
    stack: stackFrames(p),
    culprit,
  };
}

function buildReport(snapshot: Snapshot, index: SnapshotIndex, table: PipeTable, shape: PipelineShape): PipelineReport {
  const verdict: Blame = blame({ snapshot, index, table, shape });
  const culpritPid = verdict.culprit?.pid ?? null;
  const stages: Stage[] = [
    ...shape.stages.map((p) => stageOf(index, table, p, 'stage', p.pid === culpritPid)),
    ...shape.holders.map((p) => stageOf(index, table, p, 'holder', p.pid === culpritPid)),
  ];
  // The culprit may be outside the pipes (a stuck child of a stage): show it too.
  if (verdict.culprit && !stages.some((s) => s.pid === culpritPid)) stages.push(stageOf(index, table, verdict.culprit, 'holder', true));
  const links: Link[] = shape.inodes.map((inode) => {
    const ends = table.holders(inode);
    const uniq = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
    return { inode, writers: uniq(ends.filter((e) => e.writes).map((e) => e.pid)), readers: uniq(ends.filter((e) => e.reads).map((e) => e.pid)) };
  });
  return {
    stages,
    links,
    verdict: { code: verdict.code, culpritPid, explanation: verdict.explanation, chain: verdict.chain, guesses: verdict.guesses },
    remediation: verdict.remediation,
  };
}
