import { add, describe, merge, newAcc, readOnly, type Acc } from './acc.js';
import { afterOptions, each, hasOpt, optValue, shortValue, type Call, type CommandTable } from './call.js';
import { flag, optional, parseArgs, valued, type Grammar, type ParsedArgs } from './options.js';
import { judgeWrite } from './files.js';
import { checkAssignment } from './shell.js';
import { touchProcess } from './targets.js';

// The shells-and-wrappers family: programs that run another command (sudo, env, nice,
// timeout, xargs, su -c…), which is judged in their place, and shells and interpreters.

const SHELLS = ['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'rbash', 'posh', 'yash', 'ksh93'];
const OTHER_SHELLS = ['fish', 'csh', 'tcsh', 'xonsh', 'nu', 'elvish'];
export const INTERPRETERS = /^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|irb|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*|luajit|tclsh[0-9.]*|wish|Rscript|R|pwsh|powershell|jshell|groovy|expect|osascript|julia|guile|racket|sbcl|gawk-script|busybox-sh)$/;

/** Builtins that run or redefine code procdoc cannot see. */
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

/** Option grammars of the wrappers (getopt "+": options end at the command). */
const GRAMMARS = {
  env: { permute: false, options: [flag('ignore', 'i', 'ignore-environment'), flag('null', '0', 'null'), valued('unset', 'u', 'unset'), valued('chdir', 'C', 'chdir'), valued('split', 'S', 'split-string'), optional('block', undefined, 'block-signal'), optional('default', undefined, 'default-signal'), optional('ignore-signal', undefined, 'ignore-signal'), flag('list', undefined, 'list-signal-handling'), flag('debug', 'v', 'debug')] },
  time: { permute: false, options: [valued('output', 'o', 'output'), flag('append', 'a', 'append'), valued('format', 'f', 'format'), flag('verbose', 'v', 'verbose'), flag('portability', 'p', 'portability'), flag('quiet', 'q', 'quiet')] },
  flock: { permute: false, options: [flag('shared', 's', 'shared'), flag('exclusive', 'x', ['exclusive']), flag('exclusive', 'e'), flag('unlock', 'u', 'unlock'), flag('nonblock', 'n', ['nonblock', 'nb']), valued('timeout', 'w', ['timeout', 'wait']), valued('code', 'E', 'conflict-exit-code'), flag('close', 'o', 'close'), flag('nofork', 'F', 'no-fork'), flag('verbose', undefined, 'verbose')] },
} as const satisfies Record<string, Grammar>;

/** Parses a wrapper's options; an option procdoc does not know means what runs is not known: confirm. */
function wrapperArgs(call: Call, grammar: Grammar): { parsed: ParsedArgs; at: number } {
  const parsed = parseArgs(call.args, grammar);
  for (const o of [...parsed.unknown, ...parsed.ambiguous, ...parsed.missingValue]) {
    add(call.acc, 'unknown-command', `procdoc does not know what \`${call.name} ${o}\` does, so it cannot tell for sure which command ${call.name} runs. Spell the option out as \`${call.name} --help\` lists it, or leave it out.`);
  }
  return { parsed, at: parsed.operands[0]?.index ?? call.args.length };
}

const value = (parsed: ParsedArgs, name: string): string | null => parsed.options.findLast((o) => o.name === name)?.value ?? null;

function indirection({ name, args, acc }: Call): void {
  if (name === 'hash' && !args.some((a) => a.startsWith('-p'))) return readOnly(acc, 'hash');
  if ((name === 'alias' || name === 'trap') && (args.length === 0 || args.every((a) => a === '-p' || a === '-l'))) return readOnly(acc, name);
  add(acc, 'shell-indirection', `${INDIRECTION_BUILTINS[name]!}. Run the commands themselves so that each can be checked.`);
}

function sudo({ name, args, acc, inner }: Call): void {
  const valueOpts = name === 'sudo' ? ['-u', '-g', '-C', '-D', '-p', '-r', '-t', '-U', '-T', '-R', '-h', '--user', '--group', '--close-from', '--chdir', '--prompt', '--role', '--type', '--other-user', '--command-timeout', '--chroot', '--host'] : ['-u', '-C'];
  const at = afterOptions(args, valueOpts);
  const shell = hasOpt(args, at, '-s', '-i', '--shell', '--login');
  if (hasOpt(args, at, '-e', '--edit')) return void add(acc, 'state-change', `sudo -e edits ${args.slice(at).join(' ')} as root.`);
  if (at >= args.length) {
    if (shell) return void add(acc, 'shell-indirection', `${name} ${args.join(' ')} opens an interactive root shell; the commands typed there are not checked.`);
    return readOnly(acc, `${name} ${args.join(' ')}`.trim());
  }
  if (hasOpt(args, at, '-b', '--background')) add(acc, 'state-change', 'sudo -b runs the command in the background, detached from this check.');
  inner(at);
}

function env(call: Call): void {
  const { args, acc, inner, nested } = call;
  const { parsed, at } = wrapperArgs(call, GRAMMARS.env);
  const split = value(parsed, 'split');
  let i = at;
  while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!)) {
    const eq = args[i]!.indexOf('=');
    checkAssignment(args[i]!.slice(0, eq), { value: args[i]!.slice(eq + 1), glob: false, raw: args[i]!, dynamic: null }, acc);
    i++;
  }
  if (split !== null) return nested([split, ...args.slice(i)].join(' '), 'env -S');
  if (i >= args.length) return readOnly(acc, 'env');
  inner(i);
}

function nice({ args, acc, inner }: Call): void {
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
  inner(i);
}

/** Runs its arguments as a command, as they are. */
function plain({ name, args, acc, inner }: Call): void {
  if (args.length === 0) return readOnly(acc, name);
  inner(0);
}

function timeout({ args, acc, inner }: Call): void {
  const at = afterOptions(args, ['-s', '--signal', '-k', '--kill-after']);
  if (at + 1 >= args.length) return void add(acc, 'unparseable', 'timeout needs a duration and a command.');
  inner(at + 1);
}

function command({ args, acc, inner }: Call): void {
  const at = afterOptions(args, []);
  if (hasOpt(args, at, '-v', '-V')) return readOnly(acc, 'command -v');
  if (at >= args.length) return readOnly(acc, 'command');
  inner(at);
}

function exec({ args, acc, inner }: Call): void {
  const at = afterOptions(args, ['-a']);
  if (at >= args.length) return readOnly(acc, 'exec');
  inner(at);
}

function time(call: Call): void {
  const { ctx, acc, args, inner } = call;
  const { parsed, at } = wrapperArgs(call, GRAMMARS.time);
  const out = value(parsed, 'output');
  if (out !== null) judgeWrite(out, false, null, ctx, acc, parsed.options.some((o) => o.name === 'append') ? 'Appends to' : 'time -o writes');
  if (at >= args.length) return readOnly(acc, 'time');
  inner(at);
}

function cgexec({ args, acc, inner }: Call): void {
  if (args.length === 0) return void add(acc, 'unparseable', 'cgexec needs a command.');
  inner(afterOptions(args, ['-g']));
}

/** Resource options of prlimit(1): the value is optional, attached (-n10, --nofile=10). */
const PRLIMIT_RESOURCES = /^(-[cdefilmnqrstuvxy](.+)?|--(core|data|nice|fsize|sigpending|memlock|rss|nofile|msgqueue|rtprio|stack|cpu|nproc|as|locks|rttime)(=.*)?)$/;

/** prlimit: --pid PID with a limit changes that process; otherwise the command runs under the limits. */
function prlimit({ args, ctx, acc, inner }: Call): void {
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

/** script [options] [file] -c COMMAND: the command runs in a shell; the file gets its output. */
function script({ args, ctx, acc, nested }: Call): void {
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
  nested(text, 'script -c');
}

function systemdRun({ args, acc, inner }: Call): void {
  const at = afterOptions(args, ['-u', '--unit', '-p', '--property', '-E', '--setenv', '--slice', '--uid', '--gid', '--nice', '--working-directory', '--description', '--on-active', '--on-boot', '--on-startup', '--on-unit-active', '--on-unit-inactive', '--on-calendar', '--path-property', '--socket-property', '--timer-property', '-H', '--host', '-M', '--machine', '--service-type', '--background', '--json', '--job-mode']);
  if (optValue(args, at, '-H', '--host', '-M', '--machine') !== null) return void add(acc, 'shell-indirection', 'systemd-run -H/-M runs on another host or machine that this snapshot does not cover.');
  add(acc, 'state-change', `systemd-run starts ${args[at] ?? 'a command'} as a transient ${hasOpt(args, at, '--scope') ? 'scope' : 'service'} under systemd${args.slice(0, at).some((a) => a.startsWith('-p') || a.startsWith('--property')) ? ' with the given limits' : ''}.`);
  inner(at);
}

function xargs({ args, argv, opts }: Call): void {
  const at = afterOptions(args, ['-a', '--arg-file', '-d', '--delimiter', '-E', '--eof', '-I', '--replace', '-L', '--max-lines', '-n', '--max-args', '-P', '--max-procs', '-s', '--max-chars', '--process-slot-var', '-j', '--jobs', '-S']);
  argv(at >= args.length ? ['echo'] : args.slice(at), { ...opts, unknownArgs: true });
}

function watch({ args, acc, inner, nested }: Call): void {
  const at = afterOptions(args, ['-n', '--interval', '-d', '-q', '--equexit', '--differences']);
  if (at >= args.length) return void add(acc, 'unparseable', 'watch needs a command.');
  if (hasOpt(args, at, '-x', '--exec')) return inner(at);
  nested(args.slice(at).join(' '), 'watch');
}

/**
 * flock [options] FILE|DIR (-c TEXT | COMMAND…), or flock [options] FD: -c is read only right
 * after the file (util-linux), and the file is opened with O_CREAT, so a missing one is created.
 */
function flock(call: Call): void {
  const { args, ctx, acc, inner, nested } = call;
  const { at } = wrapperArgs(call, GRAMMARS.flock);
  const file = args[at];
  if (file === undefined) return void add(acc, 'unparseable', 'flock needs a lock file, directory or descriptor number.');
  const rest = args.slice(at + 1);
  if (!/^\d+$/.test(file) || rest.length > 0) {
    if (/^\d+$/.test(file)) add(acc, 'unknown-command', `flock ${file} is a lock file named by digits here (it is followed by a command).`);
    judgeWrite(file, call.globs[at] ?? false, null, ctx, acc, 'flock opens (and creates, if it is missing) the lock file');
  }
  if (rest[0] === '-c' || rest[0] === '--command') return nested(rest[1] ?? '', 'flock -c');
  if (rest.length === 0) return readOnly(acc, 'flock');
  inner(at + 1);
}

function su({ name, args, acc, inner, nested }: Call): void {
  const text = optValue(args, args.length, '-c', '--command');
  if (name === 'runuser' && optValue(args, args.length, '-u', '--user') !== null && text === null) return inner(afterOptions(args, ['-u', '--user', '-g', '--group', '-G', '--supp-group', '-w', '--whitelist-environment']));
  if (name === 'sg' && text === null && args.length > 1) return nested(args.slice(1).join(' '), 'sg');
  if (text !== null) return nested(text, `${name} -c`);
  add(acc, 'shell-indirection', `${name} ${args.join(' ')} opens an interactive shell as another user; the commands typed there are not checked.`);
}

/** Runs the inner command of a wrapper that switches namespace or root: only read-only inner commands pass. */
function foreign(name: string, inner: readonly string[], call: Call): void {
  const { acc } = call;
  if (inner.length === 0) {
    add(acc, 'shell-indirection', `${name} without a command opens a shell in another namespace or root; the commands typed there are not checked.`);
    return;
  }
  const sub: Acc = newAcc();
  call.argv(inner, call.opts, sub);
  if (sub.hits.length === 0) return merge(acc, sub);
  add(acc, 'shell-indirection', `${name} runs \`${inner.join(' ')}\` in another namespace or root, where PIDs and files differ from this snapshot. Check it with procdoc inside that environment.`);
}

function nsenter(call: Call): void {
  foreign('nsenter', call.args.slice(afterOptions(call.args, ['-t', '--target', '-S', '--setuid', '-G', '--setgid', '--wd', '-w', '-R', '--root', '-W', '--wdns'])), call);
}

function chroot(call: Call): void {
  foreign('chroot', call.args.slice(afterOptions(call.args, ['--userspec', '--groups']) + 1), call);
}

function sandbox(call: Call): void {
  const at = afterOptions(call.args, ['-D', '--directory', '-M', '--machine', '--bind', '--bind-ro', '--setenv', '-E', '-u', '--user', '--propagation', '--setgroups', '--map-user', '--map-group', '--wd', '-S', '--setuid', '-G', '--setgid', '-R', '--root', '--kill-child']);
  foreign(call.name, call.args.slice(at), call);
}

function remote({ name, acc }: Call): void {
  add(acc, 'shell-indirection', `${name} runs commands on another machine, which this snapshot does not cover. Run procdoc check there.`);
}

function shell({ name, args, acc, opts, nested }: Call): void {
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
      if (cmode && next !== undefined) return nested(next, `${name} -c`);
      break;
    }
    if (a.startsWith('--')) continue;
    if ((a.startsWith('-') || a.startsWith('+')) && a.length > 1) {
      if (a.includes('c')) cmode = true;
      continue;
    }
    if (cmode) return nested(a, `${name} -c`);
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

function otherShell({ name, acc }: Call): void {
  add(acc, 'shell-indirection', `${name} runs code in a shell language procdoc does not parse. Use the equivalent sh command.`);
}

/** An interpreter (python, perl, node…): judged by name through INTERPRETERS, not by this table. */
export function interpreter({ name, args, acc }: Call): void {
  if (args.length === 1 && ['--version', '-V', '-v', '--help', '-h'].includes(args[0]!)) return readOnly(acc, `${name} --version`);
  add(acc, 'shell-indirection', `${name} ${args.length === 0 ? 'reads a program from its input' : 'runs a program (inline code or a script)'} whose effect procdoc cannot judge. Do the same thing with shell commands that can be checked one by one.`);
}

export const WRAPPER_COMMANDS: CommandTable = {
  ...each(Object.keys(INDIRECTION_BUILTINS), indirection),
  ...each(['sudo', 'doas'], sudo),
  env,
  nice,
  ...each(['nohup', 'builtin', 'unbuffer', 'catchsegv', 'chronic', 'busybox'], plain),
  setsid: (call) => call.inner(afterOptions(call.args, [])),
  stdbuf: (call) => call.inner(afterOptions(call.args, ['-i', '-o', '-e', '--input', '--output', '--error'])),
  timeout,
  command,
  exec,
  time,
  cgexec,
  prlimit,
  script,
  'systemd-run': systemdRun,
  ...each(['xargs', 'parallel'], xargs),
  watch,
  flock,
  ...each(['su', 'runuser', 'sg'], su),
  nsenter,
  chroot,
  ...each(['unshare', 'firejail', 'bwrap', 'systemd-nspawn'], sandbox),
  ...each(['ssh', 'rsh', 'mosh'], remote),
  ...each(SHELLS, shell),
  ...each(OTHER_SHELLS, otherShell),
};
