import { beforeAll, describe, expect, test } from 'vitest';
import { fakeCgroup, fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { loadValidator, type Validator } from '../validator/index.js';
import { identityChanges } from './index.js';
import { planRun } from './plan.js';
import type { Effect } from '../validator/acc.js';
import { immediate, observed, settled, verifyEffects } from './verify.js';

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

describe('verifyEffects of a limit set', () => {
  const mem = (current: number, max: number | null) => ({ current, max, high: null, peak: null, swapCurrent: null, swapMax: null, anon: null, events: null, failcnt: null, oomControl: null });
  const job = fakeProcess({ pid: 40, comm: 'job', cgroup: { v2: null, v1: { memory: '/jobs/a' } } });
  const at = (max: number | null) => fakeSnapshot({ processes: [job], cgroups: [fakeCgroup({ path: '/jobs/a', version: 1, controllers: ['memory'], memory: mem(300 * 2 ** 20, max) })] });
  const written: Effect = { kind: 'limit', setting: 'memory.max', expected: 768 * 2 ** 20, cgroup: { id: '1:memory:/jobs/a', path: '/jobs/a', file: 'memory.limit_in_bytes' }, unit: null, pids: [40] };

  test('a file written: the cgroup reads back the value, or the kernel did not take it', () => {
    expect(observed([written], at(null))).toEqual({ pids: [40], units: [] });
    expect(verifyEffects([written], at(512 * 2 ** 20), at(768 * 2 ** 20))).toEqual([
      { what: 'memory.limit_in_bytes of cgroup /jobs/a set to 768 MiB', ok: true, detail: 'now 768 MiB (was 512 MiB); it uses 300 MiB.' },
    ]);
    expect(verifyEffects([written], at(512 * 2 ** 20), at(512 * 2 ** 20))[0]).toMatchObject({ ok: false, detail: 'now 512 MiB (was 512 MiB); it uses 300 MiB. The kernel did not take the value written.' });
    // Set to no limit, and a cgroup that was not read again.
    expect(verifyEffects([{ ...written, expected: null }], at(512 * 2 ** 20), at(null))[0]).toMatchObject({ what: 'memory.limit_in_bytes of cgroup /jobs/a set to no limit', ok: true });
    expect(verifyEffects([{ ...written, pids: [] }], at(null), fakeSnapshot({}))[0]).toMatchObject({ ok: null, detail: 'it has no processes, so procdoc did not read it again.' });
  });

  test('a limit written to a file is whole when the command returns: exec reads it back once, without waiting for it to settle', () => {
    expect(immediate([written])).toBe(true);
    expect(immediate([written, { kind: 'signal', pid: 40, startTime: 1, comm: 'job', signal: 15 }])).toBe(false);
    // systemd applies set-property to the cgroup after it answers.
    expect(immediate([{ ...written, cgroup: null, unit: 'web.service' }])).toBe(false);
  });

  test('a CPU quota agrees within the rounding of its period', () => {
    const cpu = (quotaUs: number | null, periodUs: number) => fakeSnapshot({
      processes: [job],
      cgroups: [fakeCgroup({ id: '2:/jobs/a', path: '/jobs/a', cpu: { quotaUs, periodUs, weight: 100, shares: null, usageUs: null, nrPeriods: null, nrThrottled: null, throttledUs: null, sample: null } })],
    });
    const quota: Effect = { kind: 'limit', setting: 'cpu.quota', expected: 333_333, cgroup: { id: '2:/jobs/a', path: '/jobs/a', file: 'cpu.max' }, unit: null, pids: [40] };
    expect(verifyEffects([quota], cpu(null, 100_000), cpu(33_333, 100_000))[0]).toMatchObject({ ok: true, detail: 'now 33.33% of a CPU (was no limit).' });
    expect(verifyEffects([quota], cpu(null, 100_000), cpu(50_000, 100_000))[0]).toMatchObject({ ok: false });
  });

  describe('through systemd (set-property)', () => {
    const web = fakeProcess({ pid: 60, comm: 'web', owner: { unit: { name: 'web.service', manager: 'system', userUid: null, slice: 'system.slice' }, container: null, supervisor: null }, cgroup: { v2: '/system.slice/web.service', v1: { memory: '/system.slice/web.service' } } });
    const set: Effect = { kind: 'limit', setting: 'memory.max', expected: 2 ** 30, cgroup: null, unit: 'web.service', pids: [60] };
    const after = (recorded: number | null, kernel: { path: string; max: number | null } | null, processes = [web]) =>
      fakeSnapshot({
        processes,
        cgroups: kernel === null ? [] : [fakeCgroup({ path: kernel.path, version: 1, controllers: ['memory'], memory: mem(200 * 2 ** 20, kernel.max) })],
        units: [fakeUnit({ name: 'web.service', memoryMax: recorded })],
      });

    test('asks systemd about the unit again, and reads its processes\' cgroups', () => {
      expect(observed([set], after(null, null))).toEqual({ pids: [60], units: ['web.service'] });
    });

    test('systemd records the value and the kernel holds the unit\'s cgroup to it', () => {
      expect(verifyEffects([set], after(null, null), after(2 ** 30, { path: '/system.slice/web.service', max: 2 ** 30 }))).toEqual([
        { what: 'web.service memory.max set to 1 GiB', ok: true, detail: 'systemd records MemoryMax=1 GiB, and the kernel holds 1:memory:/system.slice/web.service to it; it uses 200 MiB.' },
      ]);
    });

    test('systemd records it but the kernel does not enforce it (a container whose controllers are read-only): not in force', () => {
      const notDelegated = fakeProcess({ ...web, cgroup: { v2: '/system.slice/web.service', v1: { memory: '/' } } });
      const check = verifyEffects([set], after(null, null), after(2 ** 30, { path: '/', max: null }, [notDelegated]))[0];
      expect(check).toMatchObject({ ok: false });
      expect(check?.detail).toBe(
        "systemd records MemoryMax=1 GiB, but the unit's processes are in 1:memory:/, not a memory cgroup of its own: this systemd does not run the memory controller for it (in a container whose cgroup hierarchies are read-only, say), so nothing enforces the limit.",
      );
      // Its own cgroup, held to another value.
      expect(verifyEffects([set], after(null, null), after(2 ** 30, { path: '/system.slice/web.service', max: 2 ** 29 }))[0]).toMatchObject({
        ok: false,
        detail: 'systemd records MemoryMax=1 GiB, but the kernel holds 1:memory:/system.slice/web.service to 512 MiB: the limit is not in force.',
      });
    });

    test('systemd did not take it; the unit has no processes; systemd not asked again', () => {
      expect(verifyEffects([set], after(null, null), after(null, null))[0]).toMatchObject({ ok: false, detail: 'systemd records MemoryMax=infinity, not 1 GiB: the setting did not take.' });
      expect(verifyEffects([set], after(null, null), after(2 ** 30, null, []))[0]).toMatchObject({ ok: null, detail: 'systemd records MemoryMax=1 GiB; the unit has no processes, so procdoc could not read the limit the kernel holds it to.' });
      expect(verifyEffects([set], after(null, null), fakeSnapshot({ processes: [web] }))[0]).toMatchObject({ ok: null, detail: 'systemd was not asked about the unit again.' });
    });

    test('a value procdoc cannot compute (TasksMax=10%): the kernel is held to what systemd records', () => {
      const tasks: Effect = { kind: 'limit', setting: 'pids.max', expected: undefined, cgroup: null, unit: 'web.service', pids: [60] };
      const withPids = fakeSnapshot({
        processes: [fakeProcess({ ...web, cgroup: { v2: '/system.slice/web.service', v1: { pids: '/system.slice/web.service' } } })],
        cgroups: [fakeCgroup({ id: '1:pids:/system.slice/web.service', path: '/system.slice/web.service', version: 1, controllers: ['pids'], pids: { current: 3, max: 3000 } })],
        units: [fakeUnit({ name: 'web.service', tasksMax: 3000 })],
      });
      expect(verifyEffects([tasks], withPids, withPids)).toEqual([
        { what: 'web.service pids.max set to the value given', ok: true, detail: 'systemd records TasksMax=3000 tasks, and the kernel holds 1:pids:/system.slice/web.service to it; it has 3 tasks.' },
      ]);
    });
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
