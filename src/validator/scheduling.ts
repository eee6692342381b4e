import type { Process } from '../snapshot/schema.js';
import { add, describeAimed, readOnly, target, type Acc, type JudgeContext } from './acc.js';
import { afterOptions, hasOpt, optValue, type Call, type CommandTable } from './call.js';
import { judgeAttach } from './debuggers.js';
import { judgeWrite } from './files.js';
import { touchProcess } from './targets.js';

// The scheduling family: nice values, real-time policies, CPU affinity, I/O classes, OOM scores.

/** A process a scheduling tool is aimed at, and how messages name it (a thread id names that thread). */
interface Aimed {
  p: Process;
  who: string;
}

/** PIDs, process groups or users a scheduling tool is aimed at. */
function aimed(kind: 'pid' | 'pgrp' | 'user', ids: string[], ctx: JudgeContext, acc: Acc, what: string): Aimed[] {
  const out: Aimed[] = [];
  const of = (p: Process): Aimed => ({ p, who: `${p.pid} (${p.comm})` });
  for (const id of ids) {
    if (kind === 'pid') {
      if (!/^\d+$/.test(id)) {
        add(acc, 'unparseable', `${what}: "${id}" is not a PID.`);
        continue;
      }
      const p = touchProcess(Number(id), ctx, acc, what);
      if (p) out.push({ p, who: describeAimed(Number(id), p, '') });
    } else if (kind === 'pgrp') {
      const members = ctx.idx.group(Number(id));
      if (members.length === 0) add(acc, 'target-not-found', `There is no process group ${id} now.`);
      for (const p of members) {
        target(acc, p);
        out.push(of(p));
      }
    } else {
      const members = ctx.idx.snapshot.processes.filter((p) => p.user === id || String(p.uid) === id);
      add(acc, 'broad-match', `${what} for user ${id} hits all ${members.length} of their processes. Name the PIDs.`);
      for (const p of members.slice(0, 20)) target(acc, p);
      out.push(...members.map(of));
    }
  }
  return out;
}

function judgeRenice(args: readonly string[], ctx: JudgeContext, acc: Acc): void {
  let kind: 'pid' | 'pgrp' | 'user' = 'pid';
  let priority: number | null = null;
  const ids: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-n' || a === '--priority' || a === '--relative') priority = Number(args[++i]);
    else if (a === '-p' || a === '--pid') kind = 'pid';
    else if (a === '-g' || a === '--pgrp') kind = 'pgrp';
    else if (a === '-u' || a === '--user') kind = 'user';
    else if (priority === null && /^[+-]?\d+$/.test(a)) priority = Number(a);
    else ids.push(a);
  }
  if (priority === null || Number.isNaN(priority) || ids.length === 0) return void add(acc, 'unparseable', 'renice: give a priority and at least one PID (renice -n 5 -p PID).');
  const hit = aimed(kind, ids, ctx, acc, 'renice');
  if (hit.length > 0) add(acc, 'state-change', `Sets the nice value of ${hit.map((a) => a.who).slice(0, 6).join(', ')} to ${priority}${priority < 0 ? ': it will take CPU from everything else' : ''}.`);
}

/** ionice -p PID / chrt -p PID / taskset -p: query forms are read-only, setting forms change the target. */
function judgeSchedTool(name: 'ionice' | 'chrt' | 'taskset', args: readonly string[], ctx: JudgeContext, acc: Acc, kind: 'pid' | 'pgrp' | 'user' = 'pid'): void {
  const positional = args.filter((a, i) => !a.startsWith('-') && !(name === 'ionice' && ['-c', '-n', '--class', '--classdata'].includes(args[i - 1] ?? '')) && !(name === 'chrt' && ['-T', '-P', '-D'].includes(args[i - 1] ?? '')));
  const setting = name === 'taskset' ? positional.length > 1 : name === 'chrt' ? positional.length > 1 : args.some((a) => ['-c', '-n', '--class', '--classdata'].includes(a) || /^-[cn]\d/.test(a));
  const pids = name === 'ionice' ? positional : positional.slice(-1);
  if (!setting) return readOnly(acc, `${name} -p`);
  const hit = aimed(kind, pids, ctx, acc, name);
  const realtime = (name === 'chrt' && !args.some((a) => /^-(o|b|i|d)$|^--(other|batch|idle|deadline)$/.test(a))) || (name === 'ionice' && args.some((a, i) => (a === '-c' || a === '--class') && ['1', 'realtime'].includes(args[i + 1] ?? '')) || args.includes('-c1'));
  if (hit.length === 0) return;
  const who = `${hit.slice(0, 6).map((a) => a.who).join(', ')}${hit.length > 6 ? `, … (${hit.length} in all)` : ''}`;
  if (realtime) add(acc, 'realtime-policy', `${name} gives ${who} a real-time ${name === 'ionice' ? 'I/O class' : 'scheduling policy'}: if it spins it starves everything else on its CPUs, the shell you would fix it from included.`);
  else add(acc, 'state-change', `${name} changes how ${who} is scheduled${name === 'taskset' ? ' (which CPUs it may run on)' : ''}.`);
}

/** choom -p PID -n ADJ. */
function judgeChoom(args: readonly string[], acc: Acc, write: (pid: string, value: string | null) => void): void {
  const pidIdx = args.findIndex((a) => a === '-p' || a === '--pid');
  const adjIdx = args.findIndex((a) => a === '-n' || a === '--adjust');
  if (pidIdx < 0) return void add(acc, 'unknown-command', 'choom without -p runs a command with another oom_score_adj; check the command by itself.');
  const pid = args[pidIdx + 1] ?? '';
  if (adjIdx < 0) return readOnly(acc, 'choom -p');
  write(pid, args[adjIdx + 1] ?? null);
}

function ionice({ args, ctx, acc, inner }: Call): void {
  const at = afterOptions(args, ['-c', '-n', '--class', '--classdata']);
  if (hasOpt(args, at, '-p', '-P', '-u', '--pid', '--pgid', '--uid') || at >= args.length) {
    const kind = hasOpt(args, at, '-u', '--uid') ? 'user' : hasOpt(args, at, '-P', '--pgid') ? 'pgrp' : 'pid';
    return judgeSchedTool('ionice', args.filter((a) => !['-p', '-P', '-u', '--pid', '--pgid', '--uid'].includes(a)), ctx, acc, kind);
  }
  const cls = optValue(args, at, '-c', '--class');
  if (cls === '1' || cls === 'realtime') add(acc, 'realtime-policy', `ionice -c 1 gives ${args[at]} real-time I/O priority: it can starve every other process's disk I/O.`);
  inner(at);
}

function chrt({ args, ctx, acc, inner }: Call): void {
  const at = afterOptions(args, ['-T', '-P', '-D', '--sched-runtime', '--sched-period', '--sched-deadline']);
  if (hasOpt(args, at, '-m', '--max')) return readOnly(acc, 'chrt -m');
  if (hasOpt(args, at, '-p', '--pid')) return judgeSchedTool('chrt', args.filter((a) => a !== '-p' && a !== '--pid'), ctx, acc);
  if (at + 1 >= args.length) return void add(acc, 'unparseable', 'chrt needs a priority and a command (or -p PID).');
  const policy = hasOpt(args, at, '-o', '-b', '-i', '-d', '--other', '--batch', '--idle', '--deadline') ? 'normal' : 'realtime';
  if (policy === 'realtime') add(acc, 'realtime-policy', `chrt runs ${args[at + 1]} with a real-time policy (SCHED_${hasOpt(args, at, '-f', '--fifo') ? 'FIFO' : 'RR'}): if it spins it starves everything else on its CPUs.`);
  inner(at + 1);
}

function taskset({ args, ctx, acc, inner }: Call): void {
  const at = afterOptions(args, []);
  if (hasOpt(args, at, '-p', '--pid')) return judgeSchedTool('taskset', args.filter((a) => a !== '-p' && a !== '--pid' && !/^-[ac]*p[ac]*$/.test(a) && a !== '-a' && a !== '-c'), ctx, acc);
  if (at + 1 >= args.length) return void add(acc, 'unparseable', 'taskset needs a CPU mask and a command (or -p PID).');
  inner(at + 1);
}

function numactl({ args, acc, inner }: Call): void {
  const at = afterOptions(args, ['-C', '-N', '-m', '-p', '-i', '-P', '-w', '--cpunodebind', '--physcpubind', '--membind', '--preferred', '--interleave', '--weighted-interleave', '--preferred-many']);
  // Only numactl's own options, before the command: the command's -s is not numactl --show.
  if (args.slice(0, at).some((a) => ['--hardware', '-H', '--show', '-s'].includes(a))) return readOnly(acc, 'numactl');
  inner(at);
}

function cpulimit({ args, ctx, acc, inner }: Call): void {
  const pid = optValue(args, args.length, '-p', '--pid');
  if (pid !== null) return judgeAttach('cpulimit', pid, ctx, acc);
  inner(afterOptions(args, ['-l', '--limit', '-e', '--exe', '-P', '--path']));
}

export const SCHEDULING_COMMANDS: CommandTable = {
  renice: ({ args, ctx, acc }) => judgeRenice(args, ctx, acc),
  ionice,
  chrt,
  taskset,
  numactl,
  cpulimit,
  choom: ({ args, ctx, acc }) => judgeChoom(args, acc, (pid, value) => judgeWrite(`/proc/${pid}/oom_score_adj`, false, value, ctx, acc, 'choom sets')),
};
