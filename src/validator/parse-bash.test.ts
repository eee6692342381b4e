import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let v: Validator;
const host = validatorHost();
beforeAll(async () => {
  v = await loadValidator();
});

const decision = (text: string) => v.check(text, host, { runBy: 'caller' }).decision;
const values = (text: string) => v.parse(text).commands.map((c) => c.words.map((w) => w.value));

describe('control characters, which bash and the parser read differently, are unparseable', () => {
  test.each([
    'ps\r# ; reboot',
    'ps \f# ; reboot',
    'ps\v# ; reboot',
    'ps \\\r# ; reboot',
    'echo \'a\rb\'',
    'echo "a\rb"',
    'ps\x1b',
    'ps\x7f',
    'ps\x01',
    "sh -c $'ps\\r# ; reboot'",
  ])('SHOULD NOT allow %j', (text) => {
    const verdict = v.check(text, host, { runBy: 'caller' });
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules.map((r) => r.id)).toContain('unparseable');
  });

  test('the message names the character and its offset', () => {
    const verdict = v.check('ps\r# x', host);
    expect(verdict.rules[0]?.message).toMatch(/CR \(carriage return.*offset 2/);
  });

  test.each(["echo $'\\r'", 'echo a\tb', 'ps\nls'])('still allows %j (escape text, tab, newline)', (text) => {
    expect(decision(text)).toBe('allow');
  });
});

describe('brace expansion', () => {
  test.each([
    ['echo a{b,c}d', [['echo', 'abd', 'acd']]],
    ['echo {a,b}{1,2}', [['echo', 'a1', 'a2', 'b1', 'b2']]],
    ['echo {a,{b,c}}', [['echo', 'a', 'b', 'c']]],
    ['echo {1..3}', [['echo', '1', '2', '3']]],
    ['echo {3..1}', [['echo', '3', '2', '1']]],
    ['echo {1..10..4}', [['echo', '1', '5', '9']]],
    ['echo {01..03}', [['echo', '01', '02', '03']]],
    ['echo {a..c}', [['echo', 'a', 'b', 'c']]],
    ['echo {} {x} {a,b', [['echo', '{}', '{x}', '{a,b']]],
    ["echo '{a,b}' \\{a,b\\} \"{a,b}\"", [['echo', '{a,b}', '{a,b}', '{a,b}']]],
    ["echo 'a'{b,c}", [['echo', 'ab', 'ac']]],
    ['echo a{,}', [['echo', 'a', 'a']]],
    ['echo {1..a}', [['echo', '{1..a}']]],
    ['k{ill,} 1', [['kill', 'k', '1']]],
  ])('%j gives the words bash gives', (text, words) => {
    expect(values(text)).toEqual(words);
  });

  test('a literal brace is not a glob', () => {
    expect(v.parse('find . -exec ls {} +').commands[0]?.words.every((w) => !w.glob)).toBe(true);
  });

  test.each(['sort -{o,u} /etc/passwd', 'sort -o{,} /etc/passwd', 'k{ill,} -9 1100', '{kill,-9,1100}', 'echo x > /tmp/{a,b}', 'x{1..300}', 'ls {1..1000000}'])('SHOULD NOT allow %j', (text) => {
    expect(decision(text)).not.toBe('allow');
  });

  test.each(['ls /proc/{1,1100}/status', 'cat /proc/1100/{status,cmdline}', 'echo {1..5}'])('still allows %j', (text) => {
    expect(decision(text)).toBe('allow');
  });
});

describe('syntax bash rejects is unparseable', () => {
  test.each(['a ;; b', 'ps ;; reboot', 'ps ;& ls', 'ps & ; reboot', 'ps )', 'fi', 'ps; fi', 'done', 'ps ;;& ls', 'then ps', '} ; ps', 'ps; esac'])('SHOULD NOT allow %j', (text) => {
    expect(decision(text)).toBe('deny');
  });

  test('case branches still parse', () => {
    expect(decision('case x in a) ps ;; b) ls ;& *) ls ;; esac')).toBe('allow');
  });
});

describe('the body of a c-style for loop is judged', () => {
  test('SHOULD NOT allow reboot in for ((…))', () => {
    expect(decision('for ((i=0;i<1;i++)); do reboot; done')).toBe('deny');
  });
});

describe('a write through a descriptor is a write to the file it holds', () => {
  test.each([
    'echo x 3>/etc/passwd >/dev/fd/3',
    'cat /proc/1/status 3</etc/passwd >/dev/fd/3',
    'cat /proc/1/status 3</etc/passwd >/proc/self/fd/3',
    'cat /proc/1/status 3</etc/passwd >/proc/thread-self/fd/3',
    '{ echo x > /dev/stdout; } > /etc/passwd',
    '{ echo x > /dev/stderr; } 2> /etc/shadow',
    'tee /dev/fd/3 3>/etc/passwd',
    'tee /dev/stdout >/etc/passwd < /proc/1/status',
    'exec 3>/etc/passwd; echo x >&3',
  ])('SHOULD NOT allow %j', (text) => {
    expect(decision(text)).toBe('deny');
  });

  test.each(['echo x >&3', 'echo x > /dev/fd/3', 'echo x > /proc/self/fd/7', 'tee /dev/fd/4 < /proc/1/status', 'echo x > /dev/fd/../../etc/passwd', 'echo -1000 > /dev/fd/3 3>/proc/1100/oom_score_adj'])('asks at least, for a descriptor from outside: %j', (text) => {
    expect(decision(text)).not.toBe('allow');
  });

  test.each(['echo hi > /dev/stderr', 'ps 2>&1', 'ps > /dev/null 2>&1', 'tee /dev/stderr < /proc/1/status', 'echo x >&2', 'ps 2>/dev/null'])('still allows %j', (text) => {
    expect(decision(text)).toBe('allow');
  });
});
