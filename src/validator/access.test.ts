import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../snapshot/query.js';
import { fakeCgroup, fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { newAccess, watchedIndex } from './access.js';

const snapshot = fakeSnapshot({
  processes: [fakeProcess({ pid: 1 }), fakeProcess({ pid: 10, ppid: 1, pgid: 10 }), fakeProcess({ pid: 11, ppid: 10, pgid: 10 })],
  cgroups: [fakeCgroup({ path: '/a' })],
  units: [fakeUnit({ name: 'a.service' })],
});

describe('watchedIndex', () => {
  it('records the pids, groups and units looked up, found or not, and answers as the index does', () => {
    const access = newAccess();
    const idx = watchedIndex(indexSnapshot(snapshot), access);
    expect(idx.process(10)?.pid).toBe(10);
    expect(idx.process(99)).toBeUndefined();
    expect(idx.group(10).map((p) => p.pid)).toEqual([10, 11]);
    expect(idx.unit('a.service')?.name).toBe('a.service');
    expect(idx.unit('b.service')).toBeUndefined();
    // The snapshot's other parts stay readable without counting as a scan.
    expect(idx.snapshot.self).toEqual(snapshot.self);
    expect(idx.snapshot.cgroups).toBe(snapshot.cgroups);
    expect(idx.snapshot.host).toBe(snapshot.host);
    expect(access).toEqual({ pids: new Set([10, 99]), groups: new Set([10]), units: new Set(['a.service', 'b.service']), scanned: false });
  });

  it.each([
    ['the process list', (idx: ReturnType<typeof watchedIndex>) => idx.snapshot.processes.length],
    ['the unit list', (idx: ReturnType<typeof watchedIndex>) => idx.snapshot.units.length],
    ['children', (idx: ReturnType<typeof watchedIndex>) => idx.children(10).length],
    ['a subtree', (idx: ReturnType<typeof watchedIndex>) => idx.subtree(1).length],
    ['ancestors', (idx: ReturnType<typeof watchedIndex>) => idx.ancestors(11).length],
    ['a session', (idx: ReturnType<typeof watchedIndex>) => idx.session(10).length],
    ['a cgroup by id', (idx: ReturnType<typeof watchedIndex>) => (idx.cgroup('1:memory:/a') === undefined ? 0 : 1)],
  ])('reading %s is a scan, and gives what the index gives', (_what, read) => {
    const access = newAccess();
    const plain = read(indexSnapshot(snapshot));
    expect(read(watchedIndex(indexSnapshot(snapshot), access))).toBe(plain);
    expect(access.scanned).toBe(true);
  });
});
