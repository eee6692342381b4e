import { describe, expect, it } from 'vitest';
import type { Cgroup } from '../snapshot/schema.js';
import { fakeCgroup, fakeSnapshot } from '../snapshot/testing.js';
import { oomKillsRecorded } from './oom-kills-recorded.js';
import { runAnalyzer } from './testing.js';

const mem = (over: Partial<NonNullable<Cgroup['memory']>>): NonNullable<Cgroup['memory']> => ({
  current: 1, max: 2 ** 26, high: null, peak: null, swapCurrent: null, swapMax: null, anon: null, events: null, failcnt: null, oomControl: null, ...over,
});
const events = (oomKill: number) => ({ low: 0, high: 0, max: 3, oom: oomKill, oomKill });

describe('oom-kills-recorded', () => {
  it('reports v2 memory.events oom_kill where it happened, not again in every ancestor', () => {
    const parent = fakeCgroup({ path: '/system.slice', memory: mem({ max: null, events: events(2) }) });
    const child = fakeCgroup({ path: '/system.slice/app.service', memory: mem({ events: events(2) }) });
    const findings = runAnalyzer(oomKillsRecorded, fakeSnapshot({ cgroups: [parent, child] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'oom-kills-recorded', severity: 'warning', cgroups: ['/system.slice/app.service'] });
    expect(findings[0]?.evidence[0]).toEqual({ source: '/sys/fs/cgroup/system.slice/app.service/memory.events', field: 'oom_kill', value: 2 });
  });

  it('reads v1 memory.oom_control', () => {
    const cg = fakeCgroup({ path: '/job', version: 1, id: '1:memory:/job', memory: mem({ oomControl: { oomKillDisable: false, underOom: false, oomKill: 1 } }) });
    const [f] = runAnalyzer(oomKillsRecorded, fakeSnapshot({ cgroups: [cg], host: { cgroupV1Mounts: { memory: '/sys/fs/cgroup/memory' } } }));
    expect(f?.evidence[0]?.source).toBe('/sys/fs/cgroup/memory/job/memory.oom_control');
  });

  it('finds nothing when no kill was recorded', () => {
    expect(runAnalyzer(oomKillsRecorded, fakeSnapshot({ cgroups: [fakeCgroup({ path: '/a', memory: mem({ events: events(0) }) })] }))).toEqual([]);
  });
});
