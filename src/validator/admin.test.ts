import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const check = (command: string) => validator.check(command, validatorHost());
const ids = (command: string) => check(command).rules.map((r) => r.id);

describe('system administration: mounts, modules, cron, packages, power', () => {
  test.each(['umount /', 'umount -l /usr', 'crontab -r', 'shutdown -h now', 'reboot', 'mkfs.ext4 /dev/sdb', 'wipefs -a /dev/sda'])('%s is denied as destructive', (command) => {
    expect(ids(command)).toContain('destructive');
  });

  test.each(['umount /mnt/data', 'modprobe -r nf_conntrack', 'apt-get install -y jq', 'useradd bob', 'swapoff -a', 'crontab -e'])('%s changes the system: confirmed', (command) => {
    const verdict = check(command);
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.map((r) => r.id)).toEqual(['state-change']);
  });

  test('crontab -l only lists', () => {
    expect(ids('crontab -l')).toEqual(['read-only']);
  });

  test('shutdown -c cancels: confirmed, not denied', () => {
    expect(ids('shutdown -c')).toEqual(['state-change']);
  });
});
