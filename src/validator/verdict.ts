import * as z from 'zod';
import { RULE_DECISIONS, type RuleId } from './rules.js';

/** Decisions, from most to least permissive; a verdict is the strictest of its rules. */
export const DecisionSchema = z.enum(['allow', 'confirm', 'deny']);
export type Decision = z.infer<typeof DecisionSchema>;

export { RULE_DECISIONS, strictest, hit, type RuleId } from './rules.js';
export const RuleIdSchema = z.enum(Object.keys(RULE_DECISIONS) as [RuleId, ...RuleId[]]);

export const RuleHitSchema = z.object({
  id: RuleIdSchema,
  decision: DecisionSchema,
  message: z.string(),
});
export type RuleHit = z.infer<typeof RuleHitSchema>;

export const TargetSchema = z.object({
  pid: z.number().int(),
  startTime: z.number().int().nullable(),
  comm: z.string().nullable(),
  unit: z.string().nullable(),
});
export type Target = z.infer<typeof TargetSchema>;

export const VerdictSchema = z.object({
  command: z.string(),
  decision: DecisionSchema,
  rules: z.array(RuleHitSchema),
  alternatives: z.array(z.string()),
  targets: z.array(TargetSchema),
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** The verdict as embedded in findings and answers: `{ decision, rules }`. */
export const VerdictSummarySchema = z.object({ decision: DecisionSchema, rules: z.array(RuleHitSchema) });
export type VerdictSummary = z.infer<typeof VerdictSummarySchema>;
