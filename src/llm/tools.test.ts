import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createAnonymizer, noAnonymizer } from '../context/anonymize.js';
import { indexSnapshot } from '../snapshot/query.js';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import type { Verdict } from '../validator/verdict.js';
import { parseArguments, runTool, toolSpecs, type ToolEnv } from './tools.js';

const snapshot = fakeSnapshot({
  processes: [
    fakeProcess({ pid: 20, comm: 'python3', uid: 1000, user: 'dana', argv: ['python3', '/home/dana/x.py', '--api-key', 'k-123-secret'], cpu: { percent: 90, quotaPercent: null, progressed: true, ioDelta: null } }),
    fakeProcess({ pid: 21, comm: 'python3', argv: ['python3', 'idle.py'], cpu: { percent: 1, quotaPercent: null, progressed: false, ioDelta: null } }),
  ],
});
const deny = (command: string): Verdict => ({ command, decision: 'deny', rules: [{ id: 'target-pid1', decision: 'deny', message: 'PID 1 is init' }], alternatives: ['systemctl status'], targets: [] });
const env: ToolEnv = { index: indexSnapshot(snapshot), findings: [], pipelineReports: [], check: deny };

describe('read-only tools', () => {
  it('every tool has a JSON Schema object for its arguments, and submit_answer is last', () => {
    const specs = toolSpecs();
    for (const s of specs) expect(s.parameters).toMatchObject({ type: 'object' });
    expect(specs.at(-1)!.name).toBe('submit_answer');
    expect(specs.map((s) => s.name)).toEqual(['find_processes', 'process_detail', 'process_tree', 'pipeline', 'cgroup', 'unit', 'memory_mappings', 'check_command', 'submit_answer']);
  });

  it('find_processes filters by name and CPU, wrapped as untrusted and redacted', () => {
    const out = runTool('find_processes', '{"name":"python","minCpuPercent":50}', env, noAnonymizer);
    expect(out.ok).toBe(true);
    expect(out.forModel).toMatch(/^<untrusted-data>\n1 match/);
    expect(out.forModel).toContain('P20 ');
    expect(out.forModel).not.toContain('P21 ');
    expect(out.forModel).not.toContain('k-123-secret');
  });

  it('a PID that does not exist says so instead of guessing', () => {
    expect(runTool('process_detail', '{"pid":424242}', env, noAnonymizer).forModel).toMatch(/PID 424242 is not in the snapshot/);
  });

  it('unknown tools and bad arguments are errors returned to the model', () => {
    expect(runTool('rm_rf', '{}', env, noAnonymizer)).toMatchObject({ ok: false, forModel: expect.stringMatching(/there is no tool "rm_rf"/) as unknown });
    expect(runTool('process_detail', '{"pid":"x"}', env, noAnonymizer)).toMatchObject({ ok: false, forModel: expect.stringMatching(/invalid arguments for process_detail: pid/) as unknown });
  });

  it('check_command returns the verdict, rules and alternatives; nothing runs', () => {
    const out = runTool('check_command', '{"command":"kill -9 1"}', env, noAnonymizer);
    expect(out.forModel).toMatch(/decision=deny[\s\S]*target-pid1[\s\S]*alternatives: systemctl status/);
  });

  it('tool output is anonymized and placeholders in arguments are mapped back', () => {
    const anon = createAnonymizer(snapshot);
    const out = runTool('find_processes', '{"user":"user_1"}', env, anon);
    expect(out.forModel).toContain('P20 ');
    expect(out.forModel).not.toContain('dana');
    expect(parseArguments('{"a":"user_1"}', z.object({ a: z.string() }), anon)).toEqual({ ok: true, value: { a: 'dana' } });
  });
});
