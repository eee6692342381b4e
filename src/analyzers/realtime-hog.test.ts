import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { realtimeHog } from './realtime-hog.js';
import { runAnalyzer, sampled } from './testing.js';

describe('realtime-hog', () => {
  it('is critical for a SCHED_FIFO busy loop and moves it back to SCHED_OTHER', () => {
    const p = fakeProcess({ pid: 20, policy: 'SCHED_FIFO', rtPriority: 10, cpu: sampled(97) });
    const [f] = runAnalyzer(realtimeHog, fakeSnapshot({ processes: [p] }));
    expect(f).toMatchObject({ code: 'realtime-hog', severity: 'critical', culpritPid: 20 });
    expect(f?.remediation[0]?.command).toBe('chrt --other -p 0 20');
  });

  it('ignores idle realtime kernel threads and normal processes', () => {
    const s = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 21, policy: 'SCHED_FIFO', kernelThread: true, comm: 'migration/0', cpu: sampled(0) }),
        fakeProcess({ pid: 22, policy: 'SCHED_RR', cpu: sampled(2) }),
        fakeProcess({ pid: 23, cpu: sampled(99) }),
      ],
    });
    expect(runAnalyzer(realtimeHog, s)).toEqual([]);
  });
});
