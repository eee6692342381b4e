import { describe, expect, it } from 'vitest';
import { fakeHost, fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { affinityContention } from './affinity-contention.js';
import { runAnalyzer, sampled } from './testing.js';

describe('affinity-contention', () => {
  const host = fakeHost({ cpus: 4, cpusOnline: '0-3' });

  it('warns when busy processes share a pinned CPU while others are free', () => {
    const s = fakeSnapshot({ host, processes: [fakeProcess({ pid: 30, cpusAllowed: '0', cpu: sampled(50) }), fakeProcess({ pid: 31, cpusAllowed: '0', cpu: sampled(49) })] });
    const [f] = runAnalyzer(affinityContention, s);
    expect(f).toMatchObject({ code: 'affinity-contention', severity: 'warning', pids: [30, 31] });
    expect(f?.remediation[0]?.command).toBe('taskset -a -p -c 0-3 31');
  });

  it('ignores unpinned busy processes and one pinned process per CPU', () => {
    const s = fakeSnapshot({
      host,
      processes: [
        fakeProcess({ pid: 32, cpusAllowed: '0-3', cpu: sampled(100) }),
        fakeProcess({ pid: 33, cpusAllowed: '0-3', cpu: sampled(100) }),
        fakeProcess({ pid: 34, cpusAllowed: '1', cpu: sampled(100) }),
      ],
    });
    expect(runAnalyzer(affinityContention, s)).toEqual([]);
  });
});
