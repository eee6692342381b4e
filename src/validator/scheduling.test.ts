import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const check = (command: string) => validator.check(command, validatorHost());
const ids = (command: string) => check(command).rules.map((r) => r.id);

describe('scheduling: renice, chrt, taskset, ionice, choom', () => {
  test.each(['taskset -p 1100', 'chrt -p 1100', 'chrt -m', 'ionice -p 1100', 'choom -p 1100'])('%s only shows the setting', (command) => {
    expect(ids(command)).toEqual(['read-only']);
  });

  test('renice names the process and the new value', () => {
    const verdict = check('renice -n 5 -p 1100');
    expect(verdict.rules.map((r) => r.id)).toEqual(['state-change']);
    expect(verdict.rules[0]?.message).toMatch(/1100 \(sleep\) to 5/);
  });

  test.each(['chrt -f -p 50 1100', 'chrt -r 10 sleep 1', 'ionice -c1 -p 1100'])('%s gives a real-time policy: confirmed as such', (command) => {
    expect(ids(command)).toContain('realtime-policy');
  });

  test('choom sets oom_score_adj, range-checked as a write to the file', () => {
    expect(ids('choom -p 1100 -n 500')).toEqual(['state-change']);
    expect(ids('choom -p 1100 -n 5000')).toEqual(['oom-score-adj-invalid']);
  });

  test.each(['renice -n 5 -p 99999', 'taskset -cp 0 700', 'chrt -o -p 0 99999'])('%s is held to the target rules', (command) => {
    expect(check(command).decision).toBe('deny');
  });

  test.each(['nice -n 5 kill -9 1', 'ionice -c3 kill -9 1', 'chrt -o 0 kill -9 1', 'taskset -c 0 kill -9 1', 'numactl -C 0 kill -9 1'])('%s judges the command it runs', (command) => {
    expect(ids(command)).toContain('target-pid1');
  });
});
