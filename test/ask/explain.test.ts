import { afterEach, describe, expect, it } from 'vitest';
import { AskResultSchema } from '../../src/llm/answer.js';
import { startStopped, startZombie, startProcess, stalledYesSleep, stopAll } from '../support/procs.js';
import { startOpenAiServer, submitAnswer, type OpenAiServer } from '../support/openai-server.js';
import { runCli } from './cli.js';

let server: OpenAiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await stopAll();
});

describe('diagnose --explain', () => {
  it('hands the findings to the LLM and adds its answer under "explanation" in JSON', async () => {
    const z = await startZombie();
    // A model that insists on killing the zombie: the loop sends the refusal back twice.
    const insist = submitAnswer({
      summary: `The parent ${z.parentPid} does not reap its child.`,
      rootCause: 'missing SIGCHLD handling',
      evidence: ['F:zombie-unreaped#0'],
      pids: [z.parentPid],
      commands: [{ command: `kill -9 ${z.zombiePid}`, why: 'remove the zombie' }],
    });
    server = await startOpenAiServer([insist, insist, insist]);
    const run = await runCli(['diagnose', '--pid', String(z.parentPid), '--json', '--explain'], { OPENAI_BASE_URL: server.url });
    expect([1, 2]).toContain(run.code);
    const json = JSON.parse(run.stdout) as { findings: { code: string }[]; explanation: unknown };
    expect(json.findings.map((f) => f.code)).toContain('zombie-unreaped');
    const explanation = AskResultSchema.parse(json.explanation);
    expect(explanation.mode).toBe('llm');
    expect(explanation.answer.summary).toContain(String(z.parentPid));
    // A zombie cannot be killed: the validator refuses what the model proposed.
    expect(explanation.answer.commands.find((c) => c.command === `kill -9 ${z.zombiePid}`)?.verdict.decision).toBe('deny');
    const sent = JSON.stringify(server.requests[0]!.body.messages);
    expect(sent).toContain('zombie-unreaped');
  });

  it('answers offline, in text after the findings, when no LLM is configured', async () => {
    const p = await startStopped();
    const run = await runCli(['--no-color', 'diagnose', '--pid', String(p.pid), '--explain']);
    expect(run.stdout).toMatch(/stopped/i);
    const explanation = run.stdout.slice(run.stdout.indexOf('Explanation'));
    expect(explanation.length).toBeGreaterThan('Explanation'.length + 20);
    expect(explanation).toContain(String(p.pid));
    expect(run.stderr).toMatch(/no LLM|not configured|offline/i);
  });
});

describe('pipeline --explain', () => {
  it('explains a stalled pipeline through the LLM, with the pipeline verdict in the context', async () => {
    const job = await startProcess('yes | sleep 600');
    await stalledYesSleep(job);
    server = await startOpenAiServer([submitAnswer({ summary: 'sleep never reads its stdin, so yes blocks on a full pipe.' })]);
    const run = await runCli(['--no-color', 'pipeline', String(job.pid), '--explain'], { OPENAI_BASE_URL: server.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('consumer-not-reading');
    expect(run.stdout).toContain('sleep never reads its stdin');
    expect(JSON.stringify(server.requests[0]!.body.messages)).toContain('consumer-not-reading');
  });
});
