import { add, describeAimed, type JudgeContext, type Acc } from './acc.js';
import { afterOptions, optValue, type Call, type CommandTable } from './call.js';
import { judgeWrite } from './files.js';
import { touchProcess } from './targets.js';

// The debuggers-and-tracers family: programs that attach to a process (ptrace, perf events).

/** strace -p, gdb -p, cpulimit -p: attaching to a process stops or changes it. */
export function judgeAttach(name: string, pid: string, ctx: JudgeContext, acc: Acc): void {
  if (!/^\d+$/.test(pid)) return void add(acc, 'unparseable', `${name}: "${pid}" is not a PID.`);
  const p = touchProcess(Number(pid), ctx, acc, `attaching ${name}`);
  if (p) add(acc, 'state-change', `${name} attaches to ${describeAimed(Number(pid), p)} with ptrace: it is paused at every event while traced, and slows it down.`);
}

function trace({ name, args, ctx, acc, inner }: Call): void {
  const at = afterOptions(args, ['-e', '-o', '-s', '-a', '-E', '-u', '-P', '-I', '-b', '-X', '-O', '-S', '-p', '--attach', '--output', '--user']);
  const pid = optValue(args, at, '-p', '--attach');
  if (pid !== null) return judgeAttach(name, pid, ctx, acc);
  const out = optValue(args, at, '-o', '--output');
  if (out !== null) judgeWrite(out, false, null, ctx, acc, `${name} -o writes`);
  if (at >= args.length) return void add(acc, 'unparseable', `${name} needs a command or -p PID.`);
  inner(at);
}

function gdb({ args, ctx, acc }: Call): void {
  const pid = optValue(args, args.length, '-p', '--pid');
  if (args.some((a) => ['-ex', '--ex', '-x', '--batch', '-batch', '--eval-command', '-iex'].includes(a) || a.startsWith('--eval-command='))) {
    return void add(acc, 'shell-indirection', 'gdb with -ex/-x/-batch runs debugger commands that can change or kill the process (call, kill, set var). Attach interactively, or use read-only tools (cat /proc/PID/stack, pstack).');
  }
  if (pid !== null) return judgeAttach('gdb', pid, ctx, acc);
  add(acc, 'unknown-command', 'gdb runs or attaches a debugger; procdoc cannot judge what is done in it.');
}

export const DEBUGGER_COMMANDS: CommandTable = {
  strace: trace,
  ltrace: trace,
  gdb,
};
