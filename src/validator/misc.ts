import type { Process } from '../snapshot/schema.js';
import { add, alt, describeAimed, readOnly, target, type Acc, type JudgeContext } from './acc.js';
import { SIGNAL, parseSignal } from './signals.js';
import { touchProcess } from './targets.js';

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

export function judgeRenice(args: readonly string[], ctx: JudgeContext, acc: Acc): void {
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
export function judgeSchedTool(name: 'ionice' | 'chrt' | 'taskset', args: readonly string[], ctx: JudgeContext, acc: Acc, kind: 'pid' | 'pgrp' | 'user' = 'pid'): void {
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
export function judgeChoom(args: readonly string[], acc: Acc, write: (pid: string, value: string | null) => void): void {
  const pidIdx = args.findIndex((a) => a === '-p' || a === '--pid');
  const adjIdx = args.findIndex((a) => a === '-n' || a === '--adjust');
  if (pidIdx < 0) return void add(acc, 'unknown-command', 'choom without -p runs a command with another oom_score_adj; check the command by itself.');
  const pid = args[pidIdx + 1] ?? '';
  if (adjIdx < 0) return readOnly(acc, 'choom -p');
  write(pid, args[adjIdx + 1] ?? null);
}

/** strace -p, gdb -p, cpulimit -p: attaching to a process stops or changes it. */
export function judgeAttach(name: string, pid: string, ctx: JudgeContext, acc: Acc): void {
  if (!/^\d+$/.test(pid)) return void add(acc, 'unparseable', `${name}: "${pid}" is not a PID.`);
  const p = touchProcess(Number(pid), ctx, acc, `attaching ${name}`);
  if (p) add(acc, 'state-change', `${name} attaches to ${describeAimed(Number(pid), p)} with ptrace: it is paused at every event while traced, and slows it down.`);
}

const DOCKER_READ = new Set(['ps', 'inspect', 'logs', 'top', 'stats', 'images', 'info', 'version', 'events', 'port', 'diff', 'history', 'ls', 'list', 'df', 'search', 'healthcheck']);
const DOCKER_STOP = new Set(['stop', 'kill', 'restart', 'pause', 'unpause', 'rm', 'start', 'update', 'wait']);

/** docker / podman: reading is allowed; stop and kill are judged against the container's processes. */
export function judgeContainerCli(name: string, args: readonly string[], ctx: JudgeContext, acc: Acc): void {
  const positional: string[] = [];
  let signal: number | null = null;
  let remote = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-H' || a === '--host' || a === '--context' || a === '-c' || a === '--url' || a === '--connection') {
      remote = true;
      i++;
    } else if (a === '-s' || a === '--signal') signal = parseSignal(args[++i] ?? '');
    else if (a.startsWith('--signal=')) signal = parseSignal(a.slice(9));
    else if (a === '-t' || a === '--time' || a === '--timeout') i++;
    else if (!a.startsWith('-')) positional.push(a);
  }
  let [verb, ...rest] = positional;
  if (verb === 'container' || verb === 'image' || verb === 'network' || verb === 'volume' || verb === 'system' || verb === 'compose' || verb === 'pod') {
    const group = verb;
    verb = rest[0];
    rest = rest.slice(1);
    if (group === 'volume' && (verb === 'rm' || verb === 'prune')) return void add(acc, 'destructive', `${name} volume ${verb} deletes data volumes for good.`);
    if (group === 'system' && verb === 'prune') return void add(acc, 'destructive', `${name} system prune deletes stopped containers, images and possibly volumes.`);
    if (group !== 'container' && group !== 'pod') {
      if (verb !== undefined && DOCKER_READ.has(verb)) return readOnly(acc, `${name} ${group} ${verb}`);
      return void add(acc, 'state-change', `${name} ${group} ${verb ?? ''} changes ${group}s.`);
    }
  }
  if (verb === undefined) return readOnly(acc, name);
  if (DOCKER_READ.has(verb)) return readOnly(acc, `${name} ${verb}`);
  if (verb === 'exec' || verb === 'run' || verb === 'attach' || verb === 'cp' || verb === 'create' || verb === 'debug') {
    add(acc, 'shell-indirection', `${name} ${verb} runs a program inside a container, where this snapshot cannot judge what it does. Check the inner command against a snapshot taken in the container.`);
    return;
  }
  if (remote) return void add(acc, 'shell-indirection', `${name} talks to another engine or host that this snapshot does not cover.`);
  if (!DOCKER_STOP.has(verb)) return void add(acc, 'unknown-command', `${name} ${verb} is not a command procdoc judges; check it by hand.`);
  if (verb === 'start' || verb === 'unpause' || verb === 'wait' || verb === 'update') return void add(acc, 'state-change', `${name} ${verb} ${rest.join(' ')}.`);
  if (rest.length === 0) return void add(acc, 'unparseable', `${name} ${verb} needs a container id or name.`);
  const sig = verb === 'kill' ? (signal ?? SIGNAL.KILL) : SIGNAL.TERM;
  for (const id of rest) {
    const procs = ctx.idx.snapshot.processes.filter((p) => p.owner.container !== null && id.length >= 4 && p.owner.container.id.startsWith(id));
    for (const p of procs.slice(0, 20)) target(acc, p);
    const init = procs.find((p) => p.namespaceInit) ?? procs[0];
    if (sig === SIGNAL.KILL) {
      add(acc, 'sigkill-before-sigterm', `${name} ${verb} ${id} SIGKILLs the container's processes with no cleanup. \`${name} stop ${id}\` sends SIGTERM first and waits.`);
      alt(acc, `${name} stop ${id}`);
    }
    add(acc, 'signal-to-container', `${name} ${verb} ${id}${init ? ` (init PID ${init.pid}, ${procs.length} process${procs.length === 1 ? '' : 'es'})` : ' (not seen in the snapshot; it may be named, not by id)'}: the container's service ends until started again; a restart policy may bring it back.`);
    if (init && sig !== SIGNAL.KILL && !init.signals?.caught.some((s) => parseSignal(s) === SIGNAL.TERM) && init.namespaceInit) {
      add(acc, 'signal-ignored', `The container's init ${init.comm} (PID ${init.pid}) does not catch SIGTERM, so \`${name} stop\` will wait for its timeout and then SIGKILL. Run the container with --init (tini) so it stops cleanly.`);
    }
  }
}

export function judgeKubectl(args: readonly string[], acc: Acc): void {
  const positional = args.filter((a, i) => !a.startsWith('-') && !['-n', '--namespace', '-l', '--selector', '-o', '--output', '-c', '--container', '--context', '--kubeconfig'].includes(args[i - 1] ?? ''));
  const [verb, kind, ...names] = positional;
  const read = ['get', 'describe', 'logs', 'top', 'explain', 'version', 'api-resources', 'api-versions', 'cluster-info', 'events', 'auth', 'config', 'diff', 'wait'];
  if (verb === undefined || read.includes(verb)) return readOnly(acc, `kubectl ${verb ?? ''}`.trim());
  if (['exec', 'run', 'debug', 'attach', 'cp', 'port-forward', 'proxy'].includes(verb)) {
    add(acc, 'shell-indirection', `kubectl ${verb} runs or opens something inside the cluster, which this snapshot cannot judge.`);
    return;
  }
  if (verb === 'delete') {
    const broad = args.some((a) => ['--all', '-A', '--all-namespaces', '-l', '--selector'].includes(a) || a.startsWith('--selector=') || a.startsWith('--all'));
    const force = args.some((a) => a === '--force' || a === '--grace-period=0' || a === '--now');
    if (kind !== undefined && /^(ns|namespaces?|nodes?|no|pv|persistentvolumes?|pvc|persistentvolumeclaims?|crds?|customresourcedefinitions?)$/.test(kind)) {
      return void add(acc, 'destructive', `kubectl delete ${kind} removes a whole ${kind} and everything in it (or its data).`);
    }
    if (broad) add(acc, 'broad-match', `kubectl delete ${kind ?? ''} with a selector or --all hits every matching object. Name them.`);
    if (force) add(acc, 'sigkill-before-sigterm', 'kubectl delete --force / --grace-period=0 kills the pod without its grace period. Let the grace period run.');
    add(acc, 'signal-to-container', `kubectl delete ${kind ?? ''} ${names.join(' ')}: the pods are terminated; their controller (Deployment, StatefulSet) will create new ones.`);
    return;
  }
  add(acc, 'state-change', `kubectl ${verb} changes the cluster.`);
}
