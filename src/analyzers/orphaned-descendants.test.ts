import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { orphanedDescendants } from './orphaned-descendants.js';
import { runAnalyzer } from './testing.js';

describe('orphaned-descendants', () => {
  it('reports what is left of a dead group, adopted by init, and signals the group', () => {
    const s = fakeSnapshot({
      processes: [fakeProcess({ pid: 501, ppid: 1, pgid: 500, sid: 500, comm: 'sleep' }), fakeProcess({ pid: 502, ppid: 1, pgid: 500, sid: 500, comm: 'cat' })],
    });
    const [f] = runAnalyzer(orphanedDescendants, s);
    expect(f).toMatchObject({ code: 'orphaned-descendants', severity: 'warning', pids: [501, 502] });
    expect(f?.remediation[0]?.command).toBe('kill -s TERM -- -500');
  });

  it('leaves a lone double-forked daemon alone', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 601, ppid: 1, pgid: 600, sid: 600, comm: 'daemon' })] });
    expect(runAnalyzer(orphanedDescendants, s)).toEqual([]);
  });

  it('leaves unit-managed processes and living groups alone', () => {
    const unit = { unit: { name: 'x.service', manager: 'system' as const, userUid: null, slice: null }, container: null, supervisor: null };
    const s = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 701, ppid: 1, pgid: 700, comm: 'a', owner: unit }),
        fakeProcess({ pid: 702, ppid: 1, pgid: 700, comm: 'b', owner: unit }),
        fakeProcess({ pid: 800, ppid: 1, pgid: 800, comm: 'leader' }),
        fakeProcess({ pid: 801, ppid: 800, pgid: 800, comm: 'child' }),
      ],
    });
    expect(runAnalyzer(orphanedDescendants, s)).toEqual([]);
  });
});
