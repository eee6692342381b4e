import type { Decision, RuleHit } from './verdict.js';

// The runtime half of verdict.ts, without zod: the check path stays lean (zod alone costs
// ~150 ms of import on this machine), while verdict.ts keeps the schemas as the contract.

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
  'target-thread': 'confirm',
  'attaches-to-process': 'confirm',
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

const ORDER: Record<Decision, number> = { allow: 0, confirm: 1, deny: 2 };

export function strictest(decisions: Iterable<Decision>): Decision {
  let worst: Decision = 'allow';
  for (const d of decisions) if (ORDER[d] > ORDER[worst]) worst = d;
  return worst;
}

export function hit(id: RuleId, message: string): RuleHit {
  return { id, decision: RULE_DECISIONS[id], message };
}
