import { posix } from 'node:path';
import { add, describe, merge, newAcc, readOnly, type Acc, type JudgeContext } from './acc.js';
import { touchProcess } from './targets.js';
import { destructiveCommand, judgeDd, judgeMove, judgeRecursiveMode, judgeRm, judgeWrite } from './files.js';
import { judgeKill, judgeKillall, judgeKillall5, judgePkill, judgeSkill } from './kill.js';
import { judgeAttach, judgeChoom, judgeContainerCli, judgeKubectl, judgeRenice, judgeSchedTool } from './misc.js';
import type { ParsedScript, SimpleCommand, Word } from './parse.js';
import { ARGS_CANNOT_HURT, BUILTIN_READ_ONLY, judgeReadOnlyTool, parseFind, toolGrammar } from './readonly.js';
import { parseArgs } from './options.js';
import { judgeService, judgeSystemctl } from './systemctl.js';

const MAX_DEPTH = 4;
const SYSTEM_ROOTS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/opt', '/proc', '/root', '/sbin', '/srv', '/sys', '/usr', '/var', '~']);
const STANDARD_DIRS = new Set(['/bin', '/usr/bin', '/sbin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);
/** Mount points the running system cannot do without: unmounting one, or making it read-only, breaks the machine. */
const VITAL_MOUNTS = new Set(['/', '/usr', '/var', '/etc', '/boot', '/proc', '/sys', '/dev', '/run', '/lib', '/bin', '/sbin']);

function isVitalMount(path: string): boolean {
  return VITAL_MOUNTS.has(posix.normalize(path).replace(/(.)\/$/, '$1'));
}
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'rbash', 'posh', 'yash', 'ksh93']);
const OTHER_SHELLS = new Set(['fish', 'csh', 'tcsh', 'xonsh', 'nu', 'elvish']);
const INTERPRETERS = /^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|irb|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*|luajit|tclsh[0-9.]*|wish|Rscript|R|pwsh|powershell|jshell|groovy|expect|osascript|julia|guile|racket|sbcl|gawk-script|busybox-sh)$/;
const INDIRECTION_BUILTINS: Record<string, string> = {
  eval: 'eval runs text as shell code that is only assembled at run time',
  source: 'source runs the commands in a file procdoc cannot see',
  '.': '. (source) runs the commands in a file procdoc cannot see',
  trap: 'trap installs shell code that runs later, on a signal or at exit',
  alias: 'alias makes a later command name run something else',
  unalias: 'unalias changes what later command names run',
  enable: 'enable can replace builtins with loadable code',
  hash: 'hash can point a command name at another program',
  fc: 'fc re-runs commands from history, which procdoc cannot see',
  coproc: 'coproc starts a command in the background whose I/O is wired at run time',
};
/** Variables that change which program runs or inject code into read-only commands. */
const DANGEROUS_VARS = /^(PATH|LD_[A-Z_]+|BASH_ENV|ENV|IFS|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|GLOBIGNORE|BASH_FUNC_.*|NODE_OPTIONS|PERL5OPT|PERL5LIB|PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|RUBYOPT|RUBYLIB|GCONV_PATH|EDITOR|VISUAL|PAGER|SYSTEMD_PAGER|SYSTEMD_EDITOR|LESSOPEN|LESSCLOSE|MANPAGER|GIT_SSH|GIT_SSH_COMMAND|SUDO_ASKPASS|SSH_ASKPASS)$/;

/** Judges every simple command of a parsed script. */
export function judgeScript(parsed: ParsedScript, ctx: JudgeContext, acc: Acc): void {
  for (const p of parsed.problems) add(acc, p.kind === 'function' ? 'shell-indirection' : 'unparseable', p.message);
  for (const cmd of parsed.commands) judgeSimple(cmd, ctx, acc);
}

function nested(text: string, ctx: JudgeContext, acc: Acc, via: string): void {
  if (ctx.depth >= MAX_DEPTH) {
    add(acc, 'unparseable', `${via} nests shell code more than ${MAX_DEPTH} levels deep; procdoc does not follow it. Run the innermost command directly.`);
    return;
  }
  judgeScript(ctx.parse(text), { ...ctx, depth: ctx.depth + 1 }, acc);
}

function dynamicWord(w: Word, acc: Acc): boolean {
  if (w.dynamic === null) return false;
  add(
    acc,
    'shell-indirection',
    `${quoted(w.raw.length > 60 ? `${w.raw.slice(0, 60)}…` : w.raw)} contains ${w.dynamic}: its value is only known when the shell runs it, so what the command hits cannot be checked. Expand it yourself and check the literal command.`,
  );
  return true;
}

/** Shell text in a message: in backticks, or in double quotes when it holds backticks itself. */
function quoted(text: string): string {
  return text.includes('`') ? `"${text}"` : `\`${text}\``;
}

function checkAssignment(name: string, value: Word, acc: Acc): void {
  if (dynamicWord(value, acc)) return;
  if (DANGEROUS_VARS.test(name)) {
    add(acc, 'shell-indirection', `Setting ${name} changes which program runs or injects code into it (a "read-only" command could run something else). Run the command without it.`);
  }
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

function judgeSimple(cmd: SimpleCommand, ctx: JudgeContext, acc: Acc): void {
  let dynamic = false;
  for (const a of cmd.assignments) checkAssignment(a.name, a.value, acc);
  for (const w of cmd.words) dynamic = dynamicWord(w, acc) || dynamic;
  let stdin: string | null = staticOutput(cmd.pipedFrom);
  const output = staticOutput(cmd);
  for (const r of cmd.redirects) {
    if (r.op === '<<<' || r.op === '<<' || r.op === '<<-') {
      if (r.target && !dynamicWord(r.target, acc)) stdin = r.target.value;
      continue;
    }
    if (!r.target) continue;
    if (dynamicWord(r.target, acc)) continue;
    const path = r.target.value ?? '';
    const writes = /[>]/.test(r.op) && !((r.op === '>&' || r.op === '<&') && /^(\d+|-)$/.test(path));
    if (writes) judgeWrite(path, r.target.glob, output, ctx, acc, r.op.includes('>>') ? 'Appends to' : 'Writes');
  }
  if (dynamic) return;
  if (cmd.words.length === 0) {
    readOnly(acc, cmd.assignments.length > 0 ? 'variable assignment' : 'redirection');
    return;
  }
  judgeArgv(
    cmd.words.map((w) => w.value ?? ''),
    cmd.words.map((w) => w.glob),
    ctx,
    acc,
    { stdin, unknownArgs: false },
  );
}

interface ArgvOptions {
  /** Static text the command reads on stdin (here-string, echo | …), if known. */
  stdin: string | null;
  /** xargs or find -exec add arguments that cannot be known. */
  unknownArgs: boolean;
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

/** Index of the first operand after options; valueOpts take the next word (or an attached value). */
function afterOptions(args: readonly string[], valueOpts: readonly string[], start = 0): number {
  for (let i = start; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return i + 1;
    if (!a.startsWith('-') || a === '-') return i;
    if (a.startsWith('--')) {
      if (!a.includes('=') && valueOpts.includes(a)) i++;
      continue;
    }
    // Combined short flags: a value option takes the rest of the word, or the next word.
    for (let j = 1; j < a.length; j++) {
      if (valueOpts.includes(`-${a[j]}`)) {
        if (j === a.length - 1) i++;
        break;
      }
    }
  }
  return args.length;
}

/** The value of a short option given combined with others (-qfc VALUE), or null. */
function shortValue(args: readonly string[], letter: string): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^-[a-zA-Z]+$/.test(a) && a.length > 2 && a.endsWith(letter)) return args[i + 1] ?? null;
  }
  return null;
}

/** Resource options of prlimit(1): the value is optional, attached (-n10, --nofile=10). */
const PRLIMIT_RESOURCES = /^(-[cdefilmnqrstuvxy](.+)?|--(core|data|nice|fsize|sigpending|memlock|rss|nofile|msgqueue|rtprio|stack|cpu|nproc|as|locks|rttime)(=.*)?)$/;

/** prlimit: --pid PID with a limit changes that process; otherwise the command runs under the limits. */
function judgePrlimit(args: readonly string[], ctx: JudgeContext, acc: Acc, inner: (from: number) => void): void {
  let pid: string | null = null;
  let setting = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-p' || a === '--pid') pid = args[++i] ?? '';
    else if (a.startsWith('--pid=')) pid = a.slice(6);
    else if (/^-p\d+$/.test(a)) pid = a.slice(2);
    else if (a === '-o' || a === '--output') i++;
    else if (PRLIMIT_RESOURCES.test(a)) setting ||= /=|^-[a-z].+/.test(a);
    else if (!a.startsWith('-')) break;
  }
  if (pid !== null) {
    if (!/^\d+$/.test(pid)) return void add(acc, 'unparseable', `prlimit: "${pid}" is not a PID.`);
    if (!setting) return readOnly(acc, 'prlimit --pid');
    const p = touchProcess(Number(pid), ctx, acc, 'setting resource limits', 'process');
    if (p) add(acc, 'state-change', `prlimit changes the resource limits of ${describe(p)} while it runs: a limit below what it uses now (open files, processes, memory) makes its next allocation fail.`);
    return;
  }
  if (i >= args.length) return readOnly(acc, 'prlimit');
  inner(i);
}

function hasOpt(args: readonly string[], end: number, ...opts: string[]): boolean {
  return args.slice(0, end).some((a) => opts.some((o) => a === o || (o.startsWith('--') && a.startsWith(`${o}=`)) || (o.length === 2 && !a.startsWith('--') && a.startsWith('-') && a.slice(1).includes(o[1]!) && /^-[a-zA-Z]+$/.test(a))));
}

function optValue(args: readonly string[], end: number, ...opts: string[]): string | null {
  for (let i = 0; i < end; i++) {
    const a = args[i]!;
    for (const o of opts) {
      if (a === o) return args[i + 1] ?? null;
      if (o.startsWith('--') && a.startsWith(`${o}=`)) return a.slice(o.length + 1);
      if (o.length === 2 && a.startsWith(o) && a.length > 2 && !a.startsWith('--')) return a.slice(2);
    }
  }
  return null;
}

/** Runs the inner command of a wrapper that switches namespace or root: only read-only inner commands pass. */
function foreign(name: string, inner: readonly string[], ctx: JudgeContext, acc: Acc, opts: ArgvOptions): void {
  if (inner.length === 0) {
    add(acc, 'shell-indirection', `${name} without a command opens a shell in another namespace or root; the commands typed there are not checked.`);
    return;
  }
  const sub = newAcc();
  judgeArgv(inner, inner.map(() => false), ctx, sub, opts);
  if (sub.hits.length === 0) return merge(acc, sub);
  add(acc, 'shell-indirection', `${name} runs \`${inner.join(' ')}\` in another namespace or root, where PIDs and files differ from this snapshot. Check it with procdoc inside that environment.`);
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

  const indirection = INDIRECTION_BUILTINS[name];
  if (indirection !== undefined) {
    if (name === 'hash' && !args.some((a) => a.startsWith('-p'))) return readOnly(acc, 'hash');
    if ((name === 'alias' || name === 'trap') && (args.length === 0 || args.every((a) => a === '-p' || a === '-l'))) return readOnly(acc, name);
    add(acc, 'shell-indirection', `${indirection}. Run the commands themselves so that each can be checked.`);
    return;
  }

  switch (name) {
    // --- wrappers: judge the command inside ---
    case 'sudo':
    case 'doas': {
      const valueOpts = name === 'sudo' ? ['-u', '-g', '-C', '-D', '-p', '-r', '-t', '-U', '-T', '-R', '-h', '--user', '--group', '--close-from', '--chdir', '--prompt', '--role', '--type', '--other-user', '--command-timeout', '--chroot', '--host'] : ['-u', '-C'];
      const at = afterOptions(args, valueOpts);
      const shell = hasOpt(args, at, '-s', '-i', '--shell', '--login');
      if (hasOpt(args, at, '-e', '--edit')) return void add(acc, 'state-change', `sudo -e edits ${args.slice(at).join(' ')} as root.`);
      if (at >= args.length) {
        if (shell) return void add(acc, 'shell-indirection', `${name} ${args.join(' ')} opens an interactive root shell; the commands typed there are not checked.`);
        return readOnly(acc, `${name} ${args.join(' ')}`.trim());
      }
      if (hasOpt(args, at, '-b', '--background')) add(acc, 'state-change', 'sudo -b runs the command in the background, detached from this check.');
      return inner(at);
    }
    case 'env': {
      const at = afterOptions(args, ['-u', '--unset', '-C', '--chdir', '-S', '--split-string', '-P']);
      const split = optValue(args, at, '-S', '--split-string');
      let i = at;
      while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!)) {
        const eq = args[i]!.indexOf('=');
        checkAssignment(args[i]!.slice(0, eq), { value: args[i]!.slice(eq + 1), glob: false, raw: args[i]!, dynamic: null }, acc);
        i++;
      }
      if (split !== null) return nested([split, ...args.slice(i)].join(' '), ctx, acc, 'env -S');
      if (i >= args.length) return readOnly(acc, 'env');
      return inner(i);
    }
    case 'nice': {
      let i = 0;
      while (i < args.length && args[i]!.startsWith('-')) {
        const a = args[i]!;
        if (a === '--') {
          i++;
          break;
        }
        i += a === '-n' || a === '--adjustment' ? 2 : 1;
      }
      if (i >= args.length) return readOnly(acc, 'nice');
      return inner(i);
    }
    case 'nohup':
    case 'builtin':
    case 'unbuffer':
    case 'catchsegv':
    case 'chronic':
    case 'busybox':
      if (args.length === 0) return readOnly(acc, name);
      return inner(0);
    case 'setsid':
      return inner(afterOptions(args, []));
    case 'stdbuf':
      return inner(afterOptions(args, ['-i', '-o', '-e', '--input', '--output', '--error']));
    case 'timeout': {
      const at = afterOptions(args, ['-s', '--signal', '-k', '--kill-after']);
      if (at + 1 >= args.length) return void add(acc, 'unparseable', 'timeout needs a duration and a command.');
      return inner(at + 1);
    }
    case 'command': {
      const at = afterOptions(args, []);
      if (hasOpt(args, at, '-v', '-V')) return readOnly(acc, 'command -v');
      if (at >= args.length) return readOnly(acc, 'command');
      return inner(at);
    }
    case 'exec': {
      const at = afterOptions(args, ['-a']);
      if (at >= args.length) return readOnly(acc, 'exec');
      return inner(at);
    }
    case 'time': {
      const at = afterOptions(args, ['-f', '--format', '-o', '--output']);
      const out = optValue(args, at, '-o', '--output');
      if (out !== null) judgeWrite(out, false, null, ctx, acc, 'time -o writes');
      if (at >= args.length) return readOnly(acc, 'time');
      return inner(at);
    }
    case 'ionice': {
      const at = afterOptions(args, ['-c', '-n', '--class', '--classdata']);
      if (hasOpt(args, at, '-p', '-P', '-u', '--pid', '--pgid', '--uid') || at >= args.length) {
        const kind = hasOpt(args, at, '-u', '--uid') ? 'user' : hasOpt(args, at, '-P', '--pgid') ? 'pgrp' : 'pid';
        return judgeSchedTool('ionice', args.filter((a) => !['-p', '-P', '-u', '--pid', '--pgid', '--uid'].includes(a)), ctx, acc, kind);
      }
      const cls = optValue(args, at, '-c', '--class');
      if (cls === '1' || cls === 'realtime') add(acc, 'realtime-policy', `ionice -c 1 gives ${args[at]} real-time I/O priority: it can starve every other process's disk I/O.`);
      return inner(at);
    }
    case 'chrt': {
      const at = afterOptions(args, ['-T', '-P', '-D', '--sched-runtime', '--sched-period', '--sched-deadline']);
      if (hasOpt(args, at, '-m', '--max')) return readOnly(acc, 'chrt -m');
      if (hasOpt(args, at, '-p', '--pid')) return judgeSchedTool('chrt', args.filter((a) => a !== '-p' && a !== '--pid'), ctx, acc);
      if (at + 1 >= args.length) return void add(acc, 'unparseable', 'chrt needs a priority and a command (or -p PID).');
      const policy = hasOpt(args, at, '-o', '-b', '-i', '-d', '--other', '--batch', '--idle', '--deadline') ? 'normal' : 'realtime';
      if (policy === 'realtime') add(acc, 'realtime-policy', `chrt runs ${args[at + 1]} with a real-time policy (SCHED_${hasOpt(args, at, '-f', '--fifo') ? 'FIFO' : 'RR'}): if it spins it starves everything else on its CPUs.`);
      return inner(at + 1);
    }
    case 'taskset': {
      const at = afterOptions(args, []);
      if (hasOpt(args, at, '-p', '--pid')) return judgeSchedTool('taskset', args.filter((a) => a !== '-p' && a !== '--pid' && !/^-[ac]*p[ac]*$/.test(a) && a !== '-a' && a !== '-c'), ctx, acc);
      if (at + 1 >= args.length) return void add(acc, 'unparseable', 'taskset needs a CPU mask and a command (or -p PID).');
      return inner(at + 1);
    }
    case 'numactl': {
      if (args.some((a) => ['--hardware', '-H', '--show', '-s'].includes(a))) return readOnly(acc, 'numactl');
      const at = afterOptions(args, ['-C', '-N', '-m', '-p', '-i', '-P', '-w', '--cpunodebind', '--physcpubind', '--membind', '--preferred', '--interleave', '--weighted-interleave', '--preferred-many']);
      return inner(at);
    }
    case 'cgexec':
      if (args.length === 0) return void add(acc, 'unparseable', 'cgexec needs a command.');
      return inner(afterOptions(args, ['-g']));
    case 'prlimit':
      return judgePrlimit(args, ctx, acc, inner);
    case 'script': {
      // script [options] [file] -c COMMAND: the command runs in a shell; the file gets its output.
      const valueOpts = ['-c', '--command', '-E', '--echo', '-I', '--log-in', '-O', '--log-out', '-B', '--log-io', '-T', '--log-timing', '-t', '--timing', '-m', '--logging-format', '-o', '--output-limit'];
      const text = optValue(args, args.length, '-c', '--command') ?? shortValue(args, 'c');
      const files: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (valueOpts.includes(a)) i++;
        else if (/^-[a-zA-Z]+$/.test(a) && a.endsWith('c')) i++;
        else if (!a.startsWith('-')) files.push(a);
      }
      for (const f of files) judgeWrite(f, false, null, ctx, acc, 'script writes');
      if (text === null) return void add(acc, 'shell-indirection', 'script without -c opens an interactive shell; the commands typed there are not checked. Give the command with -c.');
      return nested(text, ctx, acc, 'script -c');
    }
    case 'systemd-run': {
      const at = afterOptions(args, ['-u', '--unit', '-p', '--property', '-E', '--setenv', '--slice', '--uid', '--gid', '--nice', '--working-directory', '--description', '--on-active', '--on-boot', '--on-startup', '--on-unit-active', '--on-unit-inactive', '--on-calendar', '--path-property', '--socket-property', '--timer-property', '-H', '--host', '-M', '--machine', '--service-type', '--background', '--json', '--job-mode']);
      if (optValue(args, at, '-H', '--host', '-M', '--machine') !== null) return void add(acc, 'shell-indirection', 'systemd-run -H/-M runs on another host or machine that this snapshot does not cover.');
      add(acc, 'state-change', `systemd-run starts ${args[at] ?? 'a command'} as a transient ${hasOpt(args, at, '--scope') ? 'scope' : 'service'} under systemd${args.slice(0, at).some((a) => a.startsWith('-p') || a.startsWith('--property')) ? ' with the given limits' : ''}.`);
      return inner(at);
    }
    case 'strace':
    case 'ltrace': {
      const at = afterOptions(args, ['-e', '-o', '-s', '-a', '-E', '-u', '-P', '-I', '-b', '-X', '-O', '-S', '-p', '--attach', '--output', '--user']);
      const pid = optValue(args, at, '-p', '--attach');
      if (pid !== null) return judgeAttach(name, pid, ctx, acc);
      const out = optValue(args, at, '-o', '--output');
      if (out !== null) judgeWrite(out, false, null, ctx, acc, `${name} -o writes`);
      if (at >= args.length) return void add(acc, 'unparseable', `${name} needs a command or -p PID.`);
      return inner(at);
    }
    case 'gdb': {
      const pid = optValue(args, args.length, '-p', '--pid');
      if (args.some((a) => ['-ex', '--ex', '-x', '--batch', '-batch', '--eval-command', '-iex'].includes(a) || a.startsWith('--eval-command='))) {
        return void add(acc, 'shell-indirection', 'gdb with -ex/-x/-batch runs debugger commands that can change or kill the process (call, kill, set var). Attach interactively, or use read-only tools (cat /proc/PID/stack, pstack).');
      }
      if (pid !== null) return judgeAttach('gdb', pid, ctx, acc);
      return void add(acc, 'unknown-command', 'gdb runs or attaches a debugger; procdoc cannot judge what is done in it.');
    }
    case 'cpulimit': {
      const pid = optValue(args, args.length, '-p', '--pid');
      if (pid !== null) return judgeAttach('cpulimit', pid, ctx, acc);
      return inner(afterOptions(args, ['-l', '--limit', '-e', '--exe', '-P', '--path']));
    }
    case 'xargs':
    case 'parallel': {
      const at = afterOptions(args, ['-a', '--arg-file', '-d', '--delimiter', '-E', '--eof', '-I', '--replace', '-L', '--max-lines', '-n', '--max-args', '-P', '--max-procs', '-s', '--max-chars', '--process-slot-var', '-j', '--jobs', '-S']);
      const innerArgv = at >= args.length ? ['echo'] : args.slice(at);
      return judgeArgv(innerArgv, innerArgv.map(() => false), ctx, acc, { ...opts, unknownArgs: true });
    }
    case 'watch': {
      const at = afterOptions(args, ['-n', '--interval', '-d', '-q', '--equexit', '--differences']);
      if (at >= args.length) return void add(acc, 'unparseable', 'watch needs a command.');
      if (hasOpt(args, at, '-x', '--exec')) return inner(at);
      return nested(args.slice(at).join(' '), ctx, acc, 'watch');
    }
    case 'flock': {
      const at = afterOptions(args, ['-w', '--timeout', '-E', '--conflict-exit-code']);
      const rest = args.slice(at + 1);
      const c = rest.findIndex((a) => a === '-c' || a === '--command');
      if (c >= 0) return nested(rest[c + 1] ?? '', ctx, acc, 'flock -c');
      if (rest.length === 0) return readOnly(acc, 'flock');
      return inner(at + 1);
    }
    case 'su':
    case 'runuser':
    case 'sg': {
      const text = optValue(args, args.length, '-c', '--command');
      if (name === 'runuser' && optValue(args, args.length, '-u', '--user') !== null && text === null) return inner(afterOptions(args, ['-u', '--user', '-g', '--group', '-G', '--supp-group', '-w', '--whitelist-environment']));
      if (name === 'sg' && text === null && args.length > 1) return nested(args.slice(1).join(' '), ctx, acc, 'sg');
      if (text !== null) return nested(text, ctx, acc, `${name} -c`);
      return void add(acc, 'shell-indirection', `${name} ${args.join(' ')} opens an interactive shell as another user; the commands typed there are not checked.`);
    }
    case 'nsenter': {
      const at = afterOptions(args, ['-t', '--target', '-S', '--setuid', '-G', '--setgid', '--wd', '-w', '-R', '--root', '-W', '--wdns']);
      return foreign('nsenter', args.slice(at), ctx, acc, opts);
    }
    case 'chroot': {
      const at = afterOptions(args, ['--userspec', '--groups']);
      return foreign('chroot', args.slice(at + 1), ctx, acc, opts);
    }
    case 'unshare':
    case 'firejail':
    case 'bwrap':
    case 'systemd-nspawn':
      return foreign(name, args.slice(afterOptions(args, ['-D', '--directory', '-M', '--machine', '--bind', '--bind-ro', '--setenv', '-E', '-u', '--user', '--propagation', '--setgroups', '--map-user', '--map-group', '--wd', '-S', '--setuid', '-G', '--setgid', '-R', '--root', '--kill-child'])), ctx, acc, opts);
    case 'ssh':
    case 'rsh':
    case 'mosh':
      return void add(acc, 'shell-indirection', `${name} runs commands on another machine, which this snapshot does not cover. Run procdoc check there.`);

    // --- shells and interpreters ---
    default:
      break;
  }

  if (SHELLS.has(name)) return judgeShell(name, args, ctx, acc, opts);
  if (OTHER_SHELLS.has(name)) return void add(acc, 'shell-indirection', `${name} runs code in a shell language procdoc does not parse. Use the equivalent sh command.`);
  if (INTERPRETERS.test(name)) {
    if (args.length === 1 && ['--version', '-V', '-v', '--help', '-h'].includes(args[0]!)) return readOnly(acc, `${name} --version`);
    add(acc, 'shell-indirection', `${name} ${args.length === 0 ? 'reads a program from its input' : 'runs a program (inline code or a script)'} whose effect procdoc cannot judge. Do the same thing with shell commands that can be checked one by one.`);
    return;
  }

  switch (name) {
    case 'kill':
      return judgeKill(args, ctx, acc);
    case 'pkill':
    case 'pgrep':
      return judgePkill(name, args, ctx, acc);
    case 'killall':
      return judgeKillall(args, ctx, acc);
    case 'killall5':
      return judgeKillall5(acc);
    case 'skill':
      return judgeSkill(args, ctx, acc);
    case 'snice':
    case 'xkill':
    case 'tkill':
      return void add(acc, 'broad-match', `${name} selects processes by loose criteria (user, terminal, command); use kill with PIDs, or pkill -x, so the targets can be checked.`);
    case 'systemctl':
      return judgeSystemctl(args, ctx, acc);
    case 'service':
    case 'invoke-rc.d':
      return judgeService(args, ctx, acc, 'service');
    case 'renice':
      return judgeRenice(args, ctx, acc);
    case 'choom':
      return judgeChoom(args, acc, (pid, value) => judgeWrite(`/proc/${pid}/oom_score_adj`, false, value, ctx, acc, 'choom sets'));
    case 'tee': {
      const files = args.filter((a) => !a.startsWith('-'));
      if (files.length === 0) return readOnly(acc, 'tee');
      for (const f of files) judgeWrite(f, argGlobs[args.indexOf(f)] ?? false, opts.stdin, ctx, acc, args.some((a) => a === '-a' || a === '--append') ? 'Appends to' : 'Writes');
      return;
    }
    case 'dd':
      return judgeDd(args, ctx, acc);
    case 'rm':
      return judgeRm(args, argGlobs, acc);
    case 'chmod':
    case 'chown':
    case 'chgrp':
    case 'chattr':
    case 'setfacl':
      return judgeRecursiveMode(name, args, acc);
    case 'mv':
      return judgeMove(args, argGlobs, ctx, acc);
    case 'cp':
    case 'install':
    case 'ln':
    case 'rsync': {
      const operands = args.filter((a) => !a.startsWith('-'));
      const dest = operands.at(-1);
      if (dest === undefined || operands.length < 2) return void add(acc, 'unparseable', `${name} needs a source and a destination.`);
      return judgeWrite(dest, argGlobs[args.lastIndexOf(dest)] ?? false, null, ctx, acc, `${name} writes`);
    }
    case 'truncate':
    case 'touch':
    case 'mkdir':
    case 'rmdir':
    case 'unlink':
    case 'mkfifo':
    case 'mknod':
      for (const f of args.filter((a) => !a.startsWith('-'))) judgeWrite(f, false, null, ctx, acc, `${name}`);
      return;
    case 'docker':
    case 'podman':
    case 'nerdctl':
      return judgeContainerCli(name, args, ctx, acc);
    case 'crictl': {
      const verb = args.find((a) => !a.startsWith('-'));
      if (verb === undefined || ['ps', 'pods', 'inspect', 'inspectp', 'logs', 'stats', 'images', 'info', 'version'].includes(verb)) return readOnly(acc, `crictl ${verb ?? ''}`.trim());
      if (verb === 'exec' || verb === 'run' || verb === 'runp') return void add(acc, 'shell-indirection', `crictl ${verb} runs a program inside a container, which this snapshot cannot judge.`);
      return void add(acc, 'signal-to-container', `crictl ${verb} acts on containers or pods; kubelet may recreate them.`);
    }
    case 'kubectl':
    case 'oc':
      return judgeKubectl(args, acc);
    case 'umount':
    case 'swapoff':
    case 'swapon':
    case 'rmmod':
    case 'insmod':
    case 'modprobe':
    case 'ifdown':
    case 'ifup':
    case 'ufw':
    case 'sysrq':
    case 'crontab':
    case 'useradd':
    case 'userdel':
    case 'usermod':
    case 'passwd':
    case 'apt':
    case 'apt-get':
    case 'dnf':
    case 'yum':
    case 'pip':
    case 'npm':
      if (name === 'crontab' && args.includes('-l')) return readOnly(acc, 'crontab -l');
      if (name === 'crontab' && args.includes('-r')) return void add(acc, 'destructive', 'crontab -r deletes every cron job of the user without asking.');
      if (name === 'umount') {
        const vital = args.filter((a) => !a.startsWith('-')).find(isVitalMount);
        if (vital !== undefined) return void add(acc, 'destructive', `umount ${args.join(' ')} takes away ${vital === '/' ? 'the root file system' : `${vital}, a file system the system runs from`}: programs, libraries and logins stop working (with -l at once for every new lookup). No process problem needs it; find what holds a mount with fuser -vm or lsof.`);
      }
      return void add(acc, 'state-change', `${name} ${args.join(' ')} changes the system (${name === 'umount' ? 'processes using the mount fail' : 'configuration, modules, packages or users'}); procdoc does not judge it further.`);
    default:
      break;
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

function judgeShell(name: string, args: readonly string[], ctx: JudgeContext, acc: Acc, opts: ArgvOptions): void {
  let cmode = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--version' || a === '--help') return readOnly(acc, `${name} --version`);
    if (a === '-o' || a === '-O' || a === '+O' || a === '+o' || a === '--rcfile' || a === '--init-file') {
      i++;
      continue;
    }
    if (a === '--' || a === '-') {
      const next = args[i + 1];
      if (cmode && next !== undefined) return nested(next, ctx, acc, `${name} -c`);
      break;
    }
    if (a.startsWith('--')) continue;
    if ((a.startsWith('-') || a.startsWith('+')) && a.length > 1) {
      if (a.includes('c')) cmode = true;
      continue;
    }
    if (cmode) return nested(a, ctx, acc, `${name} -c`);
    add(acc, 'shell-indirection', `${name} ${a} runs the script ${a}, whose commands procdoc cannot see. Check the commands in it one by one.`);
    return;
  }
  if (cmode) return void add(acc, 'unparseable', `${name} -c needs the command text after it.`);
  add(
    acc,
    'shell-indirection',
    `${name} ${opts.stdin !== null ? 'runs the commands piped or redirected into it' : 'reads commands from its input'}, which procdoc cannot check as a whole. Check those commands themselves.`,
  );
}

function judgeFind(args: readonly string[], ctx: JudgeContext, acc: Acc, opts: ArgvOptions): void {
  const { starts, primaries } = parseFind(args);
  for (const p of primaries) {
    if (p.name === '-exec' || p.name === '-execdir' || p.name === '-ok' || p.name === '-okdir') {
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
