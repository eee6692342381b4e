import { describe, expect, it } from 'vitest';
import { fakeCgroup, fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { pidsNearLimit } from './pids-near-limit.js';
import { runAnalyzer } from './testing.js';

describe('pids-near-limit', () => {
  it('warns when a v1 pids cgroup is close to pids.max', () => {
    const cg = fakeCgroup({ path: '/fork', version: 1, id: '1:pids:/fork', controllers: ['pids'], pids: { current: 18, max: 20 } });
    const p = fakeProcess({ pid: 95, cgroup: { v2: null, v1: { pids: '/fork' } } });
    const [f] = runAnalyzer(pidsNearLimit, fakeSnapshot({ processes: [p], cgroups: [cg], host: { cgroupV1Mounts: { pids: '/sys/fs/cgroup/pids' } } }));
    expect(f).toMatchObject({ code: 'pids-near-limit', severity: 'warning', pids: [95] });
    expect(f?.evidence).toEqual([
      { source: '/sys/fs/cgroup/pids/fork/pids.current', field: 'pids.current', value: 18 },
      { source: '/sys/fs/cgroup/pids/fork/pids.max', field: 'pids.max', value: 20 },
    ]);
  });

  it('ignores cgroups far from their limit or without one', () => {
    const s = fakeSnapshot({ cgroups: [fakeCgroup({ path: '/a', pids: { current: 5, max: 100 } }), fakeCgroup({ path: '/b', pids: { current: 5000, max: null } })] });
    expect(runAnalyzer(pidsNearLimit, s)).toEqual([]);
  });
});
