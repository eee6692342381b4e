import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let v: Validator;
const host = validatorHost();
beforeAll(async () => {
  v = await loadValidator();
});

const verdict = (text: string) => v.check(text, host, { runBy: 'caller' });

describe('arithmetic and subscripts run $(…) even from quoted text', () => {
  const P = "'a[$(reboot)]'";
  test.each([
    `(( ${P} ))`,
    `let ${P}`,
    `[[ 1 -eq ${P} ]]`,
    `[[ -v ${P} ]]`,
    `test -v ${P}`,
    `[ -v ${P} ]`,
    `[ 1 -eq ${P} ]`,
    `declare -i x=${P}`,
    `declare ${P.replace(/'$/, "=1'")}`,
    `export ${P.replace(/'$/, "=1'")}`,
    `printf -v ${P} x`,
    `printf %d ${P}`,
    `printf %d '$(reboot)'`,
    `read ${P}`,
    `read -a ${P}`,
    `mapfile ${P}`,
    `readarray -t ${P}`,
    `getopts a ${P}`,
    `unset ${P}`,
    `shift ${P}`,
    `ulimit -n ${P}`,
    `return ${P}`,
    `exit ${P}`,
    `wait -p ${P}`,
    `x=${P}; (( x ))`,
    `x='$(reboot)'; (( x ))`,
    `read v <<< ${P}; (( v ))`,
    'read v; (( v ))',
    'printf -v v x; (( v ))',
    'mapfile v; let v',
    'getopts a v; (( v ))',
    '(( x ))',
    '(( x + 1 ))',
    'let x',
    '[[ x -eq 1 ]]',
    '[[ $x -eq 1 ]]',
    'echo $(( x ))',
    'x=1 && (( x ))',
    'if true; then x=1; fi; (( x ))',
    '(( x )); x=1',
    'x=1; x=y; (( x ))',
    'x=1 ps; (( x ))',
    'for x in 1; do (( x )); done',
    'for ((i=n; i<3; i++)); do ps; done',
    '(( x, x=1 ))',
    'a[x]=1',
    'a[$x]=1',
    "a['$(reboot)']=1",
    'declare -n ref=PATH',
    'typeset -n ref',
    'declare -i x=y',
    "mapfile -C 'reboot' a",
    'x=`reboot`',
  ])('SHOULD NOT allow %j', (text) => {
    expect(verdict(text).decision).not.toBe('allow');
  });

  test.each([
    '(( 1 + 2 ))',
    '(( 0x1f + 16#ff ))',
    'x=1; (( x + 2 ))',
    'x=1; let x+1',
    'x=1; [[ x -eq 1 ]]',
    'for ((i=0; i<3; i++)); do ps; done',
    '[[ 2 -gt 1 ]]',
    '[[ -n x ]]',
    '[[ -v x ]]',
    'test -v x',
    '[[ x =~ ^a ]]',
  ])('allows %j', (text) => {
    expect(verdict(text).decision).toBe('allow');
  });
});

describe('setting a variable: an allowlist', () => {
  test.each(['PATH=/tmp ps', 'IFS=/ ps', 'PS4=x ps', 'BASH_ENV=/tmp/x bash -c ps', 'PROMPT_COMMAND=reboot', 'BASH_CMDS=x', 'BASH_ALIASES=x', 'histchars=x', 'HISTFILE=/etc/passwd', 'CDPATH=/tmp', 'LD_PRELOAD=/tmp/x.so ps', 'FPATH=/tmp', 'PS1=x', 'GLOBIGNORE=x', 'EXECIGNORE=x', 'BASH_XTRACEFD=3', 'INPUTRC=/tmp/x', 'MAILPATH=/tmp', 'COMP_WORDS=x', 'READLINE_LINE=x', 'HOSTALIASES=/tmp/x', 'LESS=+!reboot ps', 'SYSTEMD_LESS=x ps', 'for PATH in /tmp; do ps; done', 'select IFS in x; do ps; done', 'read PATH', 'printf -v PATH x', 'mapfile BASH_ALIASES', 'getopts a PATH', 'declare PATH=/tmp', 'export LD_PRELOAD=/x', 'local IFS=x', 'readonly PS4=x', 'export PATH', 'env PATH=/tmp ps', 'PATH+=:/tmp ps'])('SHOULD NOT allow %j', (text) => {
    expect(verdict(text).decision).toBe('deny');
  });

  test.each(['FOO=1 ps', 'MY_SETTING=1 ps', 'http_proxy=x ps', 'read FOO'])('asks about a name procdoc does not know: %j', (text) => {
    const r = verdict(text);
    expect(r.decision).toBe('confirm');
    expect(r.rules.map((x) => x.id)).toContain('unknown-command');
  });

  test.each(['LANG=C ps', 'LC_ALL=C ps', 'TZ=UTC date', 'TERM=dumb ps', 'COLUMNS=200 ps', 'NO_COLOR=1 ps', 'SYSTEMD_COLORS=0 ps', 'pid=1100', 'x=1; y=abc', 'a[0]=1', 'read -r line < /proc/1/status', 'read -r a b c < /proc/loadavg', 'mapfile -t lines < /proc/1/status', 'printf -v out %s x'])('allows %j', (text) => {
    expect(verdict(text).decision).toBe('allow');
  });
});

describe('builtins with their options', () => {
  test.each(['set -x; ps', 'set -o xtrace; ps', 'set -k; ps', 'set +o interactive-comments', 'shopt -s expand_aliases', 'shopt -s extdebug', 'shopt -so xtrace', 'export -f f', 'declare -t x', 'set -o nosuchthing', 'shopt -s nosuchthing', 'read -Z x'])('SHOULD NOT allow %j', (text) => {
    expect(verdict(text).decision).not.toBe('allow');
  });

  test.each([
    "printf '%s\\n' x",
    'echo -e "a\\tb"',
    'echo -n x',
    'test -d /proc/1100',
    '[ -e /tmp/x ]',
    'cd /tmp && ls',
    'pwd',
    'set -e; ps',
    'set -euo pipefail; ps',
    'set -- a b',
    'set',
    'shopt -s nullglob; ls',
    'shopt',
    'shopt -p',
    'ulimit -a',
    'ulimit -n',
    'ulimit -c 0',
    'type ps',
    'command -v ps',
    'jobs',
    'wait',
    'declare -p',
    'declare -f',
    'export LANG=C',
    'unset x',
    'unset -f f',
    'true',
    ':',
    'getopts ab opt',
  ])('allows %j', (text) => {
    expect(verdict(text).decision).toBe('allow');
  });
});
