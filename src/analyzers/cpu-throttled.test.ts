import { describe, expect, it } from 'vitest';
import { fakeCgroup, fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { cpuThrottled } from './cpu-throttled.js';
import { runAnalyzer } from './testing.js';

const cpu = (over: object) => ({ quotaUs: 400000, periodUs: 100000, weight: null, shares: null, usageUs: null, nrPeriods: 1000, nrThrottled: 10, throttledUs: 0, sample: null, ...over });

describe('cpu-throttled', () => {
  it('shows CPU against the quota: 400% of host is 100% of a 4-CPU quota', () => {
    const cg = fakeCgroup({ path: '/system.slice/batch.service', cpu: cpu({ sample: { percent: 400, quotaPercent: 100, throttledPeriods: 8, periods: 10, throttledUs: 5000 } }) });
    const p = fakeProcess({ pid: 40, cgroup: { v2: '/system.slice/batch.service', v1: {} } });
    const s = fakeSnapshot({ processes: [p], cgroups: [fakeCgroup({ path: '/' }), cg], units: [fakeUnit({ name: 'batch.service' })] });
    const [f] = runAnalyzer(cpuThrottled, s);
    expect(f).toMatchObject({ code: 'cpu-throttled', severity: 'warning', units: ['batch.service'], pids: [40] });
    expect(f?.summary).toMatch(/400% of one host CPU, which is 100% of its 4-CPU quota/);
    expect(f?.evidence[0]).toEqual({ source: '/sys/fs/cgroup/system.slice/batch.service/cpu.max', field: 'cpu.max', value: '400000 100000' });
    expect(f?.remediation[0]?.command).toBe('systemctl set-property batch.service CPUQuota=800%');
  });

  it('says nothing when the quota was not hit during the sample, and only informs from history', () => {
    const quiet = fakeCgroup({ path: '/a', cpu: cpu({ sample: { percent: 10, quotaPercent: 2.5, throttledPeriods: 0, periods: 10, throttledUs: 0 } }) });
    const history = fakeCgroup({ path: '/b', cpu: cpu({ nrPeriods: 100, nrThrottled: 90 }) });
    const findings = runAnalyzer(cpuThrottled, fakeSnapshot({ cgroups: [quiet, history] }));
    expect(findings.map((f) => [f.cgroups[0], f.severity])).toEqual([['/b', 'info']]);
  });
});
