import { beforeAll, describe, expect, test } from 'vitest';
import { fakeCgroup, fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { loadValidator, type Validator } from '../validator/index.js';
import { identityChanges } from './index.js';
import { planRun } from './plan.js';
import type { Effect } from '../validator/acc.js';
import { observed, settled, verifyEffects } from './verify.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

describe('planRun', () => {
  test('one plain command runs as argv, without a shell', () => {
    expect(planRun(validator.parse("kill -TERM '4711'"), "kill -TERM '4711'")).toEqual({ mode: 'argv', file: 'kill', args: ['-TERM', '4711'] });
  });

  test('lists, pipes, redirections and assignments need the shell', () => {
    for (const text of ['ps | head', 'ps > /tmp/x', 'A=1 ps', 'ps; uptime', 'sleep 1 &']) {
      expect(planRun(validator.parse(text), text).mode).toBe('shell');
    }
  });
});

describe('verifyEffects of a freezer write', () => {
  const thaw: Effect = { kind: 'freezer', cgroup: '2:/jobs/a', path: '/jobs/a', freeze: false, pids: [40] };
  const after = (freezer: { state: 'THAWED' | 'FREEZING' | 'FROZEN'; self?: boolean } | null) =>
    fakeSnapshot({
      processes: [fakeProcess({ pid: 40, comm: 'job', state: 'S', cgroup: { v2: '/jobs/a', v1: {} } })],
      cgroups: freezer === null ? [] : [fakeCgroup({ path: '/jobs/a', version: 2, controllers: [], freezer })],
    });

  test('reads the processes of the cgroup again, and says whether it thawed', () => {
    expect(observed([thaw], fakeSnapshot({})).pids).toEqual([40]);
    expect(verifyEffects([thaw], fakeSnapshot({}), after({ state: 'THAWED', self: false }))).toEqual([{ what: 'cgroup /jobs/a thawed', ok: true, detail: 'now THAWED. Its processes: 40 S.' }]);
  });

  test('still frozen by an ancestor: not thawed, and it says why; a cgroup not read again is unknown', () => {
    expect(verifyEffects([thaw], fakeSnapshot({}), after({ state: 'FROZEN', self: false }))[0]).toMatchObject({ ok: false, detail: 'now FROZEN. An ancestor cgroup still holds it frozen. Its processes: 40 S.' });
    expect(verifyEffects([{ ...thaw, pids: [] }], fakeSnapshot({}), after(null))[0]).toMatchObject({ ok: null, detail: 'it has no processes, so procdoc did not read it again.' });
  });
});

describe('verifyEffects', () => {
  const before = fakeSnapshot({
    processes: [
      fakeProcess({ pid: 10, comm: 'web', owner: { unit: { name: 'web.service', manager: 'system', userUid: null, slice: null }, container: null, supervisor: null } }),
      fakeProcess({ pid: 20, comm: 'parent' }),
      fakeProcess({ pid: 21, ppid: 20, comm: 'kid', state: 'Z' }),
      fakeProcess({ pid: 30, comm: 'paused', state: 'T' }),
    ],
    units: [fakeUnit({ name: 'web.service', restart: 'always', mainPid: 10, nRestarts: 1 })],
  });

  test('a terminated target is gone; a Restart=always unit came back with a new MainPID', () => {
    const after = fakeSnapshot({
      processes: [fakeProcess({ pid: 11, comm: 'web' })],
      units: [fakeUnit({ name: 'web.service', restart: 'always', mainPid: 11, nRestarts: 2 })],
    });
    const checks = verifyEffects([{ kind: 'signal', pid: 10, startTime: 1010, comm: 'web', signal: 15 }], before, after);
    expect(checks.map((c) => [c.what, c.ok])).toEqual([
      ['PID 10 (web) exited', true],
      ['web.service restarted', true],
    ]);
    expect(checks[1]?.detail).toMatch(/new main PID 11 \(was 10\)\. NRestarts 1 → 2/);
  });

  test('a PID that now has another start time counts as gone (reused)', () => {
    const after = fakeSnapshot({ processes: [fakeProcess({ pid: 10, comm: 'other', startTime: 99999 })] });
    expect(verifyEffects([{ kind: 'signal', pid: 10, startTime: 1010, comm: 'web', signal: 9 }], before, after)[0]?.ok).toBe(true);
  });

  test('zombies reaped after SIGCHLD to the parent, and a resumed process', () => {
    const after = fakeSnapshot({ processes: [fakeProcess({ pid: 20, comm: 'parent' }), fakeProcess({ pid: 30, comm: 'paused', state: 'S' })] });
    const checks = verifyEffects(
      [
        { kind: 'signal', pid: 20, startTime: 1020, comm: 'parent', signal: 17 },
        { kind: 'signal', pid: 30, startTime: 1030, comm: 'paused', signal: 18 },
      ],
      before,
      after,
    );
    expect(checks.map((c) => c.ok)).toEqual([true, true]);
    expect(settled(checks)).toBe(true);
  });

  test('a target that exited and waits for its parent to reap it (a zombie) has exited', () => {
    const after = fakeSnapshot({ processes: [fakeProcess({ pid: 20, comm: 'parent' }), fakeProcess({ pid: 30, ppid: 20, comm: 'paused', state: 'Z' })] });
    const checks = verifyEffects([{ kind: 'signal', pid: 30, startTime: 1030, comm: 'paused', signal: 15 }], before, after);
    expect(checks).toEqual([{ what: 'PID 30 (paused) exited', ok: true, detail: 'PID 30 (paused) has exited (a zombie until its parent, PID 20, reaps it).' }]);
    expect(verifyEffects([{ kind: 'signal', pid: 30, startTime: 1030, comm: 'paused', signal: 18 }], before, after)[0]).toMatchObject({ ok: null });
  });

  test('a target still running is reported, not hidden', () => {
    const checks = verifyEffects([{ kind: 'signal', pid: 30, startTime: 1030, comm: 'paused', signal: 15 }], before, before);
    expect(checks[0]).toMatchObject({ ok: false });
    expect(settled(checks)).toBe(false);
  });

  test('systemctl restart is verified by a new MainPID', () => {
    const after = fakeSnapshot({ units: [fakeUnit({ name: 'web.service', mainPid: 10, nRestarts: 1 })] });
    expect(verifyEffects([{ kind: 'unit', unit: 'web.service', manager: 'system', verb: 'restart' }], before, after)[0]?.ok).toBe(false);
  });

  test('observed() names what the checks look up, so a snapshot of only that verifies as one of everything', () => {
    const effects: Effect[] = [
      { kind: 'signal', pid: 10, startTime: 1010, comm: 'web', signal: 15 },
      { kind: 'signal', pid: 20, startTime: 1020, comm: 'parent', signal: 17 },
      { kind: 'signal', pid: 30, startTime: 1030, comm: 'paused', signal: 18 },
      { kind: 'unit', unit: 'db.service', manager: 'system', verb: 'restart' },
      { kind: 'unit', unit: 'app.service', manager: 'user', verb: 'stop' },
    ];
    const watched = observed(effects, before);
    expect(watched).toEqual({ pids: [10, 20, 21, 30], units: ['web.service', 'db.service'] });
    // Afters in which nothing, or some, or all of it happened; each also holds processes and units nobody asked about.
    const others = [fakeProcess({ pid: 40, comm: 'bystander' }), fakeProcess({ pid: 41, ppid: 20, comm: 'kid2', state: 'Z' })];
    const afters = [
      fakeSnapshot({ processes: [...before.processes, ...others], units: [...before.units, fakeUnit({ name: 'db.service', mainPid: 50 }), fakeUnit({ name: 'other.service' })] }),
      fakeSnapshot({
        processes: [fakeProcess({ pid: 11, comm: 'web' }), fakeProcess({ pid: 20, comm: 'parent' }), fakeProcess({ pid: 30, comm: 'paused', state: 'S' }), ...others],
        units: [fakeUnit({ name: 'web.service', restart: 'always', mainPid: 11, nRestarts: 2 }), fakeUnit({ name: 'db.service', mainPid: 51 }), fakeUnit({ name: 'other.service' })],
      }),
      fakeSnapshot({ processes: others }),
    ];
    for (const after of afters) {
      const only = { ...after, processes: after.processes.filter((p) => watched.pids.includes(p.pid)), units: after.units.filter((u) => watched.units.includes(u.name)) };
      expect(verifyEffects(effects, before, only)).toEqual(verifyEffects(effects, before, after));
    }
  });
});

describe('identityChanges', () => {
  test('finds PIDs that now belong to a process with another start time, or to none', () => {
    const fresh = fakeSnapshot({ processes: [fakeProcess({ pid: 10, startTime: 5 }), fakeProcess({ pid: 11, startTime: 7 })] });
    expect(
      identityChanges(
        [
          { pid: 10, startTime: 4 },
          { pid: 11, startTime: 7 },
          { pid: 12, startTime: 9 },
        ],
        fresh,
      ),
    ).toEqual([
      { pid: 10, was: 4, now: 5 },
      { pid: 12, was: 9, now: null },
    ]);
  });

  test('holds a thread id to the thread\'s own start time, and names its process', () => {
    const fresh = fakeSnapshot({
      processes: [fakeProcess({ pid: 10, startTime: 5 })],
      threads: [
        { tid: 13, pid: 10, startTime: 8 },
        { tid: 14, pid: 10, startTime: 9 },
        { tid: 15, pid: 10, startTime: null },
      ],
    });
    expect(
      identityChanges(
        [
          { pid: 13, startTime: 8 },
          { pid: 14, startTime: 6 },
          { pid: 15, startTime: 1 },
        ],
        fresh,
      ),
    ).toEqual([{ pid: 14, was: 6, now: 9, threadOf: 10 }]);
  });
});
