import { beforeAll, describe, expect, test } from 'vitest';
import { fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { loadValidator, type Validator } from '../validator/index.js';
import { identityChanges } from './index.js';
import { planRun } from './plan.js';
import { settled, verifyEffects } from './verify.js';

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

  test('a target still running is reported, not hidden', () => {
    const checks = verifyEffects([{ kind: 'signal', pid: 30, startTime: 1030, comm: 'paused', signal: 15 }], before, before);
    expect(checks[0]).toMatchObject({ ok: false });
    expect(settled(checks)).toBe(false);
  });

  test('systemctl restart is verified by a new MainPID', () => {
    const after = fakeSnapshot({ units: [fakeUnit({ name: 'web.service', mainPid: 10, nRestarts: 1 })] });
    expect(verifyEffects([{ kind: 'unit', unit: 'web.service', manager: 'system', verb: 'restart' }], before, after)[0]?.ok).toBe(false);
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
});
