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

  it('held by its quota short of a host CPU: offers neither renice nor a CPU cap (which could raise a smaller quota), only ending or restarting it', () => {
    const alone = fakeProcess({ pid: 15, comm: 'spin', utime: 9000, cpu: sampled(20, true, 100) });
    const [f] = runAnalyzer(runawayCpu, fakeSnapshot({ processes: [alone] }));
    expect(f?.remediation.map((r) => r.command)).toEqual(['kill -s TERM 15']);
    expect(f?.summary).toContain('already holds it there, so it takes no more CPU than that from the rest of the host');
    const service = fakeProcess({ pid: 16, comm: 'spin', utime: 9000, cpu: sampled(20, true, 100), owner: { ...alone.owner, unit: { name: 'spin.service', manager: 'system', userUid: null, slice: null } } });
    expect(runAnalyzer(runawayCpu, fakeSnapshot({ processes: [service] }))[0]?.remediation.map((r) => r.command)).toEqual(['systemctl restart spin.service']);
    // Spinning a whole host CPU, within a larger quota: the cap and renice still apply.
    const wide = fakeProcess({ pid: 17, comm: 'spin', utime: 9000, cpu: sampled(99, true, 95) });
    expect(runAnalyzer(runawayCpu, fakeSnapshot({ processes: [wide] }))[0]?.remediation.map((r) => r.command)).toEqual(['renice -n 10 -p 17', 'kill -s TERM 17']);
  });

  it('ignores idle processes, realtime ones and procdoc itself', () => {
    const s = fakeSnapshot({
      processes: [fakeProcess({ pid: 13, cpu: sampled(1) }), fakeProcess({ pid: 14, policy: 'SCHED_FIFO', utime: 9000, cpu: sampled(99) }), fakeProcess({ pid: 99999, utime: 9000, cpu: sampled(99) })],
    });
    expect(runAnalyzer(runawayCpu, s)).toEqual([]);
  });
});
