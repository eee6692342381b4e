import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const judged = (command: string) => validator.check(command, validatorHost());
const ids = (command: string) => judged(command).rules.map((r) => r.id);

describe('moving a system tree away is as destructive as deleting it', () => {
  test.each(['mv /etc /tmp/x', 'mv /usr/bin /tmp/b', 'mv /home /srv/old', 'mv -t /tmp/x /etc/ssh', 'mv -vt /tmp/x -S .old /etc/ssh', 'mv --target-directory=/tmp/x /boot', 'mv /etc/passwd /tmp/p', 'mv /var /tmp/v'])('%s is denied as destructive', (command) => {
    const verdict = judged(command);
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules[0]?.id).toBe('destructive');
    expect(verdict.rules[0]?.message).toMatch(/moves .* away/);
  });

  test('moving an ordinary file is a confirmed write, as before', () => {
    expect(ids('mv /tmp/a /tmp/b')).toEqual(['state-change']);
    expect(ids('mv /var/log/app.log /var/log/app.log.1')).toEqual(['state-change']);
  });
});

describe('overwriting or truncating a critical system file is judged like deleting it', () => {
  test.each([
    '> /etc/passwd',
    ': > /etc/shadow',
    'echo x > /etc/sudoers',
    'echo "ALL ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/evil',
    'cat /tmp/x | tee /etc/fstab',
    'truncate -s 0 /etc/group',
    'cp /tmp/x /etc/passwd',
    'mv /tmp/x /etc/shadow',
    'dd if=/dev/zero of=/etc/passwd',
    'rm /etc/passwd',
    'rm -f /etc/shadow',
    'unlink /etc/sudoers',
    'echo > /etc/pam.d/common-auth',
    'echo /tmp/x.so > /etc/ld.so.preload',
  ])('%s is denied as destructive', (command) => {
    const verdict = judged(command);
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules.map((r) => r.id)).toContain('destructive');
  });

  test('the message says what is lost and what to use instead', () => {
    expect(judged('> /etc/passwd').rules[0]?.message).toMatch(/^Writes \/etc\/passwd: .*empties it.*vipw/);
  });

  test('appending, touching, and files that are routinely rewritten stay confirms', () => {
    expect(judged('echo x >> /etc/passwd').decision).toBe('confirm');
    expect(judged('touch /etc/passwd').decision).toBe('confirm');
    expect(judged('echo nameserver 1.1.1.1 > /etc/resolv.conf').decision).toBe('confirm');
    expect(judged('echo x > /etc/motd').decision).toBe('confirm');
  });
});
