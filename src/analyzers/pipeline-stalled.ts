import type { SnapshotIndex } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';
import type { DraftFinding } from './finding.js';
import { ev, procSource } from './facts.js';
import type { PipelineReport, PipelineVerdictCode } from './pipeline/schema.js';
import type { Analyzer } from './types.js';

/** Verdicts that mean "hung", and how bad: a stage that waits on something outside the pipeline may just be slow. */
const SEVERITY: Record<PipelineVerdictCode, DraftFinding['severity'] | null> = {
  'stage-stopped': 'warning',
  'stage-waiting-tty': 'warning',
  'consumer-not-reading': 'warning',
  'leaked-pipe-writer': 'warning',
  'stage-uninterruptible': 'warning',
  'stage-waiting-child': 'info',
  'stage-blocked-other': 'info',
  progressing: null,
  finished: null,
};

export type PipelineAnalysis = (snapshot: Snapshot, index: SnapshotIndex) => PipelineReport[];

/** Wraps the pipeline analyzer's hung verdicts into pipeline-stalled findings. */
export function pipelineStalledFrom(analyze: PipelineAnalysis): Analyzer {
  return ({ snapshot, index }) => analyze(snapshot, index).flatMap((report) => toFinding(report, snapshot, index));
}

export function toFinding(report: PipelineReport, snapshot: Snapshot, index: SnapshotIndex): DraftFinding[] {
  const base = SEVERITY[report.verdict.code];
  if (base === null) return [];
  if (report.verdict.code === 'stage-waiting-child' || report.verdict.code === 'stage-blocked-other') {
    // A stage waiting on its own child or on a socket is hung only if nothing in the
    // pipeline's process groups moved: `npm exec eslint | tail` waits while eslint works.
    const pgids = new Set(report.stages.map((s) => s.pgid));
    const moved = [...pgids].some((g) => index.group(g).some((p) => p.cpu?.progressed === true));
    if (moved) return [];
  }
  const stages = report.stages.filter((s) => s.role === 'stage');
  const known = report.stages.some((s) => s.progressKnown);
  // Without a second sample nothing says the pipeline is not just slow.
  const severity = known ? base : 'info';
  const culprit = report.verdict.culpritPid;
  const culpritStage = report.stages.find((s) => s.pid === culprit);
  const names = stages.map((s) => s.comm).join(' | ');
  const units = [...new Set(stages.map((s) => snapshot.processes.find((p) => p.pid === s.pid)?.owner.unit?.name).filter((n): n is string => n !== undefined))];
  return [
    {
      code: 'pipeline-stalled',
      severity,
      title: `Pipeline ${names} is stalled (${report.verdict.code})`,
      // The explanation tells the chain of blame hop by hop (blame.ts explain()).
      summary: report.verdict.explanation + (known ? '' : ' Only one sample was taken, so it may just be slow.'),
      pids: report.stages.map((s) => s.pid),
      culpritPid: culprit,
      units,
      cgroups: [],
      evidence: [
        ...(culpritStage
          ? [ev(procSource(culpritStage.pid, 'stat'), 'state', culpritStage.state), ev(procSource(culpritStage.pid, 'wchan'), 'wchan', culpritStage.wchan)]
          : []),
        ...stages.slice(0, 4).map((s) => ev(procSource(s.pid, 'fd/0'), 'stdin', s.stdin)),
        ...report.links.slice(0, 3).map((l) => ev(`pipe:[${l.inode}]`, 'writers/readers', `${l.writers.join(',') || '-'} / ${l.readers.join(',') || '-'}`)),
      ],
      remediation: report.remediation.map((r) => ({ command: r.command, why: r.why })),
    },
  ];
}
