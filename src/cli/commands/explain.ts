import type { AskResult } from '../../llm/answer.js';
import { loadValidator } from '../../validator/index.js';
import type { CommandContext } from '../context.js';
import { paint, useColor } from '../io.js';
import { answerFor, renderAnswer } from './ask.js';
import type { Diagnosis } from './diagnose.js';
import type { PipelineAnalysis, PipelineRequest } from './pipeline.js';

/**
 * `--explain` for diagnose and pipeline: the same analysis, handed with its snapshot to the
 * LLM (or answered offline when none is configured), every command through the validator.
 * Loaded only when --explain is given.
 */
export async function explainDiagnosis(ctx: CommandContext, diagnosis: Diagnosis, options: { json: boolean }): Promise<AskResult> {
  const validator = await loadValidator();
  const { snapshot, findings, focusPid } = diagnosis;
  // Worded for the offline intent parser too: "what is wrong" is its overview family.
  const about = focusPid === undefined ? 'on this machine' : `with process ${focusPid}`;
  const question =
    findings.length === 0
      ? `What is wrong ${about}? The analyzers found nothing at any severity; say so plainly and name anything worth watching.`
      : `What is wrong ${about}? Explain the root cause behind these findings in plain words for an on-call engineer, and what to do, safest first.`;
  return answerFor(ctx, { question, snapshot, findings, check: (command) => validator.check(command, snapshot, { runBy: 'caller' }) }, { json: options.json });
}

/** The PipelineExplainer of `procdoc pipeline --explain`: prose for the person at the terminal. */
export async function explainPipeline(ctx: CommandContext, analysis: PipelineAnalysis, request: PipelineRequest): Promise<string> {
  const validator = await loadValidator();
  const { snapshot, reports } = analysis;
  const first = reports[0];
  const target = request.pid !== undefined ? `process ${request.pid}` : request.pgid !== undefined ? `process group ${request.pgid}` : 'the stalled pipelines';
  const question =
    first === undefined
      ? `Explain the state of ${target}: no pipeline is stalled.`
      : `Explain why the pipeline of ${target} is ${first.verdict.code === 'progressing' ? 'slow' : 'stuck'} (verdict ${first.verdict.code}, culprit ${first.verdict.culpritPid ?? 'none'}): follow the chain of blame in plain words a junior engineer understands, and say what to do, safest first.`;
  const result = await answerFor(
    ctx,
    { question, snapshot, findings: [], pipelineReports: reports, check: (command) => validator.check(command, snapshot, { runBy: 'caller' }) },
    { json: false },
  );
  return renderAnswer(result, paint(useColor(ctx.io, ctx.globals().color)));
}
