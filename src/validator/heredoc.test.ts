import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

// tree-sitter-bash 0.25 hangs everything written after a heredoc opener on the same line
// (redirections, &&, ||, a pipe) under the heredoc_redirect node, and does not parse a
// `;` or `&` there at all. These commands are judged like any other.

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const ids = (command: string) => validator.check(command, validatorHost()).rules.map((r) => r.id);

describe('what follows a heredoc opener on its line is judged', () => {
  test.each([
    ['&& after a redirection', 'cat <<EOF >/dev/null && rm -rf /\nx\nEOF', 'destructive'],
    ['&&', 'cat <<EOF && rm -rf /\nx\nEOF', 'destructive'],
    ['||', 'cat <<EOF || kill -9 1\nx\nEOF', 'target-pid1'],
    ['a pipe into sh', 'cat <<EOF | sh\nx\nEOF', 'shell-indirection'],
    ['a pipe into sh, <<-', 'cat <<-EOF | sh\n\tx\n\tEOF', 'shell-indirection'],
    ['a pipe into xargs kill', 'cat <<EOF | xargs kill -9\n1\nEOF', 'shell-indirection'],
    ['a pipe into kill', 'cat <<EOF | kill -9 1\nx\nEOF', 'target-pid1'],
    ['a pipe, then &&', 'cat <<EOF | grep x && kill -9 1\nx\nEOF', 'target-pid1'],
    ['a quoted delimiter', "cat <<'EOF' && kill -9 1\nx\nEOF", 'target-pid1'],
    ['in a subshell', '( cat <<EOF && kill -9 1\nx\nEOF\n)', 'target-pid1'],
    ['in a function body', 'f() { cat <<EOF | kill -9 1\nx\nEOF\n}', 'target-pid1'],
    ['in a command substitution', 'echo "$(cat <<EOF | kill -9 1\nx\nEOF\n)"', 'target-pid1'],
    ['in an if', 'if true; then cat <<EOF && kill -9 1\nx\nEOF\nfi', 'target-pid1'],
  ])('%s: %j', (_what, command, rule) => {
    const verdict = validator.check(command, validatorHost());
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules.map((r) => r.id)).toContain(rule);
  });

  test('a redirection after the opener writes like any other', () => {
    expect(ids('cat <<EOF >/tmp/out\nx\nEOF')).toEqual(['state-change']);
    expect(validator.check('cat <<EOF >/tmp/out\nx\nEOF', validatorHost()).rules[0]?.message).toBe('Writes /tmp/out.');
  });

  test('`;` and `&` after the opener are valid bash: the next command gets its own verdict, with no unparseable', () => {
    expect(ids('cat <<EOF ; kill -9 1\nx\nEOF')).toEqual(['target-pid1']);
    expect(ids('cat <<EOF & kill -9 1\nx\nEOF')).toEqual(['target-pid1']);
    expect(ids('cat <<"EOF";kill -9 1\nx\nEOF')).toEqual(['target-pid1']);
    expect(ids('cat <<EOF && ps ; kill -9 1\nx\nEOF')).toEqual(['target-pid1']);
    expect(ids('cat <<EOF ; echo ok\nx\nEOF')).toEqual(['read-only']);
  });

  test('a delimiter written against the operator (<<EOF; <<EOF| <<EOF&&) ends at the operator, as in bash', () => {
    expect(ids('cat <<EOF; kill -9 1\nx\nEOF')).toEqual(['target-pid1']);
    expect(ids('cat <<EOF&&kill -9 1\nx\nEOF')).toEqual(['target-pid1']);
    expect(ids('cat <<EOF|sh\nx\nEOF')).toEqual(['shell-indirection']);
    expect(ids('cat <<EOF;echo ok\nx\nEOF')).toEqual(['read-only']);
  });

  test('two heredocs on one line split by `;` (tree-sitter-bash gives the first body to the second opener) stay denied as unparseable', () => {
    for (const command of ['cat <<A ; cat <<B | sh\na\nA\nb\nB', 'cat <<A ; cat <<B\nkill -9 1\nA\nrm -rf /\nB']) {
      const verdict = validator.check(command, validatorHost());
      expect(verdict.decision, command).toBe('deny');
      expect(verdict.rules.map((r) => r.id), command).toContain('unparseable');
    }
  });

  test('what cannot be parsed after an opener is still denied as unparseable', () => {
    expect(ids('x=1 <<EOF cat | sh\nx\nEOF')).toContain('unparseable');
    expect(validator.check('cat <<EOF | sh', validatorHost()).decision).toBe('deny');
  });
});

describe('heredoc and here-string bodies are data, except for a program that runs its input', () => {
  test('the body of a heredoc fed to a reader is not run', () => {
    expect(ids('cat <<EOF\nkill -9 1\nrm -rf /\nEOF')).toEqual(['read-only']);
    expect(ids('cat <<EOF ; echo hi\nkill -9 1\nEOF')).toEqual(['read-only']);
    expect(ids("cat <<'EOF'\n$(kill -9 1)\nEOF")).toEqual(['read-only']);
  });

  test('a substitution in an unquoted body runs', () => {
    expect(ids('cat <<EOF\n$(kill -9 1)\nEOF')).toContain('target-pid1');
  });

  test('a shell or xargs reading a heredoc or here-string runs it: denied, as piping into sh is', () => {
    for (const command of ['sh <<EOF\nps\nEOF', 'bash -s <<EOF\nps\nEOF', "bash <<< 'ps'", 'xargs kill <<EOF\n1100\nEOF', "echo ps | sh"]) {
      const verdict = validator.check(command, validatorHost());
      expect(verdict.decision, command).toBe('deny');
      expect(verdict.rules.map((r) => r.id), command).toContain('shell-indirection');
    }
  });

  test('here-strings: what follows is judged', () => {
    expect(ids('cat <<< x && rm -rf /')).toContain('destructive');
    expect(ids('cat <<< x ; kill -9 1')).toEqual(['target-pid1']);
    expect(ids('cat <<< x | sh')).toEqual(['shell-indirection']);
    expect(ids("cat <<< 'kill -9 1'")).toEqual(['read-only']);
  });
});
