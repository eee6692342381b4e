import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';
import { getopt, type OptionGrammar } from './getopt.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const check = (command: string) => validator.check(command, validatorHost());
const ids = (command: string) => check(command).rules.map((r) => r.id);
const signalled = (command: string) =>
  validator
    .analyze(command, validatorHost())
    .effects.flatMap((e) => (e.kind === 'signal' ? [`${e.pid}:${e.signal}`] : []))
    .sort();

describe('kill reads a signal given after the PIDs, as the kill program does', () => {
  // procps-ng's kill (src/kill.c) takes the first -SIG word anywhere, then getopt_long reads
  // -s/--signal anywhere before --: one signal for every PID, the last -s winning.
  test('-s KILL after a PID overrides an earlier -0: the program kills, the builtin only probes', () => {
    const verdict = check('kill -0 1100 -s KILL 1100');
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.map((r) => r.id)).toEqual(['sigkill-before-sigterm']);
    expect(verdict.rules[0]?.message).toMatch(/^The kill program \(procps-ng, .*reads options after the PIDs too, so `kill -0 1100 -s KILL 1100` sends SIGKILL to 1100: SIGKILL gives PID 1100/);
    expect(signalled('kill -0 1100 -s KILL 1100')).toEqual(['1100:9']);
  });

  test('a -SIG word after the PIDs is the signal when none came before', () => {
    // bash reads -9 as process group 9 (none here), the program as SIGKILL: both are judged.
    expect(ids('kill 1100 -9')).toEqual(['target-not-found', 'state-change', 'sigkill-before-sigterm']);
    expect(signalled('kill 1100 -9')).toEqual(['1100:15', '1100:9']);
  });

  test('--signal=, the attached -sKILL and the abbreviation --sig after the PIDs are read too', () => {
    expect(signalled('kill -HUP 1100 --signal=KILL 1200')).toEqual(['1100:1', '1100:9', '1200:1', '1200:9']);
    expect(ids('kill -TERM 1100 -sKILL')).toContain('sigkill-before-sigterm');
    expect(ids('kill -TERM 1100 --sig=KILL')).toContain('sigkill-before-sigterm');
    // bash rejects --sig as a signal name; the program takes it for --signal.
    expect(ids('kill --sig KILL 1100')).toEqual(['unparseable', 'sigkill-before-sigterm']);
    expect(ids('kill --s KILL 500')).toContain('sigkill-on-managed-unit');
  });

  test('the signal applies to every PID, the ones before it too', () => {
    expect(signalled('kill 1100 1200 -s KILL')).toEqual(['1100:15', '1100:9', '1200:15', '1200:9']);
  });

  test('a second -N is a group to both: bash signals it, the program signals it and stops', () => {
    // procps 4.0.4: '0' - '5' = -5; 4.0.5: strtol of the next word (nothing here).
    expect(ids('kill -9 1100 -5')).toEqual(['target-not-found', 'sigkill-before-sigterm']);
  });

  test('a second -NN folds to its first digit in procps 4.0.4: kill -9 1100 -15 1200 is kill(-1, SIGKILL) there', () => {
    const verdict = check('kill -9 1100 -15 1200');
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules.map((r) => r.id)).toContain('broadcast-kill');
  });

  test('-0 followed by -9 after a PID only probes in every reading', () => {
    // bash: signal 0 to 1100, group 9 and 1100. procps 4.0.4: kill(-9, 0) and exit; 4.0.5: kill(1100, 0) and exit.
    expect(check('kill -0 1100 -9 1100').decision).toBe('allow');
    expect(check('kill -s 0 1100 -9 1100').decision).toBe('allow');
    expect(check('kill -0 1100').decision).toBe('allow');
  });

  test('after --, words are PIDs for the -s option, yet the program still takes the first -SIG word as the signal', () => {
    // skill_sig_option() scans every word, -- or not: `kill -- -9 1100` is SIGKILL to 1100.
    expect(ids('kill -- -9 1100')).toEqual(['target-not-found', 'state-change', 'sigkill-before-sigterm']);
    // The signal came first: -- then makes the group a group to both.
    expect(ids('kill -9 -- -5')).toEqual(['target-not-found']);
    expect(check('kill -TERM -- 1100 -s KILL').rules.map((r) => r.id)).not.toContain('sigkill-before-sigterm');
  });

  test('an option the program prints and exits on after the PIDs leaves the builtin reading alone', () => {
    // procps: -l lists and exits; bash: -l is not a PID, and 1100 is killed.
    expect(ids('kill -9 1100 -l')).toEqual(['unparseable', 'sigkill-before-sigterm']);
  });

  test('kill -1 alone is a broadcast kill one word away, denied as such', () => {
    const verdict = check('kill -1');
    expect(verdict.rules.map((r) => r.id)).toEqual(['broadcast-kill']);
    expect(verdict.rules[0]?.message).toMatch(/Name the PIDs/);
    expect(ids('kill -9 -1')).toContain('broadcast-kill');
    expect(ids('kill -s KILL -- -1')).toContain('broadcast-kill');
  });

  test('an invalid signal after the PIDs fails in the program: only the builtin reading is judged', () => {
    // bash: SIGTERM to 1100, then "-s" is not a PID and 99 does not exist; procps: kill(1100, 99) fails with EINVAL.
    expect(ids('kill 1100 -s 99')).toEqual(['unparseable', 'target-not-found', 'state-change']);
  });
});

describe('the option reader', () => {
  const grammar: OptionGrammar = {
    short: { f: 'none', p: 'required', o: 'required', l: 'optional' },
    long: { pid: { arity: 'required', as: 'p' }, output: { arity: 'required', as: 'o' }, 'output-separately': { arity: 'none', as: 'ff' }, list: { arity: 'optional', as: 'l' } },
    permute: true,
  };
  const read = (args: string[], g = grammar) => getopt(args, g).map((p) => (p.kind === 'option' ? `${p.key}=${p.value}` : p.kind === 'operand' ? p.value : `${p.kind}`));

  test('combined flags, attached and separate values, long options with = or the next word', () => {
    expect(read(['-fp', '1100'])).toEqual(['f=null', 'p=1100']);
    expect(read(['-p1100', '--pid=1', '--pid', '2'])).toEqual(['p=1100', 'p=1', 'p=2']);
    expect(read(['-l', 'x', '-lx'])).toEqual(['l=null', 'x', 'l=x']);
  });

  test('abbreviations: unique or exact are taken, ambiguous ones are bad', () => {
    expect(read(['--pi', '3'])).toEqual(['p=3']);
    expect(read(['--output', 'f'])).toEqual(['o=f']);
    expect(read(['--outp', 'f'])).toEqual(['bad', 'f']);
  });

  test('options after operands are read when the program permutes, not when it stops', () => {
    expect(read(['ls', '-p', '1'])).toEqual(['ls', 'p=1']);
    expect(read(['ls', '-p', '1'], { ...grammar, permute: false })).toEqual(['ls', '-p', '1']);
    expect(read(['--', '-p', '1'])).toEqual(['-p', '1']);
  });

  test('long-only programs take one dash for a long name, and fall back to letters', () => {
    const g = { ...grammar, longOnly: true };
    expect(read(['-pid', '5'], g)).toEqual(['p=5']);
    expect(read(['-fp', '5'], g)).toEqual(['f=null', 'p=5']);
  });
});

describe('pkill and killall read signals the way getopt and their own signal scan do', () => {
  const sigkillNginx = /sigkill-on-managed-unit/;
  test.each(['killall --sig KILL nginx', 'killall --signal=KILL nginx', 'killall -s9 nginx', 'killall -sKILL nginx', 'killall nginx -9', 'pkill --sig KILL -x nginx', 'pkill --sig=KILL -x nginx', 'pkill -x nginx -KILL', 'pkill -9 nginx'])(
    'SIGKILL to nginx main is denied: %s',
    (command) => {
      expect(ids(command).join(' ')).toMatch(sigkillNginx);
    },
  );

  test('a signal word after other options is the signal, not combined flags (-HUP is not -H -U P)', () => {
    const verdict = check('pkill -x nginx -HUP');
    expect(verdict.decision).toBe('confirm');
    expect(verdict.alternatives).toContain('systemctl reload nginx.service');
    expect(signalled('pkill -x -io nginx')).toEqual(['500:29', '501:29']);
  });
});
