import { beforeAll, describe, expect, test } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import type { Snapshot } from '../snapshot/schema.js';
import { validatorHost } from './testing.js';
import { loadValidator, type CheckOptions, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const CALLER: CheckOptions = { runBy: 'caller' };

/**
 * procdoc checking `pkill -f 'sleep 2000'`, started through wrappers whose command lines
 * hold the same words: `bash -c "timeout 10 node procdoc.js check …; echo"` → timeout → node.
 */
function invokedHost(command: readonly string[], extra: ReturnType<typeof fakeProcess>[] = []): Snapshot {
  return fakeSnapshot({
    processes: [
      fakeProcess({ pid: 1, ppid: 0, comm: 'systemd', argv: ['/sbin/init'] }),
      fakeProcess({ pid: 50, ppid: 1, comm: 'bash', argv: ['-bash'], uid: 1000, user: 'alice' }),
      fakeProcess({ pid: 60, ppid: 50, comm: 'bash', argv: ['bash', '-c', `timeout 10 node procdoc.js check -- ${command.map((w) => (w.includes(' ') ? `'${w}'` : w)).join(' ')}; echo done`], uid: 1000, user: 'alice' }),
      fakeProcess({ pid: 70, ppid: 60, comm: 'timeout', argv: ['timeout', '10', 'node', 'procdoc.js', 'check', '--', ...command], uid: 1000, user: 'alice' }),
      fakeProcess({ pid: 80, ppid: 70, comm: 'node', argv: ['node', 'procdoc.js', 'check', '--', ...command], uid: 1000, user: 'alice' }),
      ...extra,
    ],
    self: { pid: 80, ancestors: [70, 60, 50, 1] },
  });
}

const sleeper = fakeProcess({ pid: 2000, ppid: 50, comm: 'sleep', argv: ['sleep', '2000'], uid: 1000, user: 'alice' });

describe('pattern matches and procdoc itself', () => {
  test('for check (run later by the caller), procdoc and the wrappers holding its invocation are not matched', () => {
    const cmd = ['pkill', '-f', 'sleep 2000'];
    const verdict = validator.check(cmd, invokedHost(cmd, [sleeper]), { ...CALLER, argv: true });
    expect(verdict.rules.map((r) => r.id)).toEqual(['state-change']);
    expect(verdict.targets.map((t) => t.pid)).toEqual([2000]);
    expect(verdict.alternatives).toEqual(['kill -TERM 2000']);
  });

  test('for check, a pattern that matches only procdoc\'s own invocation matches nothing, and offers no kill of procdoc', () => {
    const cmd = ['pkill', '-f', 'sleep 2000'];
    const verdict = validator.check(cmd, invokedHost(cmd), { ...CALLER, argv: true });
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-not-found']);
    expect(verdict.alternatives.join('\n')).not.toMatch(/\b(80|70|60)\b/);
  });

  test('for check, an ancestor that does not hold the invocation (the caller\'s shell) is still denied', () => {
    const cmd = ['pkill', '-x', 'bash'];
    const ids = validator.check(cmd, invokedHost(cmd), { ...CALLER, argv: true }).rules.map((r) => r.id);
    expect(ids).toContain('target-self');
  });

  test('killall -r is judged the same way', () => {
    const cmd = ['killall', '-r', '^(sleep|node)$'];
    const host = invokedHost(['pkill', '-f', 'sleep 2000'], [sleeper]);
    expect(validator.check(cmd, host, { ...CALLER, argv: true }).rules.map((r) => r.id)).toEqual(['state-change']);
  });

  test('for exec (procdoc runs it as its own child, the default), matching procdoc is still target-self', () => {
    const cmd = ['pkill', '-f', 'sleep 2000'];
    const verdict = validator.check(cmd, invokedHost(cmd, [sleeper]), { argv: true, runBy: 'procdoc' });
    expect(verdict.rules.map((r) => r.id)).toContain('target-self');
    expect(validator.check(cmd, invokedHost(cmd, [sleeper]), { argv: true }).decision).toBe('deny');
  });
});

describe('alternatives never aim at what the verdict denies', () => {
  test('pkill -x of PID 1 does not offer kill -TERM 1', () => {
    const verdict = validator.check('pkill -x systemd', validatorHost());
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-pid1']);
    expect(verdict.alternatives).not.toContain('kill -TERM 1');
  });

  test('killall -9 of PID 1 does not offer kill -KILL 1', () => {
    expect(validator.check('killall -9 systemd', validatorHost()).alternatives).not.toContain('kill -KILL 1');
  });

  test('a pattern matching only procdoc does not offer its PID', () => {
    const verdict = validator.check('pkill -x node', validatorHost());
    expect(verdict.decision).toBe('deny');
    expect(verdict.alternatives).not.toContain('kill -TERM 1000');
  });

  test('no alternative names a kernel thread or a zombie', () => {
    expect(validator.check('pkill -x kworker/0:1', validatorHost()).alternatives).toEqual([]);
    const zombieHost = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 1, ppid: 0, comm: 'systemd', argv: ['/sbin/init'] }),
        fakeProcess({ pid: 10, ppid: 1, comm: 'parent', argv: ['parent'], state: 'Z' }),
        fakeProcess({ pid: 11, ppid: 10, comm: 'child', argv: [], state: 'Z' }),
      ],
    });
    const verdict = validator.check('kill 11', zombieHost);
    expect(verdict.alternatives).not.toContain('kill -TERM 10');
    expect(verdict.alternatives).not.toContain('kill -s CHLD 10');
  });

  test('PID 1 matched by a pattern gets only its pid1 rule, not target-self', () => {
    const verdict = validator.check('pkill -x systemd', validatorHost());
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-pid1']);
  });
});

describe('zombies matched by a pattern', () => {
  test('a zombie among the matches is a remark, not a deny', () => {
    const verdict = validator.check('pkill -x child', validatorHost());
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.map((r) => r.id)).toEqual(['state-change']);
    expect(verdict.rules[0]?.message).toMatch(/PID 700 \(child\).*zombie.*does nothing/);
  });

  test('aimed at by PID, a zombie is still denied', () => {
    expect(validator.check('kill 700', validatorHost()).rules.map((r) => r.id)).toEqual(['target-zombie']);
  });
});

describe('skill', () => {
  test('skill -KILL -u root is judged like pkill -u root', () => {
    const skill = validator.check('skill -KILL -u root', validatorHost());
    const pkill = validator.check('pkill -KILL -u root', validatorHost());
    expect(skill.decision).toBe('deny');
    expect(skill.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['target-pid1', 'target-kernel-thread', 'broad-match']));
    expect(new Set(skill.rules.map((r) => r.id))).toEqual(new Set(pkill.rules.map((r) => r.id)));
    expect(skill.targets.map((t) => t.pid)).toContain(1);
  });

  test('skill by command name signals those processes', () => {
    const verdict = validator.check('skill -TERM -c sleep', validatorHost());
    expect(verdict.targets.map((t) => t.pid)).toEqual([1100]);
    expect(verdict.decision).toBe('confirm');
  });
});

describe('the pgrep hint when nothing matches', () => {
  const hint = (command: string) => /`(pgrep [^`]*)`/.exec(validator.check(command, validatorHost()).rules[0]?.message ?? '')?.[1];

  test('keeps -f and quotes the pattern as the shell needs', () => {
    expect(hint("pkill -f 'zzz qqq'")).toBe("pgrep -a -f 'zzz qqq'");
    expect(hint(`pkill -f "it's"`)).toBe(`pgrep -a -f 'it'\\''s'`);
    expect(hint('pkill -x nosuch')).toBe('pgrep -a -x nosuch');
  });

  test('with a saved snapshot, it speaks of the snapshot, not of now', () => {
    const live = validator.check('pkill -x nosuch', validatorHost()).rules[0]?.message ?? '';
    const saved = validator.check('pkill -x nosuch', validatorHost(), { saved: true }).rules[0]?.message ?? '';
    expect(live).toMatch(/matches no process now/);
    expect(saved).not.toMatch(/\bnow\b/);
    expect(saved).toMatch(/in the saved snapshot/);
  });
});
