import * as z from 'zod';
import type { Verdict } from '../validator/verdict.js';
import { VerdictSummarySchema } from '../validator/verdict.js';
import { factExists, type FactUniverse } from '../context/facts.js';
import type { Anonymizer } from '../context/anonymize.js';

/** What the model submits through the `submit_answer` tool (DESIGN.md). */
export const SubmitAnswerSchema = z.object({
  summary: z.string().min(1).max(4000).describe('Two to four plain sentences answering the question.'),
  rootCause: z.string().max(2000).describe('The cause in one or two sentences, or "unknown" and what would tell.'),
  evidence: z.array(z.string().max(300)).max(40).describe('Fact ids from the context or tool results, e.g. P4711.state.'),
  pids: z.array(z.number().int()).max(100).describe('PIDs the answer is about.'),
  commands: z
    .array(z.object({ command: z.string().min(1).max(1000), why: z.string().max(1000) }))
    .max(10)
    .describe('Remediation commands, each checked by the validator before it is shown.'),
});
export type SubmittedAnswer = z.infer<typeof SubmitAnswerSchema>;

export const AnswerCommandSchema = z.object({ command: z.string(), why: z.string(), verdict: VerdictSummarySchema });
export type AnswerCommand = z.infer<typeof AnswerCommandSchema>;

export const AnswerSchema = z.object({
  summary: z.string(),
  rootCause: z.string(),
  evidence: z.array(z.string()),
  pids: z.array(z.number().int()),
  commands: z.array(AnswerCommandSchema),
});
export type Answer = z.infer<typeof AnswerSchema>;

/** `procdoc ask --json` (DESIGN.md); `grounding` and `notice` are additions. */
export const AskResultSchema = z.object({
  schemaVersion: z.literal(1),
  mode: z.enum(['llm', 'offline']),
  question: z.string(),
  answer: AnswerSchema,
  usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int(), llmCalls: z.number().int() }),
  grounding: z.object({ droppedEvidence: z.array(z.string()), unknownPids: z.array(z.number().int()) }),
  /** Why the answer is offline, or that the question needs an LLM; null when there is nothing to say. */
  notice: z.string().nullable(),
});
export type AskResult = z.infer<typeof AskResultSchema>;

export interface Grounding {
  droppedEvidence: string[];
  unknownPids: number[];
}

/** Drops evidence ids that name nothing, and pids that are not in the snapshot. Pure. */
export function ground(answer: SubmittedAnswer, universe: FactUniverse): { answer: SubmittedAnswer; grounding: Grounding } {
  const evidence: string[] = [];
  const droppedEvidence: string[] = [];
  for (const id of new Set(answer.evidence.map((e) => e.trim()))) (factExists(id, universe) ? evidence : droppedEvidence).push(id);
  const pids: number[] = [];
  const unknownPids: number[] = [];
  for (const pid of new Set(answer.pids)) (universe.index.process(pid) ? pids : unknownPids).push(pid);
  return { answer: { ...answer, evidence, pids }, grounding: { droppedEvidence, unknownPids } };
}

/** Maps placeholders back in everything the model wrote, before it is checked and shown. */
export function restoreAnswer(answer: SubmittedAnswer, anon: Anonymizer): SubmittedAnswer {
  return {
    summary: anon.restore(answer.summary),
    rootCause: anon.restore(answer.rootCause),
    evidence: answer.evidence.map((e) => anon.restore(e)),
    pids: answer.pids,
    commands: answer.commands.map((c) => ({ command: anon.restore(c.command), why: anon.restore(c.why) })),
  };
}

/** Every proposed command through the validator; nothing here runs anything. */
export function judgeCommands(commands: ReadonlyArray<{ command: string; why: string }>, check: (command: string) => Verdict): Array<AnswerCommand & { alternatives: string[] }> {
  return commands.map((c) => {
    const verdict = check(c.command);
    return { command: c.command, why: c.why, verdict: { decision: verdict.decision, rules: verdict.rules }, alternatives: verdict.alternatives };
  });
}
