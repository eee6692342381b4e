import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiServer, submitAnswer, type OpenAiServer } from '../support/openai-server.js';
import { ask, clientFor, loadValidator, zombieHost } from './helpers.js';
import type { Validator } from '../../src/validator/index.js';

let validator: Validator;
let server: OpenAiServer | undefined;
beforeAll(async () => {
  validator = await loadValidator();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each([false, true])('agent loop (stream: %s)', (stream) => {
  it('calls read-only tools, then finishes with submit_answer', async () => {
    server = await startOpenAiServer([
      { content: 'Looking at the parent.', toolCalls: [{ name: 'process_detail', arguments: { pid: 4700 } }] },
      { toolCalls: [{ name: 'process_tree', arguments: { pid: 4700 } }] },
      submitAnswer({
        summary: 'app (4700) does not reap worker (4711).',
        rootCause: 'The parent never calls wait().',
        evidence: ['P4711.state', 'F:zombie-unreaped#0'],
        pids: [4711, 4700],
        commands: [{ command: 'kill -s CHLD 4700', why: 'ask the parent to reap' }],
      }),
    ]);
    const { snapshot, findings } = zombieHost();
    const streamed: string[] = [];
    const result = await ask({
      question: 'why is there a zombie?',
      snapshot,
      findings,
      validator,
      client: clientFor(server.url, { stream }),
      hooks: { onText: (t) => streamed.push(t) },
    });
    expect(result.mode).toBe('llm');
    expect(result.answer.summary).toBe('app (4700) does not reap worker (4711).');
    expect(result.answer.evidence).toEqual(['P4711.state', 'F:zombie-unreaped#0']);
    expect(result.answer.commands[0]?.command).toBe('kill -s CHLD 4700');
    expect(result.answer.commands[0]?.verdict.decision).not.toBe('deny');
    expect(result.usage).toEqual({ promptTokens: 300, completionTokens: 60, llmCalls: 3 });
    expect(server.requests).toHaveLength(3);
    // The tool results went back to the model, tied to their calls.
    const last = server.requests[2]!.body.messages!;
    const toolMsgs = last.filter((m) => m.role === 'tool');
    expect(toolMsgs).toHaveLength(2);
    expect(toolMsgs[0]!.content).toContain('P4700 ');
    expect(server.requests[0]!.body.tools!.map((t) => t.function.name)).toContain('submit_answer');
    if (stream) expect(streamed.join('')).toBe('Looking at the parent.');
  });

  it('sends malformed tool arguments back to the model as a tool error', async () => {
    server = await startOpenAiServer([
      { toolCalls: [{ name: 'process_detail', arguments: '{"pid": "four thousand' }] },
      { toolCalls: [{ name: 'submit_answer', arguments: { summary: 'x' } }] },
      submitAnswer({ summary: 'fixed', evidence: ['P4700.comm'], pids: [4700] }),
    ]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'what is app?', snapshot, findings, validator, client: clientFor(server.url, { stream }) });
    expect(result.answer.summary).toBe('fixed');
    const second = server.requests[1]!.body.messages!.filter((m) => m.role === 'tool');
    expect(second[0]!.content).toMatch(/invalid arguments for process_detail: not valid JSON/);
    const third = server.requests[2]!.body.messages!.filter((m) => m.role === 'tool');
    expect(third[1]!.content).toMatch(/invalid arguments for submit_answer: .*rootCause/);
  });
});

describe('grounding', () => {
  it('drops made-up evidence and flags made-up pids', async () => {
    server = await startOpenAiServer([
      submitAnswer({
        summary: 'It is all the fault of 99999.',
        evidence: ['P4711.state', 'P99999.state', 'P4711.mood', 'CG:/made/up:memory.max', 'U:ghost.service.NRestarts', 'F:oom-kills-recorded#0'],
        pids: [4711, 99999],
      }),
    ]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'zombie?', snapshot, findings, validator, client: clientFor(server.url) });
    expect(result.answer.evidence).toEqual(['P4711.state']);
    expect(result.grounding.droppedEvidence).toEqual(['P99999.state', 'P4711.mood', 'CG:/made/up:memory.max', 'U:ghost.service.NRestarts', 'F:oom-kills-recorded#0']);
    expect(result.answer.pids).toEqual([4711]);
    expect(result.grounding.unknownPids).toEqual([99999]);
  });
});

describe('validator in the loop', () => {
  it('sends a denied command back with the reason, and accepts the safe alternative', async () => {
    server = await startOpenAiServer([
      submitAnswer({ summary: 'kill the zombie', pids: [4711], commands: [{ command: 'kill -9 4711', why: 'remove it' }] }),
      submitAnswer({ summary: 'signal the parent', pids: [4700], commands: [{ command: 'kill -s CHLD 4700', why: 'reap' }] }),
    ]);
    const { snapshot, findings } = zombieHost();
    const events: string[] = [];
    const result = await ask({ question: 'zombie?', snapshot, findings, validator, client: clientFor(server.url), onEvent: (e) => events.push(e.kind) });
    const feedback = server.requests[1]!.body.messages!.at(-1)!;
    expect(feedback.role).toBe('tool');
    expect(feedback.content).toMatch(/refused[\s\S]*kill -9 4711[\s\S]*target-zombie/);
    expect(result.answer.commands.map((c) => c.command)).toEqual(['kill -s CHLD 4700']);
    expect(events).toContain('refused');
  });

  it('shows a command still denied after two rounds as refused, with the reason', async () => {
    const deny = submitAnswer({ summary: 'kill init', pids: [1], commands: [{ command: 'kill -9 1', why: 'the process list said so' }] });
    server = await startOpenAiServer([deny, deny, deny]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'zombie?', snapshot, findings, validator, client: clientFor(server.url) });
    expect(server.requests).toHaveLength(3);
    expect(result.answer.commands).toHaveLength(1);
    expect(result.answer.commands[0]!.verdict.decision).toBe('deny');
    expect(result.answer.commands[0]!.verdict.rules.map((r) => r.id)).toContain('target-pid1');
  });
});
