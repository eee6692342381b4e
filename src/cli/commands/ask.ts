import { Command, Option } from 'commander';
import { setTimeout as delay } from 'node:timers/promises';
import { diagnose } from '../../analyzers/diagnose.js';
import { analyzePipelines, isStalled } from '../../analyzers/pipeline/index.js';
import { ProcdocError } from '../../errors.js';
import type { AskResult } from '../../llm/answer.js';
import { createOpenAiClient, type ChatClient, type ChatHooks } from '../../llm/client.js';
import { explain, prepare, type ExplainInput } from '../../llm/explain.js';
import type { AgentEvent } from '../../llm/loop.js';
import { loadPrompts, type Prompts } from '../../llm/prompts.js';
import { loadLlmConfigFile, resolveLlmSettings, type LlmSettings } from '../../llm/settings.js';
import { toolSpecs } from '../../llm/tools.js';
import { indexSnapshot, printable, printableLines } from '../../snapshot/query.js';
import type { Snapshot } from '../../snapshot/schema.js';
import type { SnapshotOptions } from '../../snapshot/take.js';
import { withDetails } from '../../snapshot/process.js';
import type { Validator, Verdict } from '../../validator/index.js';
import { parseDuration } from '../args.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit.js';
import type { CliIo, Paint } from '../io.js';
import { paint, useColor } from '../io.js';

/** The edges `ask` needs; injected so tests can supply their own. */
export interface AskDeps {
  takeSnapshot(options: SnapshotOptions): Promise<Snapshot>;
  loadSnapshotFile(file: string): Promise<Snapshot>;
  loadValidator(): Promise<Validator>;
  createClient(settings: LlmSettings, options: { stream: boolean }): ChatClient;
}

export const defaultAskDeps: AskDeps = {
  takeSnapshot: async (options) => (await import('../../snapshot/take.js')).takeSnapshot(options),
  loadSnapshotFile: async (file) => (await import('../../snapshot/load.js')).loadSnapshotFile(file),
  loadValidator: async () => (await import('../../validator/index.js')).loadValidator(),
  createClient: (settings, options) => createOpenAiClient(settings, { sleep: (ms) => delay(ms), stream: options.stream }),
};

interface AskFlags {
  json?: boolean;
  offline?: boolean;
  showContext?: boolean;
  anonymize?: boolean;
  from?: string;
  sample: number;
}

export function askCommand(ctx: CommandContext, deps: AskDeps = defaultAskDeps): Command {
  return new Command('ask')
    .description('ask a question about the processes on this machine, in plain English (with an LLM, or offline)')
    .argument('<question...>', 'the question, e.g. "why is 4711 stuck?"')
    .option('--json', 'print the answer as JSON (schemaVersion 1)')
    .option('--offline', 'answer without an LLM, from the analyzers and the snapshot')
    .option('--show-context', 'print exactly what would be sent to the LLM, and exit without sending it')
    .option('--anonymize', 'replace user names, host names and paths with placeholders before sending (mapped back in the answer)')
    .option('--from <file>', 'ask about a snapshot saved with `procdoc snapshot -o FILE`')
    .addOption(new Option('--sample <ms>', 'interval between the two samples of the snapshot').default(300).argParser(parseDuration).conflicts('from'))
    .addHelpText(
      'after',
      `
Examples:
  procdoc ask "why is 4711 stuck?"
  procdoc ask "all python processes over 80% CPU with their parents" --offline
  procdoc ask "is it safe to run 'kill -9 1234'?" --json
  procdoc ask "what is wrong?" --show-context --anonymize

LLM settings: --base-url / OPENAI_BASE_URL, --model / PROCDOC_MODEL, OPENAI_API_KEY,
or $XDG_CONFIG_HOME/procdoc/config.json. Without them the answer is offline.

Exit status: 0 answered, 4 answered offline because the configured LLM failed (stderr says
why), 1 error, 2 bad usage.`,
    )
    .action(async (words: string[], flags: AskFlags) => {
      const question = words.join(' ').trim();
      if (question === '') {
        throw new ProcdocError('usage', 'The question is empty.', { hint: 'Example: procdoc ask "why is 4711 stuck?"' });
      }
      await runAsk(ctx, question, flags, deps);
    });
}

async function runAsk(ctx: CommandContext, question: string, flags: AskFlags, deps: AskDeps): Promise<void> {
  const globals = ctx.globals();
  const io = ctx.io;
  const live = flags.from === undefined && globals.procRoot === '/proc';
  const questionPids = [...question.matchAll(/\b(\d{1,7})\b/g)].map((m) => Number(m[1])).filter((n) => n > 0);
  // Settings first: a broken config file is a usage error before any work is done.
  const settings = resolveLlmSettings({ flags: { model: globals.model, baseUrl: globals.baseUrl }, env: io.env, file: await loadLlmConfigFile(io.env) });
  const [snapshot, validator, prompts] = await Promise.all([
    flags.from !== undefined
      ? deps.loadSnapshotFile(flags.from)
      : deps.takeSnapshot({
          procRoot: globals.procRoot,
          sysRoot: globals.sysRoot,
          deep: false,
          deepPids: questionPids,
          sampleMs: live ? flags.sample : 0,
          serviceManager: live,
        }),
    deps.loadValidator(),
    loadPrompts(io.env),
  ]);
  const index = indexSnapshot(snapshot);
  const findings = diagnose(snapshot, { validator });
  // Hung pipelines, and any pipeline the question names (it may be slow rather than hung).
  const pipelineReports = analyzePipelines(snapshot, index).filter((r) => isStalled(r) || r.stages.some((s) => questionPids.includes(s.pid)));
  const base = {
    question,
    snapshot,
    findings,
    pipelineReports,
    pipelinesFor: (pid: number) => analyzePipelines(snapshot, index, { pid }),
    prompts,
    anonymize: flags.anonymize === true,
    contextTokens: settings.contextTokens,
  };

  if (flags.showContext === true) {
    const prepared = prepare(base);
    const tools = toolSpecs();
    if (flags.json === true) {
      const messages = [
        { role: 'system', content: prepared.system },
        { role: 'user', content: prepared.user },
      ];
      io.stdout(`${JSON.stringify({ schemaVersion: 1, model: settings.model, messages, tools, contextTokens: prepared.context.tokens }, null, 2)}\n`);
    } else {
      io.stdout(`=== system ===\n${prepared.system}\n\n=== user ===\n${prepared.user}\n\n=== tools ===\n${JSON.stringify(tools, null, 2)}\n`);
      io.stderr(`(context: ${prepared.context.tokens} tokens; ${prepared.context.included.processes} processes shown, ${prepared.context.omitted.processes} omitted; nothing was sent)\n`);
    }
    return;
  }

  // Where a judgement looks up an id that is no process (a thread's, as `top -H` shows), the
  // live system says which process it belongs to, and the command is judged again.
  const check = (command: string): Verdict => {
    // Run later by the person, not by this procdoc (runBy 'caller'); of a saved snapshot, said as such.
    const options = { runBy: 'caller', saved: flags.from !== undefined } as const;
    const first = validator.analyze(command, snapshot, options);
    return live && first.needs.length > 0 ? validator.check(command, withDetails(snapshot, first.needs, globals.procRoot), options) : first.verdict;
  };
  const result = await answerAndPrint(ctx, { ...base, check }, { settings, json: flags.json === true, offline: flags.offline === true }, deps);
  // The answer is printed either way; the status tells a script that the LLM it was set up
  // to use did not answer (the notice on stderr says why and what to fix).
  if (result.mode === 'offline' && flags.offline !== true && settings.configured) ctx.setExitCode(EXIT.askLlmFailed);
}

export interface ExplainRequest {
  question: string;
  snapshot: Snapshot;
  findings: ExplainInput['findings'];
  pipelineReports?: ExplainInput['pipelineReports'];
  pipelinesFor?: ExplainInput['pipelinesFor'];
  /** The validator bound to this snapshot. */
  check: ExplainInput['check'];
  prompts?: Prompts;
  anonymize?: boolean;
  contextTokens?: number;
}

/**
 * Answers with the LLM (or offline), with a spinner and streamed text on a terminal and
 * notices on stderr, and returns the answer without printing it. `diagnose --explain` and
 * `pipeline --explain` use this; `ask` prints the result with answerAndPrint.
 */
export async function answerFor(
  ctx: CommandContext,
  request: ExplainRequest,
  options: { json: boolean; offline?: boolean; settings?: LlmSettings },
  deps: Pick<AskDeps, 'createClient'> = defaultAskDeps,
): Promise<AskResult> {
  const io = ctx.io;
  const globals = ctx.globals();
  const settings =
    options.settings ?? resolveLlmSettings({ flags: { model: globals.model, baseUrl: globals.baseUrl }, env: io.env, file: await loadLlmConfigFile(io.env) });
  const prompts = request.prompts ?? (await loadPrompts(io.env));
  const wantLlm = options.offline !== true && settings.configured;
  const streaming = !options.json && io.stdoutIsTTY;
  const client = wantLlm ? deps.createClient(settings, { stream: streaming }) : null;
  const color = paint(useColor(io, globals.color));
  const progress = streaming ? terminalProgress(io, color) : null;
  let result: AskResult;
  try {
    result = await explain({
      ...request,
      prompts,
      contextTokens: request.contextTokens ?? settings.contextTokens,
      client,
      offline: options.offline === true,
      limits: { maxSteps: settings.maxSteps, maxTokens: settings.maxTokens },
      ...(progress ? { hooks: progress.hooks, onEvent: progress.onEvent } : { onEvent: quietEvents(io, options.json) }),
    });
  } finally {
    progress?.stop();
  }
  if (result.notice !== null) io.stderr(`procdoc: ${result.notice}\n`);
  return result;
}

/** Answers (see answerFor) and prints the answer: text, or JSON. */
export async function answerAndPrint(
  ctx: CommandContext,
  request: ExplainRequest,
  options: { json: boolean; offline?: boolean; settings?: LlmSettings },
  deps: Pick<AskDeps, 'createClient'> = defaultAskDeps,
): Promise<AskResult> {
  const result = await answerFor(ctx, request, options, deps);
  ctx.io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderAnswer(result, paint(useColor(ctx.io, ctx.globals().color))));
  return result;
}

/** Refusals are worth a line on stderr even without a terminal. */
function quietEvents(io: CliIo, json: boolean): (event: AgentEvent) => void {
  return (event) => {
    if (!json && event.kind === 'refused') io.stderr(`procdoc: the validator refused ${event.commands.join(', ')}; asking the model for a safe alternative\n`);
  };
}

/** Spinner while waiting and streamed text, on a terminal only (stderr). */
function terminalProgress(io: CliIo, color: Paint): { hooks: ChatHooks; onEvent: (e: AgentEvent) => void; stop(): void } {
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  let spinning = true;
  const clear = (): void => io.stderr('\r\u001b[K');
  const timer = setInterval(() => {
    if (spinning) io.stderr(`\r${color.dim(`${frames[frame++ % frames.length]!} thinking…`)}`);
  }, 100);
  timer.unref();
  return {
    hooks: {
      onText: (delta) => {
        if (spinning) {
          clear();
          spinning = false;
        }
        io.stderr(color.dim(printableLines(delta)));
      },
      onRetry: (attempt, delayMs, reason) => {
        clear();
        io.stderr(color.dim(`${reason}; retry ${attempt} in ${Math.round(delayMs / 100) / 10}s\n`));
      },
    },
    onEvent: (event) => {
      clear();
      if (event.kind === 'tool') io.stderr(color.dim(`→ ${event.label}\n`));
      else if (event.kind === 'refused') io.stderr(color.yellow(`✗ refused ${event.commands.join(', ')}; asking for a safe alternative\n`));
      else io.stderr(color.dim(`answer rejected: ${event.error}\n`));
      spinning = true;
    },
    stop: () => {
      clearInterval(timer);
      clear();
    },
  };
}

/** The answer for a person. The model's text and everything it quotes go out printable: no escape sequence from a process name (or a model repeating one) reaches the terminal. */
export function renderAnswer(result: AskResult, c: Paint): string {
  const a = result.answer;
  const out: string[] = [printableLines(a.summary), ''];
  if (a.rootCause !== '') out.push(`${c.bold('Root cause:')} ${printableLines(a.rootCause)}`);
  if (a.evidence.length > 0) out.push(`${c.bold('Evidence:')} ${printable(a.evidence.join(', '))}`);
  if (a.pids.length > 0) out.push(`${c.bold('PIDs:')} ${a.pids.join(', ')}`);
  if (result.grounding.droppedEvidence.length > 0) out.push(c.yellow(`Dropped evidence that names nothing in the snapshot: ${printable(result.grounding.droppedEvidence.join(', '))}`));
  if (result.grounding.unknownPids.length > 0) out.push(c.yellow(`PIDs not in the snapshot (exited, or made up): ${result.grounding.unknownPids.join(', ')}`));
  if (a.commands.length > 0) {
    out.push('', c.bold('Commands (checked, not run):'));
    for (const cmd of a.commands) {
      const d = cmd.verdict.decision;
      const tag = d === 'allow' ? c.green('allow  ') : d === 'confirm' ? c.yellow('confirm') : c.red('REFUSED');
      out.push(`  ${tag} ${printable(cmd.command)}${cmd.why === '' ? '' : c.dim(`  — ${printable(cmd.why)}`)}`);
      for (const r of cmd.verdict.rules.filter((r) => r.decision !== 'allow')) out.push(`          ${c.dim(`${r.id}: ${printable(r.message)}`)}`);
    }
    if (a.commands.some((cmd) => cmd.verdict.decision !== 'deny')) out.push(c.dim('  Run one with `procdoc exec -- COMMAND` (re-checked, confirmed, audited).'));
  }
  const u = result.usage;
  out.push('', c.dim(result.mode === 'llm' ? `(LLM: ${u.llmCalls} call${u.llmCalls === 1 ? '' : 's'}, ${u.promptTokens} prompt + ${u.completionTokens} completion tokens)` : '(answered offline)'));
  return `${out.join('\n')}\n`;
}
