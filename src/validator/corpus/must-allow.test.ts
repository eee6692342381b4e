import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from '../testing.js';
import { loadValidator, type Validator } from '../index.js';

/**
 * Ordinary read-only diagnostics: they must stay allowed however the validator is tightened.
 * (iptables -L, nft list and git's reading subcommands are confirmed today; they belong here.)
 */
export const MUST_ALLOW: readonly string[] = [
  'ps aux',
  'ps -eo pid,ppid,comm',
  'pstree -p',
  'cat /proc/1100/status',
  'grep -r foo /etc',
  'sort -u file',
  'sort -k2 -n file',
  'sed -n 1,5p file',
  "sed 's/a/b/g' file",
  "awk '{print $1}' file",
  "awk -F: '{print $1}' /etc/passwd",
  "find /var/log -name '*.log' -mtime -1",
  'ls -la /proc/1100/fd',
  'lsof -p 1100',
  'ss -tlnp',
  'journalctl -u nginx --since today',
  'dmesg -T',
  'top -b -n 1',
  'free -m',
  'df -h',
  'du -sh /var',
  'iptables -L -n',
  'iptables -S',
  'nft list ruleset',
  'git status',
  'git log --oneline -5',
  'git diff',
  'git show HEAD',
  'git blame file',
  'git rev-parse HEAD',
  'git branch --list',
  'kill -0 1100',
  'kill -l',
  'systemctl status nginx',
  'cat /proc/1100/stack',
  'head -n 20 file',
  'tail -f /var/log/syslog',
  'wc -l file',
  'date',
  'hostname',
  'uname -a',
  'ip addr show',
  'ip route',
  'sysctl vm.swappiness',
  'tree -L 2 /etc',
  'stat file',
  'readlink /proc/1100/exe',
];

describe('read-only diagnostics', () => {
  let validator: Validator;
  beforeAll(async () => {
    validator = await loadValidator();
  });

  test.each(MUST_ALLOW.map((c) => [c]))('MUST allow: %s', (command) => {
    const verdict = validator.check(command, validatorHost());
    expect(verdict.decision, `${command} → ${JSON.stringify(verdict.rules)}`).toBe('allow');
  });

  test.each(MUST_ALLOW.map((c) => [c]))('never says that %s changes the system', (command) => {
    const verdict = validator.check(command, validatorHost());
    expect(verdict.rules.filter((r) => /changes the system/i.test(r.message))).toEqual([]);
  });
});
