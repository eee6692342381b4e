/*
 * The audit log's contract: what every line of $XDG_STATE_HOME/procdoc/audit.jsonl holds,
 * as zod schemas for the programs and tests that read the log. Kept apart from the
 * executor, which only writes records, so that `procdoc exec` does not load zod.
 */
import * as z from 'zod';
import { DecisionSchema, RuleHitSchema, TargetSchema } from '../validator/verdict.js';

/** One verified expectation: ok true (happened), false (did not), null (cannot tell). */
export const CheckSchema = z.object({ what: z.string(), ok: z.boolean().nullable(), detail: z.string() });
export type Check = z.infer<typeof CheckSchema>;

/** One line of the audit log. Every exec writes a decision (or refusal) before it runs and a result after. */
export const AuditRecordSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('refused'),
    id: z.string(),
    at: z.string(),
    command: z.string(),
    reason: z.enum(['deny', 'declined', 'pid-reused', 'target-gone', 'denied-on-recheck', 'interrupted']),
    message: z.string(),
    /** With reason declined: the person answered no, or there was no terminal to ask on. */
    declined: z.enum(['answered-no', 'no-terminal']).optional(),
    /** With reason interrupted: the signal that stopped procdoc before the command ran. */
    interruptedBy: z.string().optional(),
    decision: DecisionSchema,
    rules: z.array(RuleHitSchema),
    targets: z.array(TargetSchema),
    uid: z.number().int(),
  }),
  z.object({
    event: z.literal('decision'),
    id: z.string(),
    at: z.string(),
    command: z.string(),
    decision: DecisionSchema,
    rules: z.array(RuleHitSchema),
    targets: z.array(TargetSchema),
    confirmedBy: z.enum(['not-needed', 'flag', 'prompt']),
    mode: z.enum(['argv', 'shell']),
    argv: z.array(z.string()),
    uid: z.number().int(),
  }),
  z.object({
    event: z.literal('result'),
    id: z.string(),
    at: z.string(),
    command: z.string(),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    timedOut: z.boolean(),
    interrupted: z.boolean(),
    /** The signal that interrupted procdoc while the command ran (SIGINT, SIGTERM, SIGHUP); absent in records written before it was added. */
    interruptedBy: z.string().nullable().optional(),
    error: z.string().nullable(),
    durationMs: z.number(),
  }),
  z.object({
    event: z.literal('verified'),
    id: z.string(),
    at: z.string(),
    command: z.string(),
    checks: z.array(CheckSchema),
  }),
]);
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
