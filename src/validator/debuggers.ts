import { add, describe, describeAimed, readOnly, type Acc, type JudgeContext } from './acc.js';
import type { Call, CommandTable } from './call.js';
import { judgeWrite } from './files.js';
import { firstOperand, getopt, given, lastValue, operands, type Arity, type OptionGrammar, type Parsed } from './getopt.js';
import { isCritical, isSelf, touchProcess, type ThreadReach } from './targets.js';

// The debuggers-and-tracers family: programs that attach to a process (ptrace, perf events,
// probes). Attaching stops or slows the target, so it needs a yes; attaching to init, a
// critical daemon or procdoc's own shell stops what everything else depends on.

/** What attaching does to the target, by tool: the message says it, and whether it stops the target. */
interface Attach {
  /** "pauses it for as long as the debugger holds it". */
  readonly does: string;
  /** ptrace stops the target (all of it, for a while): denied on init, a critical daemon, the caller. */
  readonly stops: boolean;
  /** A thread id attaches that thread (strace), or the whole process (gdb). */
  readonly reach: ThreadReach;
}

const ATTACH: Readonly<Record<string, Attach>> = {
  gdb: { does: 'stops it for as long as the debugger holds it (until you detach or quit gdb)', stops: true, reach: 'process' },
  strace: { does: 'stops it at every system call it traces, which slows it 10 to 100 times, until strace exits', stops: true, reach: 'thread' },
  ltrace: { does: 'stops it at every library call it traces, which slows it many times over, until ltrace exits', stops: true, reach: 'thread' },
  gcore: { does: 'pauses it while its core is written (seconds per GB of memory), then lets it run', stops: true, reach: 'process' },
  pstack: { does: 'pauses it briefly (gdb attaches) to read its stacks', stops: true, reach: 'process' },
  'eu-stack': { does: 'pauses it briefly (ptrace) to read its stacks', stops: true, reach: 'process' },
  perf: { does: 'perturbs it through sampling or tracepoints (a few percent of CPU, more at high frequencies) while perf runs', stops: false, reach: 'thread' },
  'py-spy': { does: 'pauses it briefly at each sample to read its Python stacks', stops: true, reach: 'process' },
  'py-spy --nonblocking': { does: 'reads its memory at each sample without pausing it', stops: false, reach: 'process' },
  bpftrace: { does: 'attaches probes to its code: each probe hit runs in the kernel and slows it', stops: false, reach: 'process' },
  cpulimit: { does: 'stops and continues it with SIGSTOP/SIGCONT many times a second for as long as cpulimit runs, and leaves it stopped if cpulimit is killed', stops: true, reach: 'process' },
};

/** Judges `tool` attaching to `pid` (a word from the command): its target rules, then what attaching does. */
export function judgeAttach(tool: string, pid: string, ctx: JudgeContext, acc: Acc): void {
  const how = ATTACH[tool] ?? ATTACH.gdb!;
  const name = tool.split(' ')[0]!;
  if (!/^\d+$/.test(pid)) return void add(acc, 'unparseable', `${name}: "${pid}" is not a PID. Give the numeric PID (find it with pgrep or procdoc snapshot).`);
  const p = touchProcess(Number(pid), ctx, acc, `attaching ${name} to it`, how.reach);
  if (!p) return;
  const who = describeAimed(Number(pid), p);
  if (how.stops && p.pid === 1) {
    return void add(acc, 'target-pid1', `${name} would attach to PID 1 (${p.comm}), init, and ${how.does}: while init is stopped nothing reaps orphans, no service starts or stops, and logins can hang. Read its state without stopping it (cat /proc/1/stack, /proc/1/status).`);
  }
  const self = how.stops ? isSelf(p, ctx) : null;
  if (self !== null) {
    return void add(acc, 'target-self', `${describe(p)} is ${self === 'self' ? 'procdoc itself' : 'an ancestor of procdoc (the shell or program that asked for this command)'}; ${name} would stop it, and the session that waits for ${name} with it. Attach to the misbehaving process instead.`);
  }
  if (how.stops && isCritical(p, ctx)) {
    return void add(acc, 'target-critical', `${describe(p)} is a critical daemon (${p.comm}); ${name} ${how.does}, and while it is stopped logins, logging or the container runtime stall. Read its state without stopping it (cat /proc/${p.pid}/stack, journalctl -u its unit).`);
  }
  add(acc, 'attaches-to-process', `${name} attaches to ${who} and ${how.does}.`);
}

/** A short-option table: letters that are flags, letters that take a value. */
function letters(flags: string, values: string): Record<string, Arity> {
  const table: Record<string, Arity> = {};
  for (const l of flags) table[l] = 'none';
  for (const l of values) table[l] = 'required';
  return table;
}

/** Comma- or space-separated PID lists (strace -p "1 2", perf -p 1,2). */
function pidList(v: string): string[] {
  return v.split(/[\s,]+/).filter((s) => s !== '');
}

/** Unknown or malformed options: the tool would refuse them, and procdoc cannot tell what they mean. */
function badOptions(name: string, parsed: readonly Parsed[], acc: Acc): boolean {
  const bad = parsed.find((p) => p.kind === 'bad' || p.kind === 'unknown');
  if (bad === undefined) return false;
  const word = bad.kind === 'bad' ? bad.word : bad.kind === 'unknown' ? `-${bad.letter}` : '';
  const why = bad.kind === 'bad' && bad.why === 'missing-value' ? 'needs a value' : bad.kind === 'bad' && bad.why === 'ambiguous' ? 'is an ambiguous abbreviation' : 'is an option procdoc does not know';
  add(acc, 'unparseable', `${name}: ${word} ${why}, so procdoc cannot tell what the command does. See \`man ${name}\`, and spell the option out.`);
  return true;
}

/** strace/ltrace -o FILE: a file, or with | or ! a shell command that gets the trace. */
function traceOutput(name: string, out: string | null | undefined, ctx: JudgeContext, acc: Acc): void {
  if (out === undefined || out === null) return;
  if (out.startsWith('|') || out.startsWith('!')) {
    return void add(acc, 'shell-indirection', `${name} -o '${out}' pipes the trace into a shell command (${out.slice(1)}), which procdoc does not judge here. Write the trace to a file and read it.`);
  }
  judgeWrite(out, false, null, ctx, acc, `${name} -o writes`);
}

// strace and ltrace stop at their first operand (optstring "+…"): what follows is the command.
const STRACE: OptionGrammar = {
  short: letters('AcCdDfFhiknqrtTvVwxyYzZ', 'abeEIoOpPsSuUX'),
  long: {
    attach: { arity: 'required', as: 'p' },
    output: { arity: 'required', as: 'o' },
    user: { arity: 'required', as: 'u' },
    env: { arity: 'required', as: 'E' },
    trace: { arity: 'required', as: 'e' },
    'trace-path': { arity: 'required', as: 'P' },
    'string-limit': { arity: 'required', as: 's' },
    'follow-forks': { arity: 'none', as: 'f' },
    'output-separately': { arity: 'none', as: 'ff' },
    'summary-only': { arity: 'none', as: 'c' },
    summary: { arity: 'none', as: 'C' },
    'syscall-times': { arity: 'optional', as: 'T' },
    timestamps: { arity: 'optional', as: 't' },
    decode: { arity: 'optional', as: 'decode' },
    'decode-fds': { arity: 'optional', as: 'y' },
    quiet: { arity: 'optional', as: 'q' },
    seccomp: { arity: 'none', as: 'seccomp' },
    help: { arity: 'none', as: 'h' },
    version: { arity: 'none', as: 'V' },
  },
  permute: false,
};

const LTRACE: OptionGrammar = {
  short: letters('bcCdfhiLrStTvV', 'aAeDFlnopsuwx'),
  long: {
    output: { arity: 'required', as: 'o' },
    library: { arity: 'required', as: 'l' },
    indent: { arity: 'required', as: 'n' },
    align: { arity: 'required', as: 'a' },
    help: { arity: 'none', as: 'h' },
    version: { arity: 'none', as: 'V' },
  },
  permute: false,
};

function trace(call: Call): void {
  const { name, args, ctx, acc, inner } = call;
  const parsed = getopt(args, name === 'strace' ? STRACE : LTRACE);
  if (given(parsed, 'h', 'V')) return readOnly(acc, `${name} --help`);
  if (badOptions(name, parsed, acc)) return;
  traceOutput(name, lastValue(parsed, 'o'), ctx, acc);
  const pids = parsed.flatMap((p) => (p.kind === 'option' && p.key === 'p' ? pidList(p.value ?? '') : []));
  for (const pid of pids) judgeAttach(name, pid, ctx, acc);
  const at = firstOperand(parsed, args.length);
  if (at < args.length) inner(at);
  else if (pids.length === 0) add(acc, 'unparseable', `${name} needs a command to run or -p PID to attach to.`);
}

// gdb reads options with getopt_long_only: -pid, -ex and -batch are long options with one dash.
const GDB: OptionGrammar = {
  short: { p: 'required', x: 'required', c: 'required', s: 'required', e: 'required', d: 'required', b: 'required', q: 'none', n: 'none', h: 'none' },
  long: {
    pid: { arity: 'required', as: 'p' },
    ex: { arity: 'required', as: 'ex' },
    'eval-command': { arity: 'required', as: 'ex' },
    iex: { arity: 'required', as: 'ex' },
    'init-eval-command': { arity: 'required', as: 'ex' },
    x: { arity: 'required', as: 'x' },
    command: { arity: 'required', as: 'x' },
    ix: { arity: 'required', as: 'x' },
    'init-command': { arity: 'required', as: 'x' },
    batch: { arity: 'none', as: 'batch' },
    'batch-silent': { arity: 'none', as: 'batch' },
    core: { arity: 'required', as: 'c' },
    symbols: { arity: 'required', as: 's' },
    exec: { arity: 'required', as: 'e' },
    se: { arity: 'required', as: 'se' },
    directory: { arity: 'required', as: 'd' },
    cd: { arity: 'required', as: 'cd' },
    tty: { arity: 'required', as: 'tty' },
    'data-directory': { arity: 'required', as: 'D' },
    quiet: { arity: 'none', as: 'q' },
    silent: { arity: 'none', as: 'q' },
    nx: { arity: 'none', as: 'n' },
    nh: { arity: 'none', as: 'nh' },
    readnow: { arity: 'none', as: 'readnow' },
    write: { arity: 'none', as: 'write' },
    help: { arity: 'none', as: 'h' },
    version: { arity: 'none', as: 'version' },
  },
  permute: true,
  longOnly: true,
};

function gdb({ args, ctx, acc }: Call): void {
  // --args ends gdb's options: the rest is the program and its arguments.
  const argsAt = args.findIndex((a) => a === '--args' || a === '-args');
  const parsed = getopt(argsAt < 0 ? args : args.slice(0, argsAt), GDB);
  if (given(parsed, 'h', 'version') && argsAt < 0) return readOnly(acc, 'gdb --version');
  if (given(parsed, 'ex', 'x', 'batch')) {
    return void add(acc, 'shell-indirection', 'gdb with -ex/-x/-batch runs debugger commands that can change or kill the process (call, kill, set var, shell). Attach interactively, or use read-only tools (cat /proc/PID/stack, pstack).');
  }
  if (badOptions('gdb', parsed, acc)) return;
  const pid = lastValue(parsed, 'p');
  if (pid !== undefined && pid !== null) return judgeAttach('gdb', pid, ctx, acc);
  // gdb PROGRAM PID attaches to PID when the second word is a number (and no such core file exists).
  const words = argsAt < 0 ? operands(parsed) : [];
  if (words.length === 2 && /^\d+$/.test(words[1]!)) return judgeAttach('gdb', words[1]!, ctx, acc);
  add(acc, 'unknown-command', 'gdb runs a program under the debugger or opens a core file; procdoc cannot judge what is done in it. To look at a running process, attach with gdb -p PID.');
}

/** pstack PID… and gcore [-a] [-o PREFIX] PID…: each PID is attached to. */
function stackOf(tool: 'pstack' | 'gcore') {
  return ({ args, ctx, acc }: Call): void => {
    const parsed = getopt(args, { short: { a: 'none', o: 'required', d: 'required' }, long: {}, permute: true });
    if (tool === 'gcore' && badOptions('gcore', parsed, acc)) return;
    const pids = operands(parsed);
    if (pids.length === 0) return void add(acc, 'unparseable', `${tool} needs the PID of the process.`);
    for (const pid of pids) judgeAttach(tool, pid, ctx, acc);
    if (tool === 'gcore') {
      // gcore writes PREFIX.PID, core.PID by default, in the current directory.
      const prefix = lastValue(parsed, 'o') ?? 'core';
      for (const pid of pids) judgeWrite(`${prefix}.${pid}`, false, null, ctx, acc, 'gcore writes');
      add(acc, 'attaches-to-process', `gcore writes ${pids.map((p) => `${prefix}.${p}`).join(', ')}: a copy of the whole memory of the process, as large as its resident memory, holding whatever secrets it holds. Make sure the disk has room and the file is kept private.`);
    }
  };
}

function euStack({ args, ctx, acc }: Call): void {
  const parsed = getopt(args, { short: { p: 'required', c: 'required', e: 'required', n: 'required', a: 'none', b: 'none', d: 'none', i: 'none', l: 'none', m: 'none', q: 'none', r: 'none', s: 'none', v: 'none', 1: 'none' }, long: { pid: { arity: 'required', as: 'p' }, core: { arity: 'required', as: 'c' }, executable: { arity: 'required', as: 'e' }, help: { arity: 'none', as: 'h' }, version: { arity: 'none', as: 'V' } }, permute: true });
  if (given(parsed, 'h', 'V')) return readOnly(acc, 'eu-stack --help');
  if (badOptions('eu-stack', parsed, acc)) return;
  const pid = lastValue(parsed, 'p');
  if (pid !== undefined && pid !== null) return judgeAttach('eu-stack', pid, ctx, acc);
  if (given(parsed, 'c')) return readOnly(acc, 'eu-stack --core');
  add(acc, 'unparseable', 'eu-stack needs -p PID (or --core FILE).');
}

// perf's own option parser stops at the first operand for the subcommands that run one.
const PERF: OptionGrammar = {
  short: letters('agvqsnNdBRTPWkKShiAf', 'eFcCGmoptubrIxDMj'),
  long: {
    pid: { arity: 'required', as: 'p' },
    tid: { arity: 'required', as: 't' },
    'all-cpus': { arity: 'none', as: 'a' },
    output: { arity: 'required', as: 'o' },
    event: { arity: 'required', as: 'e' },
    freq: { arity: 'required', as: 'F' },
    count: { arity: 'required', as: 'c' },
    cpu: { arity: 'required', as: 'C' },
    cgroup: { arity: 'required', as: 'G' },
    uid: { arity: 'required', as: 'u' },
    'call-graph': { arity: 'required', as: 'call-graph' },
    'per-thread': { arity: 'none', as: 'per-thread' },
    'no-inherit': { arity: 'none', as: 'i' },
    delay: { arity: 'required', as: 'D' },
    repeat: { arity: 'required', as: 'r' },
    'interval-print': { arity: 'required', as: 'I' },
    'field-separator': { arity: 'required', as: 'x' },
    'mmap-pages': { arity: 'required', as: 'm' },
    quiet: { arity: 'none', as: 'q' },
    verbose: { arity: 'none', as: 'v' },
  },
  permute: false,
};
const PERF_READ_ONLY = new Set(['list', 'report', 'script', 'annotate', 'help', 'version', '--version', '-v', '--help', '-h', 'evlist', 'buildid-list', 'diff', 'archive', 'config', 'mem', 'c2c', 'sched', 'timechart']);

function perf({ args, ctx, acc, inner }: Call): void {
  const sub = args[0];
  if (sub === undefined) return readOnly(acc, 'perf');
  // Subcommands that read perf.data (or list) change nothing; mem/c2c/sched/timechart also have record forms.
  if (PERF_READ_ONLY.has(sub) && args[1] !== 'record') return readOnly(acc, `perf ${sub}`);
  if (!['record', 'top', 'trace', 'stat', 'mem', 'c2c', 'sched', 'timechart'].includes(sub)) {
    return void add(acc, 'unknown-command', `perf ${sub}: procdoc does not know what this perf subcommand does. perf list, report and script only read; record, top, trace and stat attach to processes.`);
  }
  // perf mem/c2c/sched/timechart record: the options come after both words.
  const skip = ['record', 'top', 'trace', 'stat'].includes(sub) ? 1 : 2;
  const rest = args.slice(skip);
  const parsed = getopt(rest, PERF);
  if (badOptions(`perf ${sub}`, parsed, acc)) return;
  const pids = parsed.flatMap((p) => (p.kind === 'option' && (p.key === 'p' || p.key === 't') ? pidList(p.value ?? '') : []));
  for (const pid of pids) judgeAttach('perf', pid, ctx, acc);
  const at = firstOperand(parsed, rest.length);
  const command = at < rest.length;
  const wide = given(parsed, 'a', 'C', 'G', 'u') || (pids.length === 0 && !command);
  if (wide) add(acc, 'attaches-to-process', `perf ${sub} ${sub === 'trace' ? 'traces system calls of' : sub === 'stat' ? 'counts events of' : 'samples'} every process on ${given(parsed, 'C') ? 'those CPUs' : 'the machine'} while it runs: it perturbs all of them a little (a few percent of CPU, more at high frequencies or with many events). Aim it at one process with -p PID.`);
  const out = lastValue(parsed, 'o');
  // record writes perf.data in the current directory unless -o says where; stat and trace write only with -o.
  if (skip === 2 || sub === 'record') judgeWrite(out ?? 'perf.data', false, null, ctx, acc, `perf ${sub} writes`);
  else if (sub !== 'top' && out !== undefined && out !== null) judgeWrite(out, false, null, ctx, acc, `perf ${sub} -o writes`);
  if (command) inner(skip + at);
}

const PY_SPY: OptionGrammar = {
  short: { p: 'required', o: 'required', r: 'required', d: 'required', f: 'required', s: 'none', n: 'none', l: 'none', i: 'none', t: 'none', g: 'none', F: 'none', h: 'none', V: 'none', c: 'none', j: 'none' },
  long: {
    pid: { arity: 'required', as: 'p' },
    output: { arity: 'required', as: 'o' },
    rate: { arity: 'required', as: 'r' },
    duration: { arity: 'required', as: 'd' },
    format: { arity: 'required', as: 'f' },
    subprocesses: { arity: 'none', as: 's' },
    native: { arity: 'none', as: 'n' },
    nonblocking: { arity: 'none', as: 'nonblocking' },
    locals: { arity: 'none', as: 'l' },
    idle: { arity: 'none', as: 'i' },
    threads: { arity: 'none', as: 't' },
    gil: { arity: 'none', as: 'g' },
    function: { arity: 'none', as: 'F' },
    json: { arity: 'none', as: 'j' },
    full_filenames: { arity: 'none', as: 'full' },
    help: { arity: 'none', as: 'h' },
    version: { arity: 'none', as: 'V' },
  },
  permute: false,
};

function pySpy({ args, ctx, acc, inner }: Call): void {
  const sub = args[0];
  if (sub === undefined || ['-h', '--help', '-V', '--version', 'help'].includes(sub)) return readOnly(acc, 'py-spy --help');
  if (!['dump', 'top', 'record'].includes(sub)) return void add(acc, 'unknown-command', `py-spy ${sub}: procdoc knows py-spy dump, top and record only.`);
  const rest = args.slice(1);
  const parsed = getopt(rest, PY_SPY);
  if (given(parsed, 'h')) return readOnly(acc, 'py-spy --help');
  if (badOptions(`py-spy ${sub}`, parsed, acc)) return;
  const pid = lastValue(parsed, 'p');
  if (pid !== undefined && pid !== null) judgeAttach(given(parsed, 'nonblocking') ? 'py-spy --nonblocking' : 'py-spy', pid, ctx, acc);
  if (sub === 'record') {
    const out = lastValue(parsed, 'o');
    // Without -o, record writes an SVG named after the program and the time, in the current directory.
    if (out !== undefined && out !== null) judgeWrite(out, false, null, ctx, acc, 'py-spy record writes');
    else add(acc, 'state-change', 'py-spy record writes a flame graph (an .svg named after the program and the time) in the current directory when it ends. Name it with -o FILE.');
  }
  const at = firstOperand(parsed, rest.length);
  if (at < rest.length) inner(1 + at);
  else if (pid === undefined || pid === null) add(acc, 'unparseable', `py-spy ${sub} needs --pid PID or a command to run (after --).`);
}

const BPFTRACE: OptionGrammar = {
  short: { e: 'required', p: 'required', c: 'required', o: 'required', f: 'required', B: 'required', I: 'required', k: 'none', l: 'none', d: 'required', v: 'none', q: 'none', h: 'none', V: 'none' },
  long: {
    unsafe: { arity: 'none', as: 'unsafe' },
    include: { arity: 'required', as: 'include' },
    usdt: { arity: 'required', as: 'usdt' },
    'no-warnings': { arity: 'none', as: 'nw' },
    info: { arity: 'none', as: 'info' },
    help: { arity: 'none', as: 'h' },
    version: { arity: 'none', as: 'V' },
    dry_run: { arity: 'none', as: 'dry' },
  },
  permute: true,
};

function bpftrace({ args, ctx, acc, argv }: Call): void {
  const parsed = getopt(args, BPFTRACE);
  if (given(parsed, 'h', 'V', 'info') || (given(parsed, 'l') && !given(parsed, 'e'))) return readOnly(acc, 'bpftrace -l');
  if (badOptions('bpftrace', parsed, acc)) return;
  if (given(parsed, 'unsafe')) {
    return void add(acc, 'shell-indirection', 'bpftrace --unsafe lets the program run shell commands (system()) and send signals from probes, which procdoc cannot judge. Drop --unsafe, or run what it would run directly.');
  }
  const out = lastValue(parsed, 'o');
  if (out !== undefined && out !== null) judgeWrite(out, false, null, ctx, acc, 'bpftrace -o writes');
  // -c runs a command (split on spaces, no shell) and traces it.
  const cmd = lastValue(parsed, 'c');
  if (cmd !== undefined && cmd !== null) argv(cmd.split(/\s+/).filter((w) => w !== ''));
  const pid = lastValue(parsed, 'p');
  if (pid !== undefined && pid !== null) judgeAttach('bpftrace', pid, ctx, acc);
  const program = lastValue(parsed, 'e') ?? operands(parsed)[0];
  if (program === undefined || program === null) return void add(acc, 'unparseable', 'bpftrace needs a program: -e TEXT or a file.');
  if (/\bsignal\s*\(/.test(program)) add(acc, 'shell-indirection', 'This bpftrace program sends signals from its probes (signal()), to whichever process hits them. Send the signal with kill instead, so the target can be checked.');
  if (pid === undefined || pid === null) add(acc, 'attaches-to-process', 'bpftrace attaches probes to the kernel (or to programs) for as long as it runs: every process that hits a probe runs the probe\'s code, which slows hot paths. Aim it with -p PID, and keep it short (add an interval or exit()).');
}

export const DEBUGGER_COMMANDS: CommandTable = {
  strace: trace,
  ltrace: trace,
  gdb,
  pstack: stackOf('pstack'),
  gcore: stackOf('gcore'),
  'eu-stack': euStack,
  perf,
  'py-spy': pySpy,
  bpftrace,
};
