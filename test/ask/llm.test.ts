import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, startOpenAiServer, submitAnswer, type OpenAiServer } from '../support/openai-server.js';
import { AskResultSchema } from '../../src/llm/answer.js';
import { askJson, runCli } from './cli.js';

let server: OpenAiServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configHome(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'procdoc-ask-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'procdoc', name, '..'), { recursive: true });
    writeFileSync(join(dir, 'procdoc', name), text);
  }
  return dir;
}

describe('procdoc ask with an LLM', () => {
  it('JSON per the contract, settings from the environment, the key sent as a bearer token', async () => {
    server = await startOpenAiServer([
      { toolCalls: [{ name: 'find_processes', arguments: { sort: 'rss', limit: 3 } }] },
      submitAnswer({ summary: 'PID 1 is init.', rootCause: 'none', evidence: ['P1.comm', 'H.loadavg'], pids: [1], commands: [{ command: 'ps -p 1 -o pid,comm', why: 'look' }] }),
    ]);
    const r = await askJson(['what is pid 1?'], { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test-key-for-the-fake-server', PROCDOC_MODEL: 'my-model' });
    expect(r).toMatchObject({ schemaVersion: 1, mode: 'llm', question: 'what is pid 1?', usage: { llmCalls: 2, promptTokens: 200, completionTokens: 40 } });
    expect(r.answer).toMatchObject({ summary: 'PID 1 is init.', evidence: ['P1.comm', 'H.loadavg'], pids: [1] });
    expect(r.answer.commands[0]).toMatchObject({ command: 'ps -p 1 -o pid,comm', verdict: { decision: 'allow' } });
    expect(server.requests[0]!.body.model).toBe('my-model');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test-key-for-the-fake-server');
  });

  it('the built CLI, with the openai client bundled, asks a real server and answers per the contract', async () => {
    server = await startOpenAiServer([
      { toolCalls: [{ name: 'find_processes', arguments: { sort: 'rss', limit: 3 } }] },
      submitAnswer({ summary: 'PID 1 is init.', evidence: ['P1.comm'], pids: [1], commands: [{ command: 'ps -p 1 -o pid,comm', why: 'look' }] }),
    ]);
    const cli = join(import.meta.dirname, '../../bin/procdoc.js');
    const env = { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-bundle-test', XDG_CONFIG_HOME: '/nonexistent-config' };
    const child = spawn(process.execPath, [cli, 'ask', '--json', 'what is pid 1?'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const r = AskResultSchema.parse(JSON.parse(stdout));
    expect(r).toMatchObject({ mode: 'llm', usage: { llmCalls: 2 } });
    expect(r.answer.commands[0]).toMatchObject({ command: 'ps -p 1 -o pid,comm', verdict: { decision: 'allow' } });
    expect(server.requests[1]!.body.messages!.some((m) => m.role === 'tool')).toBe(true);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-bundle-test');
  }, 30_000);

  it('a server that needs no key works without one', async () => {
    server = await startOpenAiServer([submitAnswer({ summary: 'ok' })]);
    const r = await askJson(['what is wrong?'], { OPENAI_BASE_URL: server.url });
    expect(r.mode).toBe('llm');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer procdoc-no-key');
  });

  it('settings and prompt overrides from the XDG config directory', async () => {
    server = await startOpenAiServer([submitAnswer({ summary: 'from config' })]);
    const home = configHome({
      'config.json': JSON.stringify({ baseUrl: server.url, model: 'config-model' }),
      'prompts/system.md': '<!-- my override -->\nYou are a very terse assistant. OVERRIDE-MARKER.',
    });
    const r = await askJson(['what is wrong?'], { XDG_CONFIG_HOME: home });
    expect(r.answer.summary).toBe('from config');
    expect(server.requests[0]!.body.model).toBe('config-model');
    const system = server.requests[0]!.body.messages![0]!.content ?? '';
    expect(system).toMatch(/^You are a very terse assistant\. OVERRIDE-MARKER\./);
    expect(system).not.toContain('my override');
    // The other prompts still come from the package.
    expect(system).toContain('Remediation rules:');
  });

  it('a broken config file is a usage error that says what is wrong', async () => {
    const home = configHome({ 'config.json': JSON.stringify({ baseUrl: 'not a url', temperature: 2 }) });
    const run = await runCli(['ask', 'what is wrong?'], { XDG_CONFIG_HOME: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/config\.json is not a valid procdoc config: .*baseUrl/);
  });

  it('--offline never calls the server even when one is configured', async () => {
    server = await startOpenAiServer([]);
    const r = await askJson(['--offline', 'are there zombies?'], { OPENAI_BASE_URL: server.url });
    expect(r.mode).toBe('offline');
    expect(server.requests).toHaveLength(0);
  });

  it('text mode: one line on stderr when the server refuses, then the offline answer, and exit status 4', async () => {
    server = await startOpenAiServer([{ status: 401 }]);
    const run = await runCli(['ask', 'is it safe to kill 1?'], { OPENAI_BASE_URL: server.url });
    expect(run.code).toBe(4);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^procdoc: The LLM server .* refused the credentials \(HTTP 401\)\. Set a valid OPENAI_API_KEY.*Answering offline\./);
    expect(run.stdout).toMatch(/REFUSED kill 1/);
  });

  it('an unreachable server: the offline answer as JSON on stdout, the reason on stderr, exit status 4', async () => {
    const port = await closedPort();
    const run = await runCli(['ask', '--json', 'is it safe to kill 1?'], { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    expect(run.code).toBe(4);
    const result = AskResultSchema.parse(JSON.parse(run.stdout));
    expect(result.mode).toBe('offline');
    expect(result.answer.commands.map((c) => [c.command, c.verdict.decision])).toEqual([['kill 1', 'deny']]);
    expect(run.stderr).toMatch(/^procdoc: The LLM server http:\/\/127\.0\.0\.1:\d+\/v1 is unreachable .*Answering offline\.\n$/);
  });

  it('no LLM configured: the offline answer is the answer asked for, exit status 0', async () => {
    const run = await runCli(['ask', '--json', 'is it safe to kill 1?']);
    expect(run.code).toBe(0);
    expect(AskResultSchema.parse(JSON.parse(run.stdout)).mode).toBe('offline');
  });

  it('on a terminal: streams the model text and tool steps to stderr, the answer and usage to stdout', async () => {
    server = await startOpenAiServer([
      { content: 'Checking init first.', toolCalls: [{ name: 'process_detail', arguments: { pid: 1 } }] },
      submitAnswer({ summary: 'Init is fine.', evidence: ['P1.state'], pids: [1] }),
    ]);
    const run = await runCli(['--no-color', 'ask', 'is init ok?'], { OPENAI_BASE_URL: server.url }, { tty: true });
    expect(run.code).toBe(0);
    expect(server.requests[0]!.body.stream).toBe(true);
    expect(run.stderr).toContain('Checking init first.');
    expect(run.stderr).toContain('→ process_detail({"pid":1})');
    expect(run.stdout).toMatch(/^Init is fine\./);
    expect(run.stdout).toMatch(/\(LLM: 2 calls, 200 prompt \+ 40 completion tokens\)/);
  });
});

