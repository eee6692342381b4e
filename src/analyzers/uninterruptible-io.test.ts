import { describe, expect, it } from 'vitest';
import { fakeCgroup, fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { runAnalyzer, sampled } from './testing.js';
import { uninterruptibleIo } from './uninterruptible-io.js';

describe('uninterruptible-io', () => {
  it('names a frozen freezer cgroup as the cause and thaws it instead of killing', () => {
    const freezer = fakeCgroup({ path: '/box', version: 1, id: '1:freezer:/box', controllers: ['freezer'], freezer: { state: 'FROZEN' } });
    const p = fakeProcess({ pid: 900, state: 'D', wchan: '__refrigerator', cgroup: { v2: null, v1: { freezer: '/box' } }, cpu: sampled(0, false) });
    const s = fakeSnapshot({ processes: [p], cgroups: [fakeCgroup({ path: '/' }), freezer], host: { cgroupV1Mounts: { freezer: '/sys/fs/cgroup/freezer' } } });
    const [f] = runAnalyzer(uninterruptibleIo, s);
    expect(f).toMatchObject({ code: 'uninterruptible-io', severity: 'warning', cgroups: ['/box'] });
    expect(f?.evidence[0]).toEqual({ source: '/sys/fs/cgroup/freezer/box/freezer.state', field: 'freezer.state', value: 'FROZEN' });
    expect(f?.remediation[0]?.command).toBe('echo THAWED | tee /sys/fs/cgroup/freezer/box/freezer.state');
    // A paused docker container (docker pause freezes its v1 freezer cgroup) is unpaused through docker.
    const paused = { ...p, owner: { ...p.owner, container: { runtime: 'docker' as const, id: '0123456789abcdef' } } };
    expect(runAnalyzer(uninterruptibleIo, { ...s, processes: [paused] })[0]?.remediation.map((r) => r.command)).toEqual(['docker unpause 0123456789ab']);
  });

  it('warns about D that lasted the sample and points at the kernel stack, not kill', () => {
    const p = fakeProcess({ pid: 901, state: 'D', wchan: 'rpc_wait_bit_killable', cpu: sampled(0, false) });
    const [f] = runAnalyzer(uninterruptibleIo, fakeSnapshot({ processes: [p] }));
    expect(f?.severity).toBe('warning');
    expect(f?.summary).toMatch(/NFS/);
    expect(f?.remediation.every((r) => !r.command.startsWith('kill'))).toBe(true);
  });

  it('ignores D that made progress during the sample (ordinary disk I/O)', () => {
    const p = fakeProcess({ pid: 902, state: 'D', wchan: 'io_schedule', cpu: sampled(3, true) });
    expect(runAnalyzer(uninterruptibleIo, fakeSnapshot({ processes: [p] }))).toEqual([]);
  });
});
