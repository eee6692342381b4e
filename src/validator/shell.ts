import { add, type Acc } from './acc.js';
import type { Word } from './parse.js';

/** Variables that change which program runs or inject code into read-only commands. */
const DANGEROUS_VARS = /^(PATH|LD_[A-Z_]+|BASH_ENV|ENV|IFS|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|GLOBIGNORE|BASH_FUNC_.*|NODE_OPTIONS|PERL5OPT|PERL5LIB|PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|RUBYOPT|RUBYLIB|GCONV_PATH|EDITOR|VISUAL|PAGER|SYSTEMD_PAGER|SYSTEMD_EDITOR|LESSOPEN|LESSCLOSE|MANPAGER|GIT_SSH|GIT_SSH_COMMAND|SUDO_ASKPASS|SSH_ASKPASS)$/;

/** Shell text in a message: in backticks, or in double quotes when it holds backticks itself. */
export function quoted(text: string): string {
  return text.includes('`') ? `"${text}"` : `\`${text}\``;
}

/** A word whose value is only known at run time: shell-indirection, and true. */
export function dynamicWord(w: Word, acc: Acc): boolean {
  if (w.dynamic === null) return false;
  add(
    acc,
    'shell-indirection',
    `${quoted(w.raw.length > 60 ? `${w.raw.slice(0, 60)}…` : w.raw)} contains ${w.dynamic}: its value is only known when the shell runs it, so what the command hits cannot be checked. Expand it yourself and check the literal command.`,
  );
  return true;
}

/** A variable set for a command or the shell (NAME=value, env NAME=value). */
export function checkAssignment(name: string, value: Word, acc: Acc): void {
  if (dynamicWord(value, acc)) return;
  if (DANGEROUS_VARS.test(name)) {
    add(acc, 'shell-indirection', `Setting ${name} changes which program runs or injects code into it (a "read-only" command could run something else). Run the command without it.`);
  }
}
