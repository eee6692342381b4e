import { posix } from 'node:path';
import { add, newAcc, readOnly, type Acc, type JudgeContext } from './acc.js';
import { ADMIN_COMMANDS, isVitalMount } from './admin.js';
import { BUILTIN_COMMANDS } from './builtins.js';
import type { ArgvOptions, CommandTable } from './call.js';
import { CONTAINER_COMMANDS } from './containers.js';
import { DEBUGGER_COMMANDS } from './debuggers.js';
import { destructiveCommand, FILE_COMMANDS, judgeWrite } from './files.js';
import { SIGNAL_COMMANDS } from './kill.js';
import type { ParsedScript, SimpleCommand } from './parse.js';
import { ARGS_CANNOT_HURT, BUILTIN_READ_ONLY, judgeReadOnlyTool, parseFind, toolGrammar } from './readonly.js';
import { parseArgs } from './options.js';
import { SCHEDULING_COMMANDS } from './scheduling.js';
import { SERVICE_COMMANDS, judgeService } from './systemctl.js';
import { checkAssignment, checkName, dynamicWord } from './shell.js';
import { INTERPRETERS, WRAPPER_COMMANDS, interpreter } from './wrappers.js';

const MAX_DEPTH = 4;
const SYSTEM_ROOTS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/opt', '/proc', '/root', '/sbin', '/srv', '/sys', '/usr', '/var', '~']);
const STANDARD_DIRS = new Set(['/bin', '/usr/bin', '/sbin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);

/** Every command procdoc judges by name, family by family; what is in none is judged as read-only or unknown. */
const COMMANDS: CommandTable = {
  ...WRAPPER_COMMANDS,
  ...SIGNAL_COMMANDS,
  ...SERVICE_COMMANDS,
  ...SCHEDULING_COMMANDS,
  ...DEBUGGER_COMMANDS,
  ...FILE_COMMANDS,
  ...CONTAINER_COMMANDS,
  ...ADMIN_COMMANDS,
  ...BUILTIN_COMMANDS,
};

/** Judges every simple command of a parsed script. */
export function judgeScript(parsed: ParsedScript, ctx: JudgeContext, acc: Acc): void {
  for (const p of parsed.problems) add(acc, p.kind === 'function' ? 'shell-indirection' : 'unparseable', p.message);
  const integers = integerVariables(parsed);
  // Descriptors that `exec N>…` opened for the commands after it (judged as a write there).
  const opened = new Map<number, string | null>();
  parsed.commands.forEach((cmd, i) => {
    judgeSimple(cmd, { ...ctx, knownInteger: (name) => (integers.get(name) ?? Infinity) < i }, acc, opened);
  });
}

/** Builtins that set the variables named in their arguments (read NAME, printf -v NAME, …). */
const SETTERS = new Set(['read', 'printf', 'mapfile', 'readarray', 'getopts', 'declare', 'typeset', 'local', 'export', 'readonly', 'unset', 'wait']);

/**
 * Variables whose value is a plain integer wherever arithmetic may read them, each with the
 * index of the command that sets it first: every assignment to it in the script is a literal
 * integer, the first one runs unconditionally in the script's shell, and nothing else sets it.
 * Arithmetic evaluates any other variable's value as an expression in turn, from wherever it came.
 */
function integerVariables(parsed: ParsedScript): Map<string, number> {
  const first = new Map<string, number>();
  const spoiled = new Set<string>();
  parsed.commands.forEach((cmd, i) => {
    const standalone = cmd.top === true && (cmd.words.length === 0 || ['declare', 'typeset', 'local', 'export', 'readonly'].includes(cmd.words[0]?.value ?? ''));
    for (const a of cmd.assignments) {
      const name = a.name.replace(/\[.*$|\+$/s, '');
      if (standalone && !a.name.includes('[') && !a.name.endsWith('+') && a.value.value !== null && /^[+-]?\d+$/.test(a.value.value)) {
        if (!first.has(name)) first.set(name, i);
      } else spoiled.add(name);
    }
    for (const n of cmd.sets ?? []) spoiled.add(n);
    if (SETTERS.has(cmd.words[0]?.value ?? '')) for (const w of cmd.words) if (w.value !== null) spoiled.add(w.value.replace(/^-v/, '').replace(/\[.*$/s, ''));
  });
  for (const n of spoiled) first.delete(n);
  return first;
}

function nested(text: string, ctx: JudgeContext, acc: Acc, via: string): void {
  if (ctx.depth >= MAX_DEPTH) {
    add(acc, 'unparseable', `${via} nests shell code more than ${MAX_DEPTH} levels deep; procdoc does not follow it. Run the innermost command directly.`);
    return;
  }
  judgeScript(ctx.parse(text), { ...ctx, depth: ctx.depth + 1 }, acc);
}

/** What a command writes to stdout, when that is static (echo, printf). */
function staticOutput(cmd: SimpleCommand | undefined): string | null {
  if (!cmd || cmd.words.some((w) => w.value === null)) return null;
  const [name, ...args] = cmd.words.map((w) => w.value ?? '');
  if (name === 'echo') return args.filter((a) => !/^-[neE]+$/.test(a)).join(' ');
  if (name === 'printf' && args.length === 1 && !/[%\\]/.test(args[0] ?? '')) return args[0] ?? '';
  if (name === 'printf' && args.length === 2 && (args[0] === '%s' || args[0] === '%d' || args[0] === '%s\\n' || args[0] === '%d\\n')) return args[1] ?? '';
  return null;
}

/**
 * What a file descriptor holds while a command runs: the caller's own stream (0–2 as the
 * command got them), a file opened by name (its path, or null when not static), here-text, or
 * nothing known (a descriptor the command did not open: it may hold any file).
 */
type Descriptor = { kind: 'caller' } | { kind: 'data' } | { kind: 'file'; path: string | null };

/** A path that names an open descriptor: opening it opens the same file again (with O_TRUNC for >). */
function descriptorPath(path: string): number | null {
  const std = /^\/dev\/(stdin|stdout|stderr)$/.exec(path);
  if (std) return ['stdin', 'stdout', 'stderr'].indexOf(std[1]!);
  const m = /^\/(?:dev\/fd|proc\/(?:self|thread-self)\/fd)\/(\d+)$/.exec(path.replace(/\/+/g, '/'));
  return m ? Number(m[1]) : null;
}

function judgeSimple(cmd: SimpleCommand, ctx: JudgeContext, acc: Acc, opened: Map<number, string | null>): void {
  let dynamic = false;
  for (const a of cmd.assignments) checkAssignment(a.name, a.value, acc);
  for (const n of cmd.sets ?? []) checkName(n, acc, `${cmd.text} sets`);
  for (const w of cmd.words) dynamic = dynamicWord(w, acc) || dynamic;
  let stdin: string | null = staticOutput(cmd.pipedFrom);
  const output = staticOutput(cmd);
  // Bash applies redirections left to right, the enclosing statement's first.
  const fds = new Map<number, Descriptor>([0, 1, 2].map((n) => [n, { kind: 'caller' }]));
  for (const [n, path] of opened) fds.set(n, { kind: 'file', path });
  const write = (path: string, glob: boolean, how: string): void => {
    const n = descriptorPath(path);
    const held = n === null ? undefined : fds.get(n);
    if (n === null) judgeWrite(path, glob, output, ctx, acc, how);
    else if (held === undefined) judgeWrite(path, false, output, ctx, acc, how); // files.ts: a descriptor from outside
    else if (held.kind === 'file' && held.path !== null) judgeWrite(held.path, false, output, ctx, acc, `${how} (through ${path})`);
  };
  for (const r of cmd.redirects) {
    if (r.op === '<<<' || r.op === '<<' || r.op === '<<-') {
      if (r.target && !dynamicWord(r.target, acc)) stdin = r.target.value;
      fds.set(r.fd ?? 0, { kind: 'data' });
      continue;
    }
    if (!r.target) continue;
    if (dynamicWord(r.target, acc)) {
      for (const n of r.op === '&>' || r.op === '&>>' ? [1, 2] : [r.fd ?? (r.op.startsWith('<') ? 0 : 1)]) fds.set(n, { kind: 'file', path: null });
      continue;
    }
    const path = r.target.value ?? '';
    const into = r.fd ?? (r.op.startsWith('<') ? 0 : 1);
    if ((r.op === '>&' || r.op === '<&') && /^(\d+|-)$/.test(path)) {
      // A copy of another descriptor (2>&1), or closing one (>&-).
      if (path === '-') fds.delete(into);
      else {
        const from = fds.get(Number(path));
        if (from === undefined && r.op === '>&') add(acc, 'state-change', `${r.fd ?? ''}>&${path} writes to descriptor ${path}, which this command did not open: it may hold any file. Redirect to the file by name instead.`);
        fds.set(into, from ?? { kind: 'file', path: null });
      }
      continue;
    }
    if (/[>]/.test(r.op)) write(path, r.target.glob, r.op.includes('>>') ? 'Appends to' : 'Writes');
    const n = descriptorPath(path);
    const now: Descriptor = n !== null ? (fds.get(n) ?? { kind: 'file', path: null }) : { kind: 'file', path };
    for (const m of r.op === '&>' || r.op === '&>>' || (r.op === '>&' && r.fd === null) ? [1, 2] : [into]) fds.set(m, now);
  }
  const words = cmd.words.map((w) => w.value ?? '');
  // `exec 3>FILE` opens FILE for the commands after it (its write was judged here).
  if (words[0] === 'exec' && words.length === 1) for (const [n, d] of fds) if (d.kind === 'file') opened.set(n, d.path);
  if (dynamic) return;
  if (cmd.words.length === 0) {
    readOnly(acc, cmd.assignments.length > 0 ? 'variable assignment' : 'redirection');
    return;
  }
  judgeArgv(
    // A program given /dev/fd/3 or /dev/stdout opens what that descriptor holds: judge it by that file's name.
    words.map((w, i) => {
      const n = i === 0 ? null : descriptorPath(w);
      const held = n === null ? undefined : fds.get(n);
      return held?.kind === 'file' ? (held.path ?? w) : w;
    }),
    cmd.words.map((w) => w.glob),
    ctx,
    acc,
    { stdin, unknownArgs: false },
  );
}

/** Resolves a program word: kill, /bin/kill → kill; ./kill, /tmp/kill → null (unknown program). */
export function programName(word: string): string | null {
  if (!word.includes('/')) return word;
  // //bin/kill and /bin/../bin/kill are /bin/kill.
  const path = posix.normalize(word);
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash).replace(/\/+$/, '') || '/';
  return path.startsWith('/') && STANDARD_DIRS.has(dir) ? path.slice(slash + 1) : null;
}

/** Judges one argv: unwraps wrappers, then dispatches on the program. */
export function judgeArgv(argv: readonly string[], globs: readonly boolean[], ctx: JudgeContext, acc: Acc, opts: ArgvOptions): void {
  const w0 = argv[0];
  if (w0 === undefined) return;
  const args = argv.slice(1);
  const argGlobs = globs.slice(1);
  const inner = (from: number): void => {
    if (from >= args.length) return;
    judgeArgv(args.slice(from), argGlobs.slice(from), ctx, acc, opts);
  };
  if (/^\/etc\/(rc\.d\/)?init\.d\/[^/]+$/.test(w0)) return judgeService(args, ctx, acc, w0);
  const name = programName(w0);
  if (name === null) {
    add(acc, 'unknown-command', `${w0} is a program at a path procdoc does not know (not in /bin, /usr/bin, /sbin…): it may not be what its name says. Check what it does, or call the system program.`);
    // It may well be what its name says (a copy or link of kill, rm…): judge it as that too.
    const base = posix.basename(w0);
    if (base !== '' && base !== '.' && base !== '..' && !base.includes('/')) judgeArgv([base, ...args], [false, ...argGlobs], ctx, acc, opts);
    return;
  }
  if (opts.unknownArgs && !ARGS_CANNOT_HURT.has(name)) {
    add(acc, 'shell-indirection', `${name} gets its arguments from its input at run time (xargs, find -exec), so its targets cannot be known now. List the targets explicitly and check that command.`);
    const sub = newAcc();
    judgeArgv(argv, globs, ctx, sub, { ...opts, unknownArgs: false });
    // The inner command lacks its operands here, so only denials about what it is (not about missing targets) carry over.
    for (const h of sub.hits) if (h.decision === 'deny' && h.id !== 'unparseable' && h.id !== 'target-not-found') add(acc, h.id, h.message);
    return;
  }

  const judge = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : INTERPRETERS.test(name) ? interpreter : undefined;
  if (judge !== undefined) {
    return judge({
      name,
      args,
      globs: argGlobs,
      ctx,
      acc,
      opts,
      inner,
      argv: (words, o = opts, into = acc) => judgeArgv(words, words.map(() => false), ctx, into, o),
      nested: (text, via) => nested(text, ctx, acc, via),
    });
  }

  const destroys = destructiveCommand(name);
  if (destroys !== null) {
    if (name === 'shutdown' && args.includes('-c')) return void add(acc, 'state-change', 'shutdown -c cancels a scheduled shutdown.');
    add(acc, 'destructive', `${name} ${destroys}. That is never a fix for a process; do it deliberately, outside procdoc.`);
    return;
  }

  const ro = judgeReadOnlyTool(name, args);
  if (ro !== null) {
    for (const w of ro.writes) judgeWrite(w.path, argGlobs[w.index] ?? false, null, ctx, acc, w.how);
    for (const p of ro.problems) add(acc, p.rule, p.message);
    if (ro.delegate === 'find') judgeFind(args, ctx, acc, opts);
    else if (ro.delegate === 'mount') judgeMount(args, acc, 'mounts a file system');
    else if (ro.delegate === 'fuser-kill') add(acc, 'broad-match', 'fuser -k kills every process that uses the file; the set of processes cannot be known from the command. Find them with fuser (without -k) and kill by PID.');
    if (ro.writes.length === 0 && ro.problems.length === 0 && ro.delegate === undefined) readOnly(acc, name);
    return;
  }
  if (BUILTIN_READ_ONLY.has(name)) return readOnly(acc, name);
  add(acc, 'unknown-command', `procdoc does not know what \`${name}\` does, so it cannot tell whether it is safe here. Check its documentation; if it only reads, run it yourself.`);
}

/** mount: remounting a vital file system read-only is destructive; other mounts change the system. */
function judgeMount(args: readonly string[], acc: Acc, why: string): void {
  const parsed = parseArgs(args, toolGrammar('mount')!);
  const options = parsed.options.flatMap((o) => (o.name === 'options' ? (o.value ?? '').split(',') : []));
  const points = parsed.operands.map((o) => o.value);
  const vital = points.find(isVitalMount);
  if (vital !== undefined && options.includes('remount') && options.includes('ro')) {
    return void add(acc, 'destructive', `mount -o remount,ro ${vital} makes ${vital === '/' ? 'the root file system' : vital} read-only under the running system: logs, package state, PID and lock files can no longer be written, and services fail. No process problem needs it.`);
  }
  add(acc, 'state-change', `\`${['mount', ...args].join(' ')}\` ${why}: it changes the system, so it needs a yes.`);
}

function judgeFind(args: readonly string[], ctx: JudgeContext, acc: Acc, opts: ArgvOptions): void {
  const { starts, primaries } = parseFind(args);
  for (const p of primaries) {
    if (p.name === '-exec' || p.name === '-execdir' || p.name === '-ok' || p.name === '-okdir') {
      // `-exec {} ;` runs each file found: what runs is whatever the search turns up.
      if ((p.args[0] ?? '').includes('{}')) {
        add(acc, 'shell-indirection', `find ${p.name} ${p.args.join(' ')} runs every file it finds as a program: what runs depends on what is on disk. Run the programs by name.`);
        continue;
      }
      const innerArgv = p.args.filter((w) => w !== '{}');
      judgeArgv(innerArgv, innerArgv.map(() => false), ctx, acc, { ...opts, unknownArgs: true });
    } else if (p.name === '-delete') {
      const top = starts.some((s) => SYSTEM_ROOTS.has(s.replace(/(.)\/+$/, '$1')));
      if (top) add(acc, 'destructive', `find ${starts.join(' ') || '.'} -delete deletes matching files across ${starts.join(' ') || 'the current directory'}; on a system tree that is unrecoverable.`);
      else add(acc, 'state-change', `find -delete deletes every file that matches under ${starts.join(' ')}. Run it without -delete first to see the list.`);
    } else if (p.name.startsWith('-fprint') || p.name === '-fls') {
      judgeWrite(p.args[0] ?? '', false, null, ctx, acc, `find ${p.name} writes`);
    }
  }
}
