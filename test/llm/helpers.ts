import type { Finding } from '../../src/analyzers/finding.js';
import { createOpenAiClient, type ChatClient } from '../../src/llm/client.js';
import { explain, type ExplainInput } from '../../src/llm/explain.js';
import { loadPrompts } from '../../src/llm/prompts.js';
import { resolveLlmSettings, type LlmSettings } from '../../src/llm/settings.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { fakeProcess, fakeSnapshot } from '../../src/snapshot/testing.js';
import { loadValidator, type Validator } from '../../src/validator/index.js';
import type { AskResult } from '../../src/llm/answer.js';

export function settingsFor(url: string, overrides: Partial<LlmSettings> = {}): LlmSettings {
  return { ...resolveLlmSettings({ flags: { baseUrl: url, model: 'test-model' }, env: {}, file: null }), ...overrides };
}

/** Records the backoff delays instead of sleeping them. */
export function fakeSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => { delays.push(ms); return Promise.resolve(); } };
}

export function clientFor(url: string, opts: { stream?: boolean; settings?: Partial<LlmSettings>; sleep?: (ms: number) => Promise<void> } = {}): ChatClient {
  return createOpenAiClient(settingsFor(url, opts.settings), { sleep: opts.sleep ?? (() => Promise.resolve()), stream: opts.stream ?? false });
}

/** A small host: an app service whose worker is a zombie. */
export function zombieHost(): { snapshot: Snapshot; findings: Finding[] } {
  const snapshot = fakeSnapshot({
    processes: [
      fakeProcess({ pid: 4700, comm: 'app', argv: ['/usr/bin/app', '--workers', '2'] }),
      fakeProcess({ pid: 4711, ppid: 4700, comm: 'worker', state: 'Z', argv: [] }),
    ],
  });
  const findings: Finding[] = [
    {
      code: 'zombie-unreaped',
      severity: 'critical',
      title: 'Zombie child of app (4700)',
      summary: 'app (4700) does not reap its exited child worker (4711).',
      pids: [4711],
      culpritPid: 4700,
      units: [],
      cgroups: [],
      evidence: [{ source: '/proc/4711/stat', field: 'state', value: 'Z' }],
      remediation: [{ command: 'kill -s CHLD 4700', why: 'ask the parent to reap', verdict: { decision: 'confirm', rules: [] } }],
    },
  ];
  return { snapshot, findings };
}

export async function ask(
  input: Omit<ExplainInput, 'prompts' | 'check'> & { validator: Validator },
): Promise<AskResult> {
  const { validator, ...rest } = input;
  return explain({ ...rest, prompts: await loadPrompts({}), check: (command) => validator.check(command, input.snapshot) });
}

export { loadValidator };
