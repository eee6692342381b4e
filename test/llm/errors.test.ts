import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Validator } from '../../src/validator/index.js';
import { closedPort, startOpenAiServer, submitAnswer, type OpenAiServer } from '../support/openai-server.js';
import { ask, clientFor, fakeSleep, loadValidator, zombieHost } from './helpers.js';

let validator: Validator;
let server: OpenAiServer | undefined;
beforeAll(async () => {
  validator = await loadValidator();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function expectOfflineFallback(result: Awaited<ReturnType<typeof ask>>, pattern: RegExp): void {
  expect(result.mode).toBe('offline');
  expect(result.notice).toMatch(pattern);
  expect(result.notice).toMatch(/Answering offline\.$/);
  expect(result.notice).not.toContain('\n');
  expect(result.notice).not.toMatch(/at .*\.js:\d+/);
  // The offline answer is still an answer about the zombie.
  expect(result.answer.summary).toMatch(/zombie/);
  expect(result.answer.pids).toContain(4711);
}

describe('LLM failures fall back to the offline answer with one line', () => {
  it('401: says the credentials were refused and what to set', async () => {
    server = await startOpenAiServer([{ status: 401, error: 'Incorrect API key provided' }]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url) });
    expectOfflineFallback(result, /refused the credentials \(HTTP 401\).*OPENAI_API_KEY/);
    expect(server.requests).toHaveLength(1);
  });

  it('429: retries with backoff, then succeeds', async () => {
    server = await startOpenAiServer([{ status: 429, headers: { 'retry-after': '2' } }, { status: 429 }, submitAnswer({ summary: 'after retries', pids: [4711] })]);
    const { snapshot, findings } = zombieHost();
    const sleep = fakeSleep();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url, { sleep: sleep.sleep }) });
    expect(result.mode).toBe('llm');
    expect(result.answer.summary).toBe('after retries');
    expect(sleep.delays).toEqual([2000, 1000]);
    expect(server.requests).toHaveLength(3);
  });

  it('429 that never ends: bounded retries, then offline', async () => {
    server = await startOpenAiServer(Array.from({ length: 10 }, () => ({ status: 429 })));
    const { snapshot, findings } = zombieHost();
    const sleep = fakeSleep();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url, { sleep: sleep.sleep, settings: { maxRetries: 2 } }) });
    expectOfflineFallback(result, /rate-limiting \(HTTP 429\) after 2 retries/);
    expect(server.requests).toHaveLength(3);
  });

  it('500: retried, then offline', async () => {
    server = await startOpenAiServer([{ status: 500 }, { status: 502 }, { status: 503 }, { status: 500 }]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url) });
    expectOfflineFallback(result, /failed \(HTTP 500\) after 3 retries/);
    expect(server.requests).toHaveLength(4);
  });

  it('a server that never answers: times out, then offline', async () => {
    server = await startOpenAiServer([{ hang: true }]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url, { settings: { timeoutMs: 400 } }) });
    expectOfflineFallback(result, /did not answer within 0\.4s/);
    expect(server.requests).toHaveLength(1);
  });

  it('a stream that stalls halfway: times out, then offline', async () => {
    server = await startOpenAiServer([{ stallStream: 'Let me look' }]);
    const { snapshot, findings } = zombieHost();
    const streamed: string[] = [];
    const result = await ask({
      question: 'are there zombies?',
      snapshot,
      findings,
      validator,
      client: clientFor(server.url, { stream: true, settings: { timeoutMs: 400 } }),
      hooks: { onText: (t) => streamed.push(t) },
    });
    expect(streamed.join('')).toBe('Let me look');
    expectOfflineFallback(result, /did not answer within 0\.4s/);
  });

  it('unreachable: says so and where to point', async () => {
    const port = await closedPort();
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(`http://127.0.0.1:${port}/v1`) });
    expectOfflineFallback(result, /unreachable.*OPENAI_BASE_URL/);
  });

  it('a response that is not JSON: says the server is not OpenAI-compatible', async () => {
    server = await startOpenAiServer([{ raw: '<html>proxy error</html>', contentType: 'application/json' }]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url) });
    expectOfflineFallback(result, /could not read|Chat Completions/);
  });

  it('404 model not found: names the model setting', async () => {
    server = await startOpenAiServer([{ status: 404, error: 'model "nope" not found' }]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url) });
    expectOfflineFallback(result, /refused the request \(HTTP 404.*PROCDOC_MODEL/);
    // The status once, then the server's words.
    expect(result.notice).toMatch(/\(HTTP 404: model "nope" not found\)/);
  });

  it('no LLM configured: says what to set', async () => {
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: null });
    expectOfflineFallback(result, /No LLM is configured.*OPENAI_BASE_URL.*OPENAI_API_KEY/);
  });

  it('a model that never calls submit_answer: bounded turns, then offline', async () => {
    server = await startOpenAiServer(Array.from({ length: 10 }, () => ({ toolCalls: [{ name: 'find_processes', arguments: {} }] })));
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url), limits: { maxSteps: 3 } });
    expectOfflineFallback(result, /no usable answer in 3 calls \(limits: 3 turns, \d+ tokens\)\./);
    expect(server.requests).toHaveLength(3);
    expect(result.usage.llmCalls).toBe(3);
  });

  it('a model that only writes text: the message says so, not just that turns ran out', async () => {
    server = await startOpenAiServer([{ content: 'There are zombies.' }, { content: 'Really, zombies.' }]);
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url) });
    expectOfflineFallback(result, /no usable answer in 2 calls .*; its last reply replied in plain text instead of calling submit_answer/);
  });

  it('an answer that breaks a limit of submit_answer: the message names what was wrong with it', async () => {
    const tooMany = submitAnswer({ summary: 'zombies', commands: Array.from({ length: 11 }, (_, i) => ({ command: `kill -s CHLD ${100 + i}`, why: 'reap' })) });
    server = await startOpenAiServer(Array.from({ length: 3 }, () => tooMany));
    const { snapshot, findings } = zombieHost();
    const result = await ask({ question: 'are there zombies?', snapshot, findings, validator, client: clientFor(server.url), limits: { maxSteps: 3 } });
    expectOfflineFallback(result, /its last reply called submit_answer with arguments procdoc could not take \(.*commands.*\)/);
  });
});

