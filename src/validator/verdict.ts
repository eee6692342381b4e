import { z } from 'zod';

/** Decisions, from most to least permissive; a verdict is the strictest of its rules. */
export const DecisionSchema = z.enum(['allow', 'confirm', 'deny']);
export type Decision = z.infer<typeof DecisionSchema>;

/** Stable rule ids (DESIGN.md): add more, never rename. */
export const RULE_DECISIONS = {
  'read-only': 'allow',
  'signal-to-managed-unit': 'confirm',
  'signal-to-container': 'confirm',
  'sigkill-before-sigterm': 'confirm',
  'signal-ignored': 'confirm',
  'uninterruptible-target': 'confirm',
  'broad-match': 'confirm',
  'realtime-policy': 'confirm',
  'unknown-command': 'confirm',
  'state-change': 'confirm',
  'sigkill-on-managed-unit': 'deny',
  'target-pid1': 'deny',
  'target-kernel-thread': 'deny',
  'target-zombie': 'deny',
  'target-self': 'deny',
  'target-critical': 'deny',
  'target-not-found': 'deny',
  'broadcast-kill': 'deny',
  'critical-unit-action': 'deny',
  'oom-score-adj-invalid': 'deny',
  destructive: 'deny',
  'shell-indirection': 'deny',
  unparseable: 'deny',
} as const satisfies Record<string, Decision>;
export type RuleId = keyof typeof RULE_DECISIONS;
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

const ORDER: Record<Decision, number> = { allow: 0, confirm: 1, deny: 2 };

export function strictest(decisions: Iterable<Decision>): Decision {
  let worst: Decision = 'allow';
  for (const d of decisions) if (ORDER[d] > ORDER[worst]) worst = d;
  return worst;
}

export function hit(id: RuleId, message: string): RuleHit {
  return { id, decision: RULE_DECISIONS[id], message };
}
