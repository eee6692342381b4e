import type { Finding } from '../analyzers/finding.js';
import { createAnonymizer, noAnonymizer, type Anonymizer } from '../context/anonymize.js';
import { buildContext, type BuiltContext } from '../context/build.js';
import type { PipelineReportLike } from '../context/facts.js';
import { indexSnapshot, type SnapshotIndex } from '../snapshot/query.js';
import type { Snapshot } from '../snapshot/schema.js';
import type { Verdict } from '../validator/verdict.js';
import type { AskResult } from './answer.js';
import type { ChatClient, ChatHooks } from './client.js';
import { notConfigured, type LlmError } from './client.js';
import { runAgent, type AgentEvent, type AgentLimits } from './loop.js';
import { answerOffline, OFFLINE_FAMILIES } from './offline.js';
import type { Prompts } from './prompts.js';

export interface ExplainInput {
  question: string;
  snapshot: Snapshot;
  /** Judged findings (analyzers + validator). */
  findings: readonly Finding[];
  pipelineReports?: readonly PipelineReportLike[] | undefined;
  /** Pipeline analysis on demand, for the `pipeline` tool. */
  pipelinesFor?: ((pid: number) => readonly PipelineReportLike[]) | undefined;
  /** The validator, bound to this snapshot. */
  check: (command: string) => Verdict;
  prompts: Prompts;
  /** null: no LLM configured (the answer is offline, and says why). */
  client: ChatClient | null;
  offline?: boolean | undefined;
  anonymize?: boolean | undefined;
  contextTokens?: number | undefined;
  limits?: Partial<AgentLimits> | undefined;
  hooks?: ChatHooks | undefined;
  onEvent?: ((event: AgentEvent) => void) | undefined;
}

export interface Prepared {
  index: SnapshotIndex;
  anonymizer: Anonymizer;
  context: BuiltContext;
  system: string;
  user: string;
}

/** The exact messages that would be sent: `--show-context` prints these. Pure. */
export function prepare(input: Omit<ExplainInput, 'client' | 'check'>): Prepared {
  const index = indexSnapshot(input.snapshot);
  const anonymizer = input.anonymize === true ? createAnonymizer(input.snapshot) : noAnonymizer;
  const context = buildContext({
    question: input.question,
    snapshot: input.snapshot,
    findings: input.findings,
    ...(input.pipelineReports === undefined ? {} : { pipelineReports: input.pipelineReports }),
    ...(input.contextTokens === undefined ? {} : { budgetTokens: input.contextTokens }),
    anonymizer,
    index,
  });
  const withPipelines = (input.pipelineReports?.length ?? 0) > 0 || context.intent.family === 'stuck';
  const system = [input.prompts['system.md'], input.prompts['remediation.md'], ...(withPipelines ? [input.prompts['pipeline.md']] : [])].join('\n\n');
  // The question is the person's own text, but it may quote process output: it is data too.
  const user = `${context.text}\n\nQuestion (from the person at the terminal): ${JSON.stringify(anonymizer.apply(input.question))}`;
  return { index, anonymizer, context, system, user };
}

const DEFAULT_LIMITS: AgentLimits = { maxSteps: 6, maxTokens: 60_000, maxDenialRounds: 2 };

/**
 * Answers a question about a snapshot: with the LLM when one is configured and answers,
 * otherwise offline from the findings. Every command in the answer carries the validator's
 * verdict; nothing is run. Wired to `ask`, `diagnose --explain` and `pipeline --explain`.
 */
export async function explain(input: ExplainInput): Promise<AskResult> {
  const prepared = prepare(input);
  const offline = (notice: string | null): AskResult => {
    const result = answerOffline({
      intent: prepared.context.intent,
      index: prepared.index,
      findings: input.findings,
      pipelineReports: input.pipelineReports ?? [],
      check: input.check,
    });
    const needs = result.needsLlm ? `This question needs an LLM: offline, procdoc answers ${OFFLINE_FAMILIES}.` : null;
    return {
      schemaVersion: 1,
      mode: 'offline',
      question: input.question,
      answer: result.answer,
      usage: { promptTokens: 0, completionTokens: 0, llmCalls: 0 },
      grounding: { droppedEvidence: [], unknownPids: prepared.context.intent.missingPids },
      notice: [notice, needs].filter((n): n is string => n !== null).join(' ') || null,
    };
  };

  if (input.offline === true) return offline(null);
  if (input.client === null) return offline(failureLine(notConfigured()));

  const outcome = await runAgent(
    {
      system: prepared.system,
      user: prepared.user,
      env: {
        index: prepared.index,
        findings: input.findings,
        pipelineReports: input.pipelineReports ?? [],
        ...(input.pipelinesFor === undefined ? {} : { pipelinesFor: input.pipelinesFor }),
        check: input.check,
      },
      universe: { index: prepared.index, findings: input.findings, ...(input.pipelineReports === undefined ? {} : { pipelineReports: input.pipelineReports }) },
      anonymizer: prepared.anonymizer,
      limits: { ...DEFAULT_LIMITS, ...input.limits },
    },
    { client: input.client, ...(input.hooks === undefined ? {} : { hooks: input.hooks }), ...(input.onEvent === undefined ? {} : { onEvent: input.onEvent }) },
  );
  if (!outcome.ok) {
    const result = offline(failureLine(outcome.error));
    return { ...result, usage: outcome.usage };
  }
  return {
    schemaVersion: 1,
    mode: 'llm',
    question: input.question,
    answer: outcome.answer,
    usage: outcome.usage,
    grounding: outcome.grounding,
    notice: null,
  };
}

/** One line: what happened, what to set, and that the answer is offline. */
export function failureLine(error: LlmError): string {
  return `${error.message} ${error.hint ?? ''} Answering offline.`.replace(/\s+/g, ' ').trim();
}
