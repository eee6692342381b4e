import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

// bash -n only parses: it runs nothing, so it is safe to give it any text. Every text that
// bash rejects as a syntax error must not be allowed.

const TEXTS = [
  'a ;; b', 'ps & ; ls', 'ps )', '( ps', 'fi', 'done', 'then ps', 'ps; esac', '} ps', 'ps |', '| ps', 'ps && ', '&& ps', 'ps |& ', 'ps ;&',
  'ps ;;&', 'if ps; then ls', 'while ps; do ls', 'case x in a) ps', '{ ps', 'ps }', 'ps <', 'ps >', 'ps 2>', 'ps &>', 'ps >|', "echo 'a", 'echo "a',
  'echo $(ps', 'echo `ps', 'echo ${x', '(( 1 +', '[[ -n x', '[[ ]]', 'for x in; do', 'select', 'function', 'ps & & ls', 'ps ;; ;; ls', 'ps; ;',
  'x=( a', 'echo a )', 'ps | | ls', 'ps || || ls', 'ls; then', 'ls; do', 'coproc', 'ps ! ls', '!', 'ps & |ls', 'ps |& |& ls', 'echo <(ps',
  'cat <<', 'time | ps', 'ps; in', 'ps ]]', '))', 'ps ;&& ls', 'ps &;',
];

let v: Validator;
beforeAll(async () => {
  v = await loadValidator();
});

describe('text bash rejects as a syntax error is never allowed', () => {
  const rejected = TEXTS.filter((t) => spawnSync('bash', ['--norc', '--noprofile', '-n', '-c', t], { timeout: 5000 }).status !== 0);
  test('bash rejects most of these', () => {
    expect(rejected.length).toBeGreaterThan(TEXTS.length / 2);
  });
  test.each(rejected)('SHOULD NOT allow %j', (text) => {
    expect(v.check(text, validatorHost(), { runBy: 'caller' }).decision).not.toBe('allow');
  });
});
