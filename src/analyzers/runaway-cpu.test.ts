import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { runawayCpu } from './runaway-cpu.js';
import { runAnalyzer, sampled } from './testing.js';

describe('runaway-cpu', () => {
  it('warns about a process spinning a CPU with a long CPU history', () => {
    const p = fakeProcess({ pid: 10, comm: 'spin', utime: 6000, stime: 0, cpu: sampled(99) });
    const [f] = runAnalyzer(runawayCpu, fakeSnapshot({ processes: [p] }));
    expect(f).toMatchObject({ code: 'runaway-cpu', severity: 'warning', culpritPid: 10 });
    expect(f?.remediation[0]?.command).toBe('renice -n 10 -p 10');
  });

  it('calls a short burst (a build step) information only', () => {
    const p = fakeProcess({ pid: 11, comm: 'tsc', utime: 200, cpu: sampled(100) });
    expect(runAnalyzer(runawayCpu, fakeSnapshot({ processes: [p] }))[0]?.severity).toBe('info');
  });

  it('judges against the cgroup quota when there is one', () => {
    const p = fakeProcess({ pid: 12, utime: 9000, cpu: sampled(20, true, 100) });
    const [f] = runAnalyzer(runawayCpu, fakeSnapshot({ processes: [p] }));
    expect(f?.title).toMatch(/100% of its cgroup quota/);
  });

  it('ignores idle processes, realtime ones and procdoc itself', () => {
    const s = fakeSnapshot({
      processes: [fakeProcess({ pid: 13, cpu: sampled(1) }), fakeProcess({ pid: 14, policy: 'SCHED_FIFO', utime: 9000, cpu: sampled(99) }), fakeProcess({ pid: 99999, utime: 9000, cpu: sampled(99) })],
    });
    expect(runAnalyzer(runawayCpu, s)).toEqual([]);
  });
});
