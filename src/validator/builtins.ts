import { add, readOnly } from './acc.js';
import { each, type Call, type CommandTable } from './call.js';
import { checkName, quoted } from './shell.js';

// Bash builtins. They run in the shell itself, so what they do is the shell's: some set
// variables (whose names may carry subscripts bash evaluates), some evaluate their arguments
// as arithmetic, in which $(…) runs and a name is a variable whose value is an expression in
// turn, and some change how the shell runs what follows (set, shopt).

/** Builtins that ignore or only print their arguments: no argument of theirs is evaluated. */
const INERT = new Set(['echo', ':', 'true', 'false']);

/**
 * A static argument with $ or a backtick: builtins that take numbers (printf %d, test -eq,
 * shift, ulimit, return…) evaluate such text as arithmetic, and $(…) in it runs.
 */
function shellSyntaxInArgs({ name, args, acc }: Call): boolean {
  if (INERT.has(name)) return false;
  const bad = args.find((a) => /[$`]/.test(a));
  if (bad === undefined) return false;
  add(acc, 'shell-indirection', `${name} ${quoted(bad)}: bash evaluates the numeric arguments of its builtins as arithmetic, where $(…) and \` \` run commands. Pass plain values.`);
  return true;
}

/** A builtin whose arguments are only data (after the check above). */
function inert(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  readOnly(call.acc, call.name);
}

/** Why arithmetic text could run or read something procdoc cannot see, or null. */
export function arithmeticProblem(text: string, knownInteger: (name: string) => boolean): string | null {
  if (/[$`'"\\[\]]/.test(text)) return 'it holds $, backticks, quotes or a subscript, and bash expands and evaluates those in arithmetic (a[$(cmd)] runs cmd)';
  // Numbers (10, 0x1f, 16#ff) are not names.
  const names = text.replace(/\b\d+#[0-9A-Za-z@_]+|\b0[xX][0-9A-Fa-f]+|\b\d+\b/g, '0');
  const seen = new Set<string>();
  for (const m of names.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const name = m[0];
    // Assigned a literal integer where it first appears (for ((i=0; …))), or set earlier.
    if (!seen.has(name) && /^\s*=(?!=)\s*[+-]?\d+\b/.test(names.slice(m.index + name.length))) seen.add(name);
    if (seen.has(name) || knownInteger(name)) continue;
    return `${name} is a variable whose value is not a number set in this command, and bash evaluates a variable's value as an expression in turn (x='a[$(reboot)]' makes (( x )) reboot)`;
  }
  return null;
}

function checkArithmetic(call: Call, text: string, what: string): boolean {
  const why = arithmeticProblem(text, call.ctx.knownInteger ?? (() => false));
  if (why === null) return true;
  add(call.acc, 'shell-indirection', `${what} ${quoted(text.trim())} is arithmetic bash evaluates: ${why}. Use literal numbers, or variables set to literal numbers earlier in the same command.`);
  return false;
}

/** (( … )), for (( … )): the parser gives the expression as the one argument. */
function arithmeticCommand(call: Call): void {
  if (checkArithmetic(call, call.args.join(' '), '((')) readOnly(call.acc, '(( ))');
}

function letBuiltin(call: Call): void {
  if (call.args.every((a) => checkArithmetic(call, a, 'let'))) readOnly(call.acc, 'let');
}

const ARITHMETIC_TESTS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/** test and [: -v takes a variable name, whose subscript bash evaluates. */
function testBuiltin(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  let ok = true;
  call.args.forEach((a, i) => {
    if (a === '-v' && call.args[i + 1] !== undefined && !plainName(call, call.args[i + 1]!, `${call.name} -v`)) ok = false;
  });
  if (ok) readOnly(call.acc, call.name === '[' ? '[ ]' : 'test');
}

/** [[ … ]]: the operands of -eq and friends are arithmetic; -v takes a variable name. */
function doubleBracket(call: Call): void {
  const { args } = call;
  let ok = true;
  args.forEach((a, i) => {
    if (ARITHMETIC_TESTS.has(a)) {
      for (const operand of [args[i - 1], args[i + 1]]) if (operand !== undefined && !checkArithmetic(call, operand, `[[ … ${a} … ]]:`)) ok = false;
    } else if (a === '-v' && args[i + 1] !== undefined && !plainName(call, args[i + 1]!, '[[ -v')) ok = false;
  });
  if (ok) readOnly(call.acc, '[[ ]]');
}

/** A variable name a builtin reads or sets: no subscript but a literal index. */
function plainName(call: Call, raw: string, how: string): boolean {
  if (/^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?$/.test(raw)) return true;
  add(call.acc, 'shell-indirection', `${how} ${quoted(raw)}: bash evaluates a subscript as arithmetic (a[$(cmd)] runs cmd, a[x] evaluates x's value). Use a plain name or a literal index.`);
  return false;
}

/** A variable a builtin sets: its name as plainName, then what the variable does (checkName). */
function sets(call: Call, raw: string): void {
  if (plainName(call, raw, `${call.name} sets`)) checkName(raw, call.acc, `${call.name} setting`);
}

/** The operands after options; valueOpts take a value (attached or the next word), collected. */
function parse(args: readonly string[], valueOpts: string, flagOpts: string): { values: Map<string, string>; flags: Set<string>; operands: string[]; bad: string | null } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!/^-./.test(a)) break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (valueOpts.includes(c)) {
        const v = j < a.length - 1 ? a.slice(j + 1) : args[++i];
        if (v === undefined) return { values, flags, operands: [], bad: `-${c} needs a value` };
        values.set(c, v);
        break;
      }
      if (!flagOpts.includes(c)) return { values, flags, operands: [], bad: `-${c} is not an option procdoc knows` };
      flags.add(c);
    }
  }
  return { values, flags, operands: args.slice(i), bad: null };
}

function unknownOption(call: Call, bad: string): void {
  add(call.acc, 'unknown-command', `${call.name}: ${bad}, so procdoc cannot tell what this does. Check the command.`);
}

function printf(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const first = call.args[0] ?? '';
  const target = first === '-v' ? call.args[1] : first.startsWith('-v') ? first.slice(2) : undefined;
  if (target !== undefined) sets(call, target);
  readOnly(call.acc, 'printf');
}

function read(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const p = parse(call.args, 'adinNptu', 'ers');
  if (p.bad !== null) return unknownOption(call, p.bad);
  const array = p.values.get('a');
  if (array !== undefined) sets(call, array);
  for (const n of p.operands) sets(call, n);
  readOnly(call.acc, 'read');
}

function mapfile(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const p = parse(call.args, 'dnOsuCc', 't');
  if (p.bad !== null) return unknownOption(call, p.bad);
  if (p.values.has('C')) return void add(call.acc, 'shell-indirection', `${call.name} -C runs ${quoted(p.values.get('C')!)} as shell code for every few lines it reads. Read the lines, then run the commands themselves.`);
  for (const n of p.operands.slice(0, 1)) sets(call, n);
  readOnly(call.acc, call.name);
}

function getopts(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const name = call.args[1];
  if (name !== undefined) sets(call, name);
  readOnly(call.acc, 'getopts');
}

/** declare, typeset, local, export, readonly: attributes; assignments are checked with the command's. */
function declare(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const { name, acc } = call;
  const options = call.args.filter((a) => /^[-+]./.test(a));
  const names = call.args.filter((a) => !/^[-+]./.test(a));
  const letters = options.join('');
  if (/n/.test(letters)) return void add(acc, 'shell-indirection', `${name} -n makes a name a reference to another variable: every later assignment to it sets the other (PATH, IFS, an array with an evaluated subscript). Use the variable itself.`);
  if (/i/.test(letters)) return void add(acc, 'shell-indirection', `${name} -i makes every later assignment to the variable arithmetic, in which variables' values are evaluated as expressions and $(…) in subscripts runs. Assign a literal number without -i.`);
  if (/t/.test(letters)) return void add(acc, 'unknown-command', `${name} -t gives the DEBUG and RETURN traps to functions: procdoc does not know what traps the shell holds. Run the command without it.`);
  if (/f/.test(letters) && name === 'export') return void add(acc, 'unknown-command', `export -f passes shell functions to every child bash, which runs them in place of commands of the same names; procdoc cannot see them. Run the command without it.`);
  const unknown = options.find((o) => !/^[-+][aAfFgilprtuxI]+$/.test(o));
  if (unknown !== undefined) return unknownOption(call, `${unknown} is not an option procdoc knows`);
  if (!/f/i.test(letters)) for (const n of names) sets(call, n);
  readOnly(acc, name);
}

function unset(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const p = parse(call.args, '', 'fnv');
  if (p.bad !== null) return unknownOption(call, p.bad);
  // Unsetting takes a setting away; only a subscript is evaluated (unset 'a[$(cmd)]').
  if (!p.flags.has('f')) for (const n of p.operands) plainName(call, n, 'unset');
  readOnly(call.acc, 'unset');
}

/** set options that change only errors, globbing and what is printed; the rest are judged below. */
const SAFE_SET_LETTERS = /^[eufCnvabhmPt]+$/;
const SAFE_SET_OPTIONS = new Set(['errexit', 'nounset', 'noglob', 'noclobber', 'noexec', 'verbose', 'allexport', 'notify', 'hashall', 'monitor', 'physical', 'pipefail', 'onecmd', 'ignoreeof', 'nolog', 'emacs', 'vi', 'history']);
/** Options that make later text mean something else or run code: xtrace expands PS4 (code from the caller's environment), keyword takes name=value arguments for assignments. */
const CODE_SET_LETTERS = /[xk]/;
const CODE_SET_OPTIONS = new Set(['xtrace', 'keyword', 'interactive-comments', 'braceexpand', 'histexpand', 'posix', 'functrace', 'errtrace']);

function set(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const { args, acc } = call;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || a === '-' || !/^[-+]/.test(a)) break; // the rest are positional parameters: data
    if (/^[-+][a-zA-Z]*o$/.test(a)) {
      // -o NAME, also at the end of combined letters (set -euo pipefail).
      const opt = args[i + 1];
      i++;
      const rest = a.slice(1, -1);
      if (rest !== '') {
        if (CODE_SET_LETTERS.test(rest) && a.startsWith('-')) return void add(acc, 'shell-indirection', `set ${a}: -x expands PS4 before every command (PS4 may hold code from the caller's environment), -k takes name=value arguments for assignments. Run the commands without it.`);
        if (!SAFE_SET_LETTERS.test(rest.replace(/[xk]/g, '') || 'e')) return void add(acc, 'unknown-command', `procdoc does not know what set ${a} does to the commands after it. Run them without it.`);
      }
      if (opt === undefined) continue; // prints the options
      if (CODE_SET_OPTIONS.has(opt)) return void add(acc, 'shell-indirection', `set ${a} ${opt} changes how the shell reads or runs the commands after it (xtrace expands PS4, which may hold code from the caller's environment). Run the commands without it.`);
      if (!SAFE_SET_OPTIONS.has(opt)) return void add(acc, 'unknown-command', `procdoc does not know what set ${a} ${opt} does to the commands after it. Run them without it.`);
      continue;
    }
    const letters = a.slice(1);
    if (CODE_SET_LETTERS.test(letters) && a.startsWith('-')) return void add(acc, 'shell-indirection', `set ${a}: -x expands PS4 before every command (PS4 may hold code from the caller's environment), -k takes name=value arguments for assignments. Run the commands without it.`);
    if (!SAFE_SET_LETTERS.test(letters.replace(/[xk]/g, '') || 'e')) return void add(acc, 'unknown-command', `procdoc does not know what set ${a} does to the commands after it. Run them without it.`);
  }
  readOnly(acc, 'set');
}

/** shopt options that change only globbing, matching and how errors end the script. */
const SAFE_SHOPT = new Set(['nullglob', 'failglob', 'dotglob', 'nocaseglob', 'nocasematch', 'globstar', 'globasciiranges', 'lastpipe', 'inherit_errexit', 'checkwinsize', 'xpg_echo', 'extglob', 'cdspell', 'dirspell', 'checkjobs', 'huponexit', 'localvar_inherit', 'localvar_unset', 'noexpand_translation', 'patsub_replacement', 'varredir_close', 'globskipdots', 'nullglob']);

function shopt(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const p = parse(call.args, '', 'psuqo');
  if (p.bad !== null) return unknownOption(call, p.bad);
  if ((p.flags.has('s') || p.flags.has('u')) && !p.flags.has('o')) {
    for (const n of p.operands) {
      if (n === 'expand_aliases' || n === 'extdebug' || n === 'sourcepath') return void add(call.acc, 'shell-indirection', `shopt ${p.flags.has('s') ? '-s' : '-u'} ${n} changes what later command names run (aliases, debugger hooks, source lookup). Run the commands without it.`);
      if (!SAFE_SHOPT.has(n)) return void add(call.acc, 'unknown-command', `procdoc does not know what shopt ${n} does to the commands after it. Run them without it.`);
    }
  } else if (p.flags.has('o') && (p.flags.has('s') || p.flags.has('u'))) {
    return set({ ...call, args: p.operands.flatMap((o) => [p.flags.has('s') ? '-o' : '+o', o]) });
  }
  readOnly(call.acc, 'shopt');
}

/** The shell's own limits: printing them, or lowering them for this shell and its children, changes nothing else. */
function ulimit(call: Call): void {
  inert(call);
}

function wait(call: Call): void {
  if (shellSyntaxInArgs(call)) return;
  const p = parse(call.args, 'p', 'fn');
  if (p.bad !== null) return unknownOption(call, p.bad);
  const name = p.values.get('p');
  if (name !== undefined) sets(call, name);
  readOnly(call.acc, 'wait');
}

export const BUILTIN_COMMANDS: CommandTable = {
  ...each(['echo', ':', 'true', 'false', 'cd', 'pwd', 'jobs', 'times', 'help', 'type', 'shift', 'return', 'exit', 'break', 'continue', 'dirs', 'pushd', 'popd'], inert),
  printf,
  test: testBuiltin,
  '[': testBuiltin,
  '[[': doubleBracket,
  '((': arithmeticCommand,
  let: letBuiltin,
  read,
  ...each(['mapfile', 'readarray'], mapfile),
  getopts,
  ...each(['declare', 'typeset', 'local', 'export', 'readonly'], declare),
  unset,
  set,
  shopt,
  ulimit,
  wait,
};


