import * as z from 'zod';
import { VerdictSummarySchema } from '../validator/verdict.js';

/** Stable finding codes (DESIGN.md): add more, never rename. */
export const FindingCodeSchema = z.enum([
  'zombie-unreaped',
  'orphaned-descendants',
  'pipeline-stalled',
  'uninterruptible-io',
  'stopped-process',
  'runaway-cpu',
  'cpu-throttled',
  'memory-near-limit',
  'oom-kills-recorded',
  'oom-controller-exposed',
  'pressure-stall',
  'memory-growth',
  'fd-near-limit',
  'pids-near-limit',
  'sigterm-ignored',
  'pid1-without-handler',
  'respawning-service',
  'unbounded-cron-job',
  'realtime-hog',
  'affinity-contention',
  'cgroup-frozen',
]);
export type FindingCode = z.infer<typeof FindingCodeSchema>;

export const SeveritySchema = z.enum(['critical', 'warning', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;

export const EvidenceSchema = z.object({
  source: z.string(),
  field: z.string(),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const RemediationSchema = z.object({
  command: z.string(),
  why: z.string(),
  verdict: VerdictSummarySchema,
});
export type Remediation = z.infer<typeof RemediationSchema>;

export const FindingSchema = z.object({
  code: FindingCodeSchema,
  severity: SeveritySchema,
  title: z.string(),
  summary: z.string(),
  pids: z.array(z.number().int()),
  culpritPid: z.number().int().nullable(),
  units: z.array(z.string()),
  cgroups: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
  remediation: z.array(RemediationSchema),
});
export type Finding = z.infer<typeof FindingSchema>;

/** What an analyzer proposes before the validator has judged it. */
export type ProposedRemediation = Omit<Remediation, 'verdict'>;
/** What an analyzer returns: a finding whose remediation the validator has yet to judge. */
export type DraftFinding = Omit<Finding, 'remediation'> & { remediation: ProposedRemediation[] };
