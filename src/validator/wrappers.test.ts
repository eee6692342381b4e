import { beforeAll, describe, expect, test } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const ids = (command: string) => validator.check(command, validatorHost()).rules.map((r) => r.id);

describe('wrappers run the command inside', () => {
  test.each(['cgexec -g cpu:x kill -9 1', 'cgexec -g cpu,memory:grp --sticky kill -9 1', 'prlimit --nofile=10 kill -9 1', 'prlimit -n10 -- kill -9 1', "script -c 'kill -9 1'", "script -qfc 'kill -9 1' /dev/null"])('%s is judged as kill -9 1', (command) => {
    expect(ids(command)).toEqual(['target-pid1']);
  });

  test('prlimit --pid PID sets the limits of that process; without a limit it only reads', () => {
    const verdict = validator.check('prlimit --pid 1100 --nofile=10', validatorHost());
    expect(verdict.decision).toBe('confirm');
    expect(verdict.targets.map((t) => t.pid)).toEqual([1100]);
    expect(verdict.rules[0]?.message).toMatch(/PID 1100 \(sleep\)/);
    expect(ids('prlimit --pid 1100')).toEqual(['read-only']);
    expect(ids('prlimit -p 4242 --nofile=10:20')).toEqual(['target-not-found']);
  });

  test('script writes its typescript file', () => {
    expect(ids("script -c 'ps' /etc/passwd")).toContain('destructive');
  });
});

describe('ionice', () => {
  test('-u is a uid, not a PID', () => {
    const verdict = validator.check('ionice -c 3 -u 0', validatorHost());
    expect(verdict.rules.map((r) => r.id)).not.toContain('target-not-found');
    expect(verdict.rules.map((r) => r.id)).toContain('broad-match');
    expect(verdict.rules.find((r) => r.id === 'broad-match')?.message).toMatch(/user 0/);
    expect(verdict.rules.find((r) => r.id === 'state-change')?.message).toMatch(/, … \(\d+ in all\)/);
  });

  test('-P is a process group: its members are the targets', () => {
    const host = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 1, ppid: 0, comm: 'systemd', argv: ['/sbin/init'] }),
        fakeProcess({ pid: 300, comm: 'make', argv: ['make'] }),
        fakeProcess({ pid: 301, ppid: 300, pgid: 300, comm: 'cc', argv: ['cc'] }),
      ],
    });
    const verdict = validator.check('ionice -c3 -P 300', host);
    expect(verdict.targets.map((t) => t.pid)).toEqual([300, 301]);
    expect(verdict.decision).toBe('confirm');
    expect(validator.check('ionice -c3 -P 301', host).rules.map((r) => r.id)).toEqual(['target-not-found']);
  });
});
