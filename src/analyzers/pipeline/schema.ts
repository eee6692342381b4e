import * as z from 'zod';
import { VerdictSummarySchema } from '../../validator/verdict.js';
import { PIPELINE_SCHEMA_VERSION } from './version.js';

/**
 * The `procdoc pipeline` contract (DESIGN.md). PipelineReport is what the pure analyzer
 * returns; the CLI adds `schemaVersion` and a validator verdict to each remediation.
 * Fields may be added, never renamed or removed.
 */
export { PIPELINE_SCHEMA_VERSION };

/** Verdict codes (DESIGN.md): add more, never rename. */
export const PipelineVerdictCodeSchema = z.enum([
  'stage-stopped',
  'stage-waiting-tty',
  'consumer-not-reading',
  'leaked-pipe-writer',
  'stage-uninterruptible',
  'stage-waiting-child',
  'stage-blocked-other',
  'progressing',
  'finished',
]);
export type PipelineVerdictCode = z.infer<typeof PipelineVerdictCodeSchema>;

/** What a stage is doing, from its state, wchan family and kernel stack. */
export const ActivitySchema = z.enum([
  'running',
  'reading-pipe',
  'writing-pipe',
  'waiting-child',
  /** sigsuspend / pause: waiting for a signal, typically SIGCHLD from a child (timeout, supervisors). */
  'waiting-signal',
  'reading-tty',
  'writing-tty',
  'lock',
  'futex',
  'poll',
  'socket',
  'sleep',
  'stopped',
  'traced',
  'frozen',
  'uninterruptible',
  'exited',
  'other',
]);
export type Activity = z.infer<typeof ActivitySchema>;

export const StageSchema = z.object({
  pid: z.number().int(),
  comm: z.string(),
  state: z.string(),
  wchan: z.string().nullable(),
  /** Where fd 0 points ("pipe:[41855]", "/dev/pts/3"), null when the fds were not readable. */
  stdin: z.string().nullable(),
  stdout: z.string().nullable(),
  /** CPU time or I/O counters moved between the two samples. */
  progressing: z.boolean(),
  /** Whether progress could be judged at all (false for a single-sample snapshot). */
  progressKnown: z.boolean(),
  ppid: z.number().int(),
  pgid: z.number().int(),
  argv: z.array(z.string()),
  /** 'stage': joined to the others through its stdin/stdout; 'holder': only holds an end of one of their pipes. */
  role: z.enum(['stage', 'holder']),
  activity: ActivitySchema,
  /** Plain-English "what it is doing", e.g. "waiting to read pipe:[41855]". */
  doing: z.string(),
  cpuPercent: z.number().nullable(),
  /** Top kernel stack frames, when readable. */
  stack: z.array(z.string()),
  culprit: z.boolean(),
});
export type Stage = z.infer<typeof StageSchema>;

export const LinkSchema = z.object({
  inode: z.number().int(),
  writers: z.array(z.number().int()),
  readers: z.array(z.number().int()),
});
export type Link = z.infer<typeof LinkSchema>;

export const PipelineVerdictSchema = z.object({
  code: PipelineVerdictCodeSchema,
  /** The process to act on; null when nothing is to blame (progressing without a clear bottleneck, finished). */
  culpritPid: z.number().int().nullable(),
  explanation: z.string(),
  /** The chain of blame, from the stage that waits to the culprit: "wc (12) waits to read pipe:[5] from grep (11)". */
  chain: z.array(z.string()),
  /** Where the verdict rests on inference rather than a kernel fact (which signal stopped a stage). */
  guesses: z.array(z.string()),
});
export type PipelineVerdict = z.infer<typeof PipelineVerdictSchema>;

export const ProposedPipelineRemediationSchema = z.object({ command: z.string(), why: z.string() });
export type ProposedPipelineRemediation = z.infer<typeof ProposedPipelineRemediationSchema>;

export const PipelineReportSchema = z.object({
  stages: z.array(StageSchema),
  links: z.array(LinkSchema),
  verdict: PipelineVerdictSchema,
  remediation: z.array(ProposedPipelineRemediationSchema),
});
export type PipelineReport = z.infer<typeof PipelineReportSchema>;

export const PipelineRemediationSchema = ProposedPipelineRemediationSchema.extend({ verdict: VerdictSummarySchema });
export type PipelineRemediation = z.infer<typeof PipelineRemediationSchema>;

/** `procdoc pipeline PID --json` and `--pgid N --json`. */
export const PipelineJsonSchema = PipelineReportSchema.extend({
  schemaVersion: z.literal(PIPELINE_SCHEMA_VERSION),
  remediation: z.array(PipelineRemediationSchema),
});
export type PipelineJson = z.infer<typeof PipelineJsonSchema>;

/** `procdoc pipeline --json` with no target: every stalled pipeline on the host. */
export const PipelineListJsonSchema = z.object({
  schemaVersion: z.literal(PIPELINE_SCHEMA_VERSION),
  pipelines: z.array(PipelineJsonSchema.omit({ schemaVersion: true })),
});
export type PipelineListJson = z.infer<typeof PipelineListJsonSchema>;
