import { beforeAll, describe, expect, test } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const ids = (command: string) => validator.check(command, validatorHost()).rules.map((r) => r.id);

describe('destructive system commands', () => {
  test('sed -i on a critical file is judged as a write of it', () => {
    expect(ids('sed -i d /etc/passwd')).toEqual(['destructive']);
    expect(ids("sed -i.bak -e 's/a/b/' /etc/sudoers")).toEqual(['destructive']);
    expect(ids("sed --in-place 's/x/y/' /etc/shadow")).toEqual(['destructive']);
    expect(ids("sed -i 's/x/y/' /tmp/notes.txt")).toEqual(['state-change']);
    expect(ids('sed d /etc/passwd')).toEqual(['read-only']);
  });

  test('unmounting or remounting the root file system read-only is destructive', () => {
    expect(ids('umount -l /')).toEqual(['destructive']);
    expect(ids('umount /')).toEqual(['destructive']);
    expect(ids('mount -o remount,ro /')).toEqual(['destructive']);
    expect(ids('umount /mnt/usb')).toEqual(['state-change']);
  });
});

describe('signals whose default action ends the process', () => {
  const host = () =>
    fakeSnapshot({
      processes: [
        fakeProcess({ pid: 1, ppid: 0, comm: 'systemd', argv: ['/sbin/init'] }),
        fakeProcess({ pid: 40, comm: 'worker', argv: ['worker'] }),
        fakeProcess({ pid: 41, comm: 'daemon', argv: ['daemon'], signals: { pending: [], shdPending: [], blocked: [], ignored: [], caught: ['SIGUSR1'] } }),
      ],
    });

  test('with no handler, USR1 ends the process; ABRT also dumps core', () => {
    const usr1 = validator.check('kill -USR1 40', host()).rules;
    expect(usr1.map((r) => r.id)).toEqual(['state-change']);
    expect(usr1[0]?.message).toMatch(/no handler for SIGUSR1.*ends the process/);
    expect(validator.check('kill -ABRT 40', host()).rules[0]?.message).toMatch(/ends the process.*core/);
  });

  test('a process that handles the signal is only sent it', () => {
    expect(validator.check('kill -USR1 41', host()).rules[0]?.message).toBe('This sends SIGUSR1 to PID 41 (daemon).');
  });
});

test('the shell-indirection message quotes a backtick substitution without doubling the backticks', () => {
  const message = validator.check('kill `pidof sshd`', validatorHost()).rules[0]?.message ?? '';
  expect(message).toMatch(/^"`pidof sshd`" contains/);
  expect(message).not.toContain('``');
  expect(validator.check('kill $(pidof sshd)', validatorHost()).rules[0]?.message).toMatch(/^`\$\(pidof sshd\)` contains/);
});
