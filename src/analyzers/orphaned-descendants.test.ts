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

  it('counts a leader that exited but was not reaped (a zombie) as gone', () => {
    const s = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 900, ppid: 50, pgid: 900, sid: 900, comm: 'bash', state: 'Z', argv: [] }),
        fakeProcess({ pid: 901, ppid: 1, pgid: 900, sid: 900, comm: 'sleep' }),
        fakeProcess({ pid: 902, ppid: 1, pgid: 900, sid: 900, comm: 'cat' }),
      ],
    });
    const [f] = runAnalyzer(orphanedDescendants, s);
    expect(f).toMatchObject({ code: 'orphaned-descendants', pids: [901, 902] });
    expect(f?.evidence).toContainEqual({ source: '/proc/900/stat', field: 'state', value: 'Z' });
  });

  it('leaves alone a dead group that is running procdoc itself (a background CI job)', () => {
    const s = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 951, ppid: 1, pgid: 950, sid: 950, comm: 'bash', argv: ['bash', '.ci/run'] }),
        fakeProcess({ pid: 952, ppid: 951, pgid: 950, sid: 950, comm: 'node', argv: ['node', 'bin/procdoc.js', 'diagnose'] }),
      ],
      self: { pid: 952, ancestors: [951, 1] },
    });
    expect(runAnalyzer(orphanedDescendants, s)).toEqual([]);
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
