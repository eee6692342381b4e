import { describe, expect, test } from 'vitest';
import { v2Freezer } from './cgroups.js';

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
