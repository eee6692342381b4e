import { add, type Acc } from './acc.js';
import type { Word } from './parse.js';

/**
 * Variables that change which program runs, run code, or change how the shell reads what
 * follows: setting one is shell-indirection. PATH and the loader's LD_*; files and code the
 * shell or a tool runs (BASH_ENV, ENV, PROMPT_COMMAND, PS0–PS4 under set -x, BASH_CMDS,
 * BASH_ALIASES, BASH_FUNC_*, FPATH, BASH_LOADABLES_PATH, INPUTRC, MAIL*, COMP_*, READLINE_*);
 * how words are split and matched (IFS, GLOBIGNORE, EXECIGNORE, histchars, SHELLOPTS,
 * BASHOPTS); where cd, history, host lookup and the locale loader go (CDPATH, HISTFILE,
 * HOSTALIASES, LOCPATH, NLSPATH, GCONV_PATH); what other interpreters, pagers and editors run.
 */
const RUNS_CODE = new RegExp(
  '^(' +
    [
      'PATH', 'LD_[A-Z_]*', 'BASH_ENV', 'ENV', 'IFS', 'SHELLOPTS', 'BASHOPTS', 'PS[0-4]', 'PROMPT_COMMAND', 'GLOBIGNORE', 'BASH_FUNC_.*',
      'BASH_CMDS', 'BASH_ALIASES', 'BASH_XTRACEFD', 'BASH_LOADABLES_PATH', 'BASH_COMPAT', 'BASH_ARGV0', 'EXECIGNORE', 'FPATH', 'CDPATH',
      'HISTFILE', 'HISTCMD', 'HOSTALIASES', 'HOSTFILE', 'INPUTRC', 'MAIL.*', 'COMP_.*', 'READLINE_.*', 'TMOUT', 'POSIXLY_CORRECT',
      'histchars', 'auto_resume', 'LOCPATH', 'NLSPATH', 'GCONV_PATH', 'NODE_OPTIONS', 'NODE_PATH', 'PERL5OPT', 'PERL5LIB', 'PERLLIB',
      'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PYTHONINSPECT', 'RUBYOPT', 'RUBYLIB', 'EDITOR', 'VISUAL', 'PAGER', 'SYSTEMD_PAGER',
      'SYSTEMD_EDITOR', 'SYSTEMD_LESS', 'SYSTEMD_PAGERSECURE', 'LESS', 'LESSOPEN', 'LESSCLOSE', 'LESSKEY.*', 'MORE', 'MANPAGER',
      'MANOPT', 'BROWSER', 'GIT_.*', 'SUDO_ASKPASS', 'SSH_ASKPASS', 'SUDO_EDITOR', 'TERMINFO', 'TERMINFO_DIRS', 'TERMCAP',
    ].join('|') +
    ')$',
);

/**
 * Uppercase variables known to change only how output looks (language, time zone, terminal
 * size and colours, ps and ls formats). Ordinary lowercase names are script variables that
 * bash gives no meaning; histchars and auto_resume, bash's lowercase specials, are in RUNS_CODE.
 */
const HARMLESS = /^(LANG|LANGUAGE|LC_[A-Z]+|TZ|TERM|COLUMNS|LINES|NO_COLOR|SYSTEMD_COLORS|SYSTEMD_URLIFY|LS_COLORS|GREP_COLORS|TIME_STYLE|PS_FORMAT|PS_PERSONALITY|PROCPS_USERLEN|PROCPS_FROMLEN|OPTIND|OPTERR)$/;

/** Lowercase names that are not bash's but tools' own settings: where their traffic goes. */
const TOOL_SETTINGS = /_proxy$/;

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

/** What setting a variable does: nothing procdoc needs to judge, changes what runs, or not known. */
export function nameEffect(name: string): 'harmless' | 'runs-code' | 'unknown' {
  if (RUNS_CODE.test(name)) return 'runs-code';
  if (HARMLESS.test(name) || (/^[a-z_][a-z0-9_]*$/.test(name) && !TOOL_SETTINGS.test(name))) return 'harmless';
  return 'unknown';
}

/**
 * Checks a variable name that a command sets (NAME=, read NAME, printf -v NAME, declare NAME…):
 * a subscript other than a literal index is arithmetic bash evaluates (a[$(cmd)] runs cmd,
 * a[x] evaluates x's value in turn); then the name itself (nameEffect). `how` says what sets it.
 */
export function checkName(raw: string, acc: Acc, how = 'Setting'): void {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/s.exec(raw);
  if (!m) {
    add(acc, 'shell-indirection', `${how} ${quoted(raw)}: that is not a plain variable name, and bash evaluates what it cannot take as one (an array subscript is arithmetic, where $(…) runs). Use a plain name.`);
    return;
  }
  const [, name, subscript] = m;
  if (subscript !== undefined && !/^\d+$/.test(subscript)) {
    add(acc, 'shell-indirection', `${how} ${quoted(raw)}: bash evaluates the subscript [${subscript}] as arithmetic, which runs any $(…) in it and evaluates variables' values as expressions in turn. Use a literal index such as ${name}[0].`);
    return;
  }
  switch (nameEffect(name!)) {
    case 'harmless':
      return;
    case 'runs-code':
      add(acc, 'shell-indirection', `${how} ${name} changes which program runs, runs code, or changes how the shell reads the commands after it (a "read-only" command could run something else). Run the command without it.`);
      return;
    case 'unknown':
      add(acc, 'unknown-command', `procdoc does not know what setting ${name} does to this command: a program may read it as a setting. Run the command without it, or check what ${name} means to it.`);
  }
}

/** A variable set for a command or the shell (NAME=value, NAME+=value, env NAME=value). */
export function checkAssignment(name: string, value: Word, acc: Acc): void {
  checkName(name.replace(/\+$/, ''), acc);
  if (dynamicWord(value, acc)) return;
  if (value.value !== null && /[$`]/.test(value.value)) {
    add(acc, 'shell-indirection', `${name}=${quoted(value.value)} stores shell syntax: wherever bash evaluates the variable as arithmetic ((( ${name} )), $[ ], a subscript, [[ … -eq … ]]), the $(…) or \` \` in it runs. Store the value without $ and backticks.`);
  }
}
