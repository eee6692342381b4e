import type { Anonymizer } from '../context/anonymize.js';
import type { FactUniverse } from '../context/facts.js';
import { ground, judgeCommands, SubmitAnswerSchema, type Answer, type Grounding } from './answer.js';
import { LlmError, type ChatClient, type ChatHooks, type ChatMessage } from './client.js';
import { parseArguments, runTool, SUBMIT_ANSWER, toolSpecs, type ToolEnv } from './tools.js';

export interface AgentLimits {
  /** Model turns, tool turns included. */
  maxSteps: number;
  /** Prompt + completion tokens over all turns. */
  maxTokens: number;
  /** How many times refused commands go back to the model before they are shown as refused. */
  maxDenialRounds: number;
}

export interface AgentInput {
  system: string;
  /** The context document and the question, as sent. */
  user: string;
  env: ToolEnv;
  universe: FactUniverse;
  anonymizer: Anonymizer;
  limits: AgentLimits;
}

export interface AgentDeps {
  client: ChatClient;
  hooks?: ChatHooks;
  /** What happens, for the person watching (tool calls, refusals); never prompts. */
  onEvent?: (event: AgentEvent) => void;
}

export type AgentEvent =
  | { kind: 'tool'; label: string; ok: boolean }
  | { kind: 'refused'; commands: string[]; round: number }
  | { kind: 'invalid-answer'; error: string };

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  llmCalls: number;
}

export type AgentOutcome =
  | { ok: true; answer: Answer; grounding: Grounding; usage: Usage; messages: ChatMessage[] }
  | { ok: false; error: LlmError; usage: Usage; messages: ChatMessage[] };

/**
 * The agent loop: model turns with read-only tools until `submit_answer`. Every proposed
 * command goes through the validator; refused ones go back with the reason a bounded
 * number of times, then stay in the answer as refused. Nothing here runs a command.
 */
export async function runAgent(input: AgentInput, deps: AgentDeps): Promise<AgentOutcome> {
  const messages: ChatMessage[] = [
    { role: 'system', content: input.system },
    { role: 'user', content: input.user },
  ];
  const usage: Usage = { promptTokens: 0, completionTokens: 0, llmCalls: 0 };
  const tools = toolSpecs();
  let denialRounds = 0;
  let nudged = false;
  let lastRefused: { answer: Answer; grounding: Grounding } | null = null;
  /** What was wrong with the model's last reply, for the message if it never gives a usable one. */
  let lastProblem: string | null = null;

  for (let step = 0; step < input.limits.maxSteps; step++) {
    if (usage.promptTokens + usage.completionTokens >= input.limits.maxTokens) break;
    let turn;
    try {
      turn = await deps.client.complete({ messages, tools }, deps.hooks);
    } catch (error) {
      const err = error instanceof LlmError ? error : new LlmError('bad-response', `The LLM call failed: ${String(error)}`, 'Try again, or use --offline.', error);
      return { ok: false, error: err, usage, messages };
    }
    usage.llmCalls++;
    usage.promptTokens += turn.usage.promptTokens;
    usage.completionTokens += turn.usage.completionTokens;
    messages.push({
      role: 'assistant',
      content: turn.content === '' ? null : turn.content,
      ...(turn.toolCalls.length > 0
        ? { tool_calls: turn.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
        : {}),
    });
    if (turn.toolCalls.length === 0) {
      lastProblem = 'replied in plain text instead of calling submit_answer (does the model support tool calls?)';
      if (nudged) break;
      nudged = true;
      messages.push({ role: 'user', content: 'Give your answer by calling the submit_answer tool.' });
      continue;
    }

    let final: { answer: Answer; grounding: Grounding } | null = null;
    for (const call of turn.toolCalls) {
      if (final !== null) {
        messages.push({ role: 'tool', tool_call_id: call.id, content: 'Ignored: the answer was already accepted.' });
        continue;
      }
      if (call.name !== SUBMIT_ANSWER) {
        const outcome = runTool(call.name, call.arguments, input.env, input.anonymizer);
        deps.onEvent?.({ kind: 'tool', label: outcome.forPerson, ok: outcome.ok });
        messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.forModel });
        continue;
      }
      const parsed = parseArguments(call.arguments, SubmitAnswerSchema, input.anonymizer);
      if (!parsed.ok) {
        lastProblem = `called submit_answer with arguments procdoc could not take (${parsed.error.slice(0, 200)})`;
        deps.onEvent?.({ kind: 'invalid-answer', error: parsed.error });
        messages.push({ role: 'tool', tool_call_id: call.id, content: `Error: invalid arguments for submit_answer: ${parsed.error}. Call submit_answer again with { summary, rootCause, evidence: [fact ids], pids: [numbers], commands: [{ command, why }] }.` });
        continue;
      }
      const { answer: grounded, grounding } = ground(parsed.value, input.universe);
      const judged = judgeCommands(grounded.commands, input.env.check);
      const answer: Answer = { ...grounded, commands: judged.map(({ command, why, verdict }) => ({ command, why, verdict })) };
      const refused = judged.filter((c) => c.verdict.decision === 'deny');
      if (refused.length > 0 && denialRounds < input.limits.maxDenialRounds && step + 1 < input.limits.maxSteps) {
        denialRounds++;
        lastRefused = { answer, grounding };
        deps.onEvent?.({ kind: 'refused', commands: refused.map((c) => c.command), round: denialRounds });
        const reasons = refused
          .map((c) => `- ${input.anonymizer.apply(c.command)}: ${c.verdict.rules.filter((r) => r.decision === 'deny').map((r) => `${r.id}: ${input.anonymizer.apply(r.message)}`).join('; ')}${c.alternatives.length > 0 ? ` (alternatives: ${input.anonymizer.apply(c.alternatives.join(' | '))})` : ''}`)
          .join('\n');
        messages.push({
          role: 'tool',
          tool_call_id: call.id,
          content: `The validator refused these commands; they will not be run:\n${reasons}\nCall submit_answer again with safe alternatives, or without those commands.${grounding.droppedEvidence.length > 0 ? ` These evidence ids do not exist and were dropped: ${grounding.droppedEvidence.join(', ')}.` : ''}`,
        });
        continue;
      }
      final = { answer, grounding };
      messages.push({ role: 'tool', tool_call_id: call.id, content: 'Answer accepted.' });
    }
    if (final !== null) return { ok: true, ...final, usage, messages };
  }
  // Out of steps or tokens: an answer whose commands were refused is still an answer.
  if (lastRefused !== null) return { ok: true, ...lastRefused, usage, messages };
  return {
    ok: false,
    error: new LlmError(
      'bad-response',
      `The model gave no usable answer in ${usage.llmCalls} call${usage.llmCalls === 1 ? '' : 's'} (limits: ${input.limits.maxSteps} turns, ${input.limits.maxTokens} tokens)${lastProblem === null ? '' : `; its last reply ${lastProblem}`}.`,
      'Ask a narrower question, use a model that supports tool calls, or use --offline.',
    ),
    usage,
    messages,
  };
}
