import { describe, expect, it } from 'vitest';
import { paint } from '../cli/io.js';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import type { Verdict } from '../validator/verdict.js';
import { hit } from '../validator/verdict.js';
import { analyze, diagnose } from './diagnose.js';
import { ANALYZERS } from './registry.js';
import { DiagnoseJsonSchema } from './contract.js';
import { renderDiagnoseText, toDiagnoseJson } from './report.js';
import { parseThresholdOverrides } from './thresholds.js';
import { sampled } from './testing.js';
import { FindingCodeSchema } from './finding.js';

const validator = {
  check(command: string): Verdict {
    const deny = command.includes('KILL');
    return { command, decision: deny ? 'deny' : 'allow', rules: deny ? [hit('sigkill-before-sigterm', 'try TERM first')] : [], alternatives: [], targets: [] };
  },
};

// A zombie under 100 (warning), a stopped daemon 300 (warning), a realtime hog 400 (critical),
// an idle shell 500 (nothing) and a process ignoring SIGTERM 600 (info).
const snapshot = fakeSnapshot({
  processes: [
    fakeProcess({ pid: 100, comm: 'pool' }),
    fakeProcess({ pid: 101, ppid: 100, pgid: 100, state: 'Z', argv: [], cpu: sampled(0, false) }),
    fakeProcess({ pid: 300, state: 'T', comm: 'rsync' }),
    fakeProcess({ pid: 400, policy: 'SCHED_FIFO', rtPriority: 10, cpu: sampled(99) }),
    fakeProcess({ pid: 500, comm: 'bash', ttyNr: 34816 }),
    fakeProcess({ pid: 600, comm: 'obstinate', signals: { pending: [], shdPending: [], blocked: [], ignored: ['SIGTERM'], caught: [] } }),
  ],
});

describe('diagnose', () => {
  it('has an analyzer for every finding code of DESIGN.md', () => {
    expect(Object.keys(ANALYZERS).sort()).toEqual([...FindingCodeSchema.options].sort());
  });

  it('sorts findings by severity and attaches the validator verdict to every command', () => {
    const findings = diagnose(snapshot, { validator });
    expect(findings.map((f) => [f.severity, f.code])).toEqual([
      ['critical', 'realtime-hog'],
      ['warning', 'zombie-unreaped'],
      ['warning', 'stopped-process'],
      ['info', 'sigterm-ignored'],
    ]);
    const kill = findings.flatMap((f) => f.remediation).find((r) => r.command === 'kill -s KILL 600');
    expect(kill?.verdict).toEqual({ decision: 'deny', rules: [{ id: 'sigkill-before-sigterm', decision: 'confirm', message: 'try TERM first' }] });
    expect(findings.every((f) => f.remediation.every((r) => r.verdict.decision === (r.command.includes('KILL') ? 'deny' : 'allow')))).toBe(true);
  });

  it('focuses on a process, its subtree, group and parent', () => {
    expect(analyze(snapshot, { focusPid: 101 }).map((f) => f.code)).toEqual(['zombie-unreaped']);
    expect(analyze(snapshot, { focusPid: 500 })).toEqual([]);
  });

  it('judges a validator failure as deny rather than safe', () => {
    const broken = { check: (): Verdict => { throw new Error('boom'); } };
    const [f] = diagnose(snapshot, { validator: broken, focusPid: 300 });
    expect(f?.remediation[0]?.verdict.decision).toBe('deny');
  });

  it('writes JSON exactly per the contract and short text without colour', () => {
    const findings = diagnose(snapshot, { validator });
    const json = toDiagnoseJson(snapshot, findings);
    expect(DiagnoseJsonSchema.parse(json)).toEqual(json);
    expect(json.host).toEqual({ hostname: 'testhost', kernel: '6.1.0-test', cgroupMode: 'v2', root: true });
    const text = renderDiagnoseText(snapshot, findings, paint(false));
    expect(text).not.toContain('\u001b[');
    expect(text.split('\n')[0]).toBe('testhost: 1 critical, 2 warning, 1 info (7 processes checked)');
    expect(text.indexOf('CRITICAL')).toBeLessThan(text.indexOf('WARNING'));
    expect(renderDiagnoseText(fakeSnapshot(), [], paint(false))).toMatch(/^OK testhost: nothing wrong found/);
  });

  it('takes threshold overrides and rejects unknown or non-numeric ones with a hint', () => {
    expect(parseThresholdOverrides(['runawayMinCpuSeconds=1'])).toEqual({ runawayMinCpuSeconds: 1 });
    expect(() => parseThresholdOverrides(['nope=1'])).toThrow(/Unknown threshold/);
    expect(() => parseThresholdOverrides(['memoryNearRatio=lots'])).toThrow(/needs a number/);
    expect(() => parseThresholdOverrides(['memoryNearRatio=3'])).toThrow(/Invalid threshold/);
  });
});

describe('diagnose --pid focus and shared cgroups', () => {
  // 700 and 800 share a v1 memory cgroup (as every process of a login session may);
  // 800 is a realtime hog, which is about 800 alone, not about its cgroup.
  const shared = { v2: '/', v1: { memory: '/session' } };
  const s = fakeSnapshot({
    processes: [
      fakeProcess({ pid: 700, comm: 'backup', state: 'T', cgroup: shared }),
      fakeProcess({ pid: 800, comm: 'spin', policy: 'SCHED_FIFO', rtPriority: 10, cpu: sampled(99), cgroup: shared }),
    ],
  });

  it('does not pull in a process finding through a cgroup the two merely share', () => {
    expect(analyze(s, { focusPid: 700 }).map((f) => f.code)).toEqual(['stopped-process']);
    expect(analyze(s, { focusPid: 800 }).map((f) => f.code)).toEqual(['realtime-hog']);
  });
});
