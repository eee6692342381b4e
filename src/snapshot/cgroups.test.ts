import { describe, expect, test } from 'vitest';
import type { Process } from './schema.js';
import { fakeCgroup, fakeProcess } from './testing.js';
import { v2Freezer } from './cgroups.js';
import { cgroupResolver } from './query.js';

describe('v2Freezer', () => {
  test('cgroup.freeze is what was asked of this cgroup; cgroup.events says what is in force', () => {
    expect(v2Freezer('1\n', 'populated 1\nfrozen 1\n')).toEqual({ state: 'FROZEN', self: true });
    // Asked, and not every task has stopped yet.
    expect(v2Freezer('1\n', 'populated 1\nfrozen 0\n')).toEqual({ state: 'FREEZING', self: true });
    // Frozen by an ancestor: its own cgroup.freeze stays 0.
    expect(v2Freezer('0\n', 'populated 1\nfrozen 1\n')).toEqual({ state: 'FROZEN', self: false });
    expect(v2Freezer('0\n', 'populated 1\nfrozen 0\n')).toEqual({ state: 'THAWED', self: false });
  });

  test('without cgroup.events (an older fixture), cgroup.freeze alone decides; without cgroup.freeze (the root), none', () => {
    expect(v2Freezer('1\n', null)).toEqual({ state: 'FROZEN', self: true });
    expect(v2Freezer('0\n', null)).toEqual({ state: 'THAWED', self: false });
    expect(v2Freezer(null, 'frozen 1\n')).toBeNull();
  });
});

describe('cgroupResolver', () => {
  test('resolves each shared cgroup object once per controller, and a process of its own apart', () => {
    const shared: Process['cgroup'] = { v2: '/app', v1: { 'cpu,cpuacct': '/app', memory: '/app' } };
    const cgroups = [
      fakeCgroup({ path: '/app', controllers: ['memory'] }),
      fakeCgroup({ id: '1:cpu,cpuacct:/app', path: '/app', version: 1, controllers: ['cpu', 'cpuacct'] }),
      fakeCgroup({ id: '1:memory:/other', path: '/other', version: 1, controllers: ['memory'] }),
    ];
    const cgroupFor = cgroupResolver(new Map(cgroups.map((c) => [c.id, c])));
    const a = fakeProcess({ pid: 10, cgroup: shared });
    const b = fakeProcess({ pid: 11, cgroup: shared });
    // The v2 cgroup carries memory; cpu is in the v1 hierarchy.
    expect(cgroupFor(a, 'memory')?.id).toBe('2:/app');
    expect(cgroupFor(a, 'cpu')?.id).toBe('1:cpu,cpuacct:/app');
    expect(cgroupFor(b, 'cpu')).toBe(cgroupFor(a, 'cpu'));
    expect(cgroupFor(a, 'pids')).toBeUndefined();
    const apart = fakeProcess({ pid: 12, cgroup: { v2: null, v1: { memory: '/other' } } });
    expect(cgroupFor(apart, 'memory')?.id).toBe('1:memory:/other');
    expect(cgroupFor(apart, 'cpu')).toBeUndefined();
  });
});
