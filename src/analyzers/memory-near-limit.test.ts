import { describe, expect, it } from 'vitest';
import type { Cgroup } from '../snapshot/schema.js';
import { fakeCgroup, fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { memoryNearLimit } from './memory-near-limit.js';
import { runAnalyzer } from './testing.js';

const MiB = 2 ** 20;
const mem = (over: Partial<NonNullable<Cgroup['memory']>>): NonNullable<Cgroup['memory']> => ({
  current: 0, max: null, high: null, peak: null, swapCurrent: null, swapMax: null, anon: null, events: null, failcnt: null, oomControl: null, ...over,
});

describe('memory-near-limit', () => {
  it('uses the cgroup limit (v1 limit_in_bytes), not host RAM', () => {
    const cg = fakeCgroup({ path: '/job', version: 1, id: '1:memory:/job', controllers: ['memory'], memory: mem({ current: 60 * MiB, anon: 58 * MiB, max: 64 * MiB }) });
    const p = fakeProcess({ pid: 50, rss: 58 * MiB, cgroup: { v2: null, v1: { memory: '/job' } } });
    const s = fakeSnapshot({ processes: [p], cgroups: [cg], host: { cgroupMode: 'v1', cgroupV1Mounts: { memory: '/sys/fs/cgroup/memory' } } });
    const [f] = runAnalyzer(memoryNearLimit, s);
    expect(f).toMatchObject({ code: 'memory-near-limit', severity: 'warning', culpritPid: 50, cgroups: ['/job'] });
    expect(f?.title).toBe('cgroup /job at 91% of its 64 MiB memory limit');
    expect(f?.evidence).toContainEqual({ source: '/sys/fs/cgroup/memory/job/memory.limit_in_bytes', field: 'memory.limit_in_bytes', value: 64 * MiB });
  });

  it('does not count reclaimable page cache as pressure', () => {
    const cg = fakeCgroup({ path: '/cache', memory: mem({ current: 63 * MiB, anon: 5 * MiB, max: 64 * MiB }) });
    expect(runAnalyzer(memoryNearLimit, fakeSnapshot({ cgroups: [cg] }))).toEqual([]);
  });

  it('warns past memory.high (v2) and ignores unlimited cgroups', () => {
    const high = fakeCgroup({ path: '/high', memory: mem({ current: 300 * MiB, high: 256 * MiB }) });
    const unlimited = fakeCgroup({ path: '/free', memory: mem({ current: 8 * 2 ** 30, max: null }) });
    const findings = runAnalyzer(memoryNearLimit, fakeSnapshot({ cgroups: [high, unlimited] }));
    expect(findings.map((f) => f.cgroups[0])).toEqual(['/high']);
  });

  it('is critical under OOM', () => {
    const cg = fakeCgroup({ path: '/oom', version: 1, id: '1:memory:/oom', memory: mem({ current: 64 * MiB, max: 64 * MiB, oomControl: { oomKillDisable: true, underOom: true, oomKill: 0 } }) });
    expect(runAnalyzer(memoryNearLimit, fakeSnapshot({ cgroups: [cg] }))[0]?.severity).toBe('critical');
  });
});
