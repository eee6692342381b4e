import type { Snapshot } from '../snapshot/schema.js';
import { hit } from '../validator/rules.js';
import type { Verdict } from '../validator/verdict.js';
import type { DraftFinding, Finding } from './finding.js';

/** What judging needs from the validator (src/validator: Validator.check). */
export interface CommandChecker {
  check(command: string, snapshot: Snapshot, options?: { runBy?: 'caller' | 'procdoc' }): Verdict;
}

/** Attaches the validator's verdict to every proposed command; findings keep their order. */
export function judge(drafts: readonly DraftFinding[], validator: CommandChecker, snapshot: Snapshot): Finding[] {
  return drafts.map((draft) => ({
    ...draft,
    remediation: draft.remediation.map((r) => {
      let verdict: Verdict['decision'];
      let rules: Verdict['rules'];
      try {
        // Advice, run later by the person (runBy 'caller'), not by this procdoc.
        const v = validator.check(r.command, snapshot, { runBy: 'caller' });
        verdict = v.decision;
        rules = v.rules;
      } catch (error) {
        // A proposal the validator cannot judge must not look safe.
        verdict = 'deny';
        rules = [hit('unparseable', `The validator could not judge this command: ${error instanceof Error ? error.message : String(error)}`)];
      }
      return { command: r.command, why: r.why, verdict: { decision: verdict, rules } };
    }),
  }));
}
