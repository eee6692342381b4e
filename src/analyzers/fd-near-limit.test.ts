import { describe, expect, it } from 'vitest';
import type { Deep } from '../snapshot/schema.js';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { fdNearLimit } from './fd-near-limit.js';
import { runAnalyzer } from './testing.js';

const deep = (fdCount: number, soft: number | null, hard: number | null): Deep => ({
  fds: null, fdCount, smapsRollup: null, stack: null, io: null, limits: { nofile: { soft, hard } }, pidNs: null,
});

describe('fd-near-limit', () => {
  it('warns near RLIMIT_NOFILE and raises the soft limit to the hard one', () => {
    const [f] = runAnalyzer(fdNearLimit, fakeSnapshot({ processes: [fakeProcess({ pid: 90, deep: deep(900, 1024, 4096) })] }));
    expect(f).toMatchObject({ code: 'fd-near-limit', severity: 'warning', culpritPid: 90 });
    expect(f?.remediation[0]?.command).toBe('prlimit --pid 90 --nofile=4096:4096');
  });

  it('is critical at the limit', () => {
    expect(runAnalyzer(fdNearLimit, fakeSnapshot({ processes: [fakeProcess({ pid: 91, deep: deep(32, 32, 32) })] }))[0]?.severity).toBe('critical');
  });

  it('ignores processes far from the limit, unlimited ones and those without the deep tier', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 92, deep: deep(100, 1024, 4096) }), fakeProcess({ pid: 93, deep: deep(5000, null, null) }), fakeProcess({ pid: 94 })] });
    expect(runAnalyzer(fdNearLimit, s)).toEqual([]);
  });
});
