import type { Process } from '../snapshot/schema.js';
import { frozenCgroupOf } from '../snapshot/query.js';
import { add, alt, describe, effect, target, targetThread, usesDetails, type Acc, type JudgeContext } from './acc.js';
import { SIGNAL, defaultAction, dumpsCore, listHas, signalName } from './signals.js';

/** Daemons whose loss cuts people off or takes the machine's plumbing down (comm names). */
export const DEFAULT_CRITICAL_COMMS: readonly string[] = [
  'sshd',
  'sshd-session',
  'systemd-journald',
  'dbus-daemon',
  'dbus-broker',
  'dbus-broker-launch',
  'systemd-logind',
  'systemd-udevd',
  'udevd',
  'systemd-networkd',
  'containerd',
  'dockerd',
  'kubelet',
];

export const DEFAULT_CRITICAL_UNITS: readonly string[] = [
  'ssh.service',
  'sshd.service',
  'systemd-journald.service',
  'systemd-journald.socket',
  'dbus.service',
  'dbus.socket',
  'dbus-broker.service',
  'systemd-logind.service',
  'systemd-udevd.service',
  'systemd-networkd.service',
  'containerd.service',
  'docker.service',
  'docker.socket',
  'kubelet.service',
];

/** comm is the first 15 bytes of the program name. */
export function isCritical(p: Process, ctx: JudgeContext): boolean {
  return ctx.criticalComms.some((name) => p.comm === name || p.comm === name.slice(0, 15));
}

/** procdoc itself or one of its ancestors; PID 1, an ancestor of everything, has its own rule. */
export function isSelf(p: { pid: number }, ctx: JudgeContext): 'self' | 'ancestor' | null {
  const self = ctx.idx.snapshot.self;
  if (p.pid === self.pid) return 'self';
  if (p.pid !== 1 && self.ancestors.includes(p.pid)) return 'ancestor';
  return null;
}

/**
 * Whether a pattern (pkill, killall, skill) cannot meet `p` when the command runs: when the
 * caller runs it later, procdoc's own process and the ancestors whose command line carries
 * this invocation (`timeout 10 procdoc check …`) will have exited. The caller's own shell
 * does not carry it, and stays matched.
 */
export function goneWhenRun(p: Process, ctx: JudgeContext): boolean {
  if (ctx.runBy !== 'caller') return false;
  const kind = isSelf(p, ctx);
  if (kind === 'self') return true;
  if (kind === null) return false;
  const line = p.argv.join(' ');
  const words = ctx.invocation.filter((w) => w !== '');
  return words.length > 0 && words.every((w) => line.includes(w));
}

/** The processes a pattern can meet when the command runs (see goneWhenRun). */
export function matchable(ctx: JudgeContext): Process[] {
  const all = ctx.idx.snapshot.processes;
  return ctx.runBy === 'caller' ? all.filter((p) => !goneWhenRun(p, ctx)) : all;
}

const KILL_ALTERNATIVE = /^kill (?:-s \S+|-[A-Za-z0-9+]+)(?: --)? (-?\d+)$/;

/**
 * Whether an alternative may be offered: never a kill of what the rules deny outright
 * (init, a container's init, a kernel thread, a zombie, procdoc or its ancestors).
 */
export function offerable(command: string, ctx: JudgeContext): boolean {
  const m = KILL_ALTERNATIVE.exec(command);
  if (!m) return true;
  const n = Number(m[1]);
  if (n === 0 || n === 1 || n === -1) return false;
  const aimed = n < 0 ? ctx.idx.group(-n) : [ctx.idx.process(n)].flatMap((p) => (p ? [p] : []));
  return !aimed.some((p) => p.pid === 1 || p.namespaceInit || p.kernelThread || isSelf(p, ctx) !== null || (n > 0 && p.state === 'Z'));
}

export function systemctlFor(manager: 'system' | 'user'): string {
  return manager === 'user' ? 'systemctl --user' : 'systemctl';
}

function selfMessage(p: Process, kind: 'self' | 'ancestor', verb: string): string {
  return kind === 'self'
    ? `${describe(p)} is procdoc itself; ${verb} it would end this check, not fix anything.`
    : `${describe(p)} is an ancestor of procdoc (the shell or program that asked for this command); ${verb} it would end the caller's own session. Target the misbehaving process instead.`;
}

function zombie(p: Process, ctx: JudgeContext, acc: Acc): void {
  const parent = ctx.idx.process(p.ppid);
  const who = parent ? describe(parent) : `PID ${p.ppid}`;
  add(
    acc,
    'target-zombie',
    `${describe(p)} is a zombie: it has already exited and cannot be signalled away. Only its parent ${who} can reap it with wait(). Send the parent SIGCHLD to prompt it; if it still does not reap, restart or stop the parent and the zombie goes with it.`,
  );
  alt(acc, `kill -s CHLD ${p.ppid}`);
  const unit = parent?.owner.unit;
  if (unit && unit.name.endsWith('.service')) alt(acc, `${systemctlFor(unit.manager)} restart ${unit.name}`);
  else if (parent && parent.pid !== 1) alt(acc, `kill -TERM ${parent.pid}`);
}

/** What an action given a thread id does: kill(2) signals the whole process; renice, chrt, taskset and ionice change that thread. */
export type ThreadReach = 'process' | 'thread';

/**
 * The rules that apply to any action aimed at a process (signal, renice, oom_score_adj…).
 * A thread id (from `top -H`, `ps -L` or a thread dump) is judged as the process it belongs
 * to, with a confirm that says so and what the action reaches (`reach`).
 */
export function existing(pid: number, ctx: JudgeContext, acc: Acc, what: string, reach: ThreadReach = 'process'): Process | null {
  const p = ctx.idx.process(pid);
  const owner = p ? undefined : ctx.idx.threadOf(pid);
  if (owner) {
    if (reach === 'thread') targetThread(acc, pid, ctx.idx.snapshot.threads.find((t) => t.tid === pid)?.startTime ?? null, owner);
    else target(acc, owner);
    const reaches =
      reach === 'process' ? `acts on the whole process, all ${owner.threads} of its threads` : `changes that one thread only, not the rest of the process`;
    add(
      acc,
      'target-thread',
      `${pid} is not a process but a thread of ${describe(owner)}: ${what} ${reaches}. Name PID ${owner.pid} to aim at the process (\`ps -L -p ${owner.pid}\` lists its threads).`,
    );
    return owner;
  }
  if (!p) {
    target(acc, { pid });
    add(
      acc,
      'target-not-found',
      `PID ${pid} does not exist now (it may have exited, or the PID is mistyped), so ${what} would hit nothing — or a new process that reuses the PID. Look again with \`procdoc snapshot\` or \`ps -p ${pid}\`.`,
    );
    return null;
  }
  target(acc, p);
  return p;
}

/** One signal aimed at one process, as the rules below see it. */
interface Aimed {
  readonly p: Process;
  readonly sig: number;
  /** SIGTERM, SIGKILL…: how messages name the signal. */
  readonly name: string;
  /** How a kill offered instead names the target: the PID, or `-- -PGID` for a group. */
  readonly aim: string;
  readonly pgid: number | null;
  readonly pattern: string | null;
  readonly stopped: boolean;
  readonly ctx: JudgeContext;
  readonly acc: Acc;
}

/**
 * Judges sending `sig` to one existing process. `pgid` is set when the signal goes to its
 * whole process group (kill -SIG -PGID): the commands offered then name the group too.
 * `pattern` names the pattern that matched it (pkill -x foo), when it was not named by PID.
 * Each rule is a function named after it; the first four deny the target outright and end
 * the judgement, the rest add up.
 */
export function signalProcess(p: Process, sig: number, ctx: JudgeContext, acc: Acc, pgid: number | null = null, pattern: string | null = null): void {
  target(acc, p);
  if (sig === 0) return; // existence probe
  effect(acc, { kind: 'signal', pid: p.pid, startTime: p.startTime, comm: p.comm, signal: sig });
  // A group goes after --: procps-ng 4.0's kill reads `kill -TERM -1234` as kill(-1, SIGTERM).
  const s: Aimed = { p, sig, name: signalName(sig), aim: pgid === null ? `${p.pid}` : `-- -${pgid}`, pgid, pattern, stopped: p.state === 'T' || p.state === 't', ctx, acc };
  const before = acc.hits.length;
  if (targetPid1(s) || targetKernelThread(s) || targetZombie(s) || targetSelf(s) || targetCritical(s) || sigkillOnManagedUnit(s)) return;
  signalToManagedUnit(s);
  signalToContainer(s);
  const frozen = frozenCgroupOf(ctx.idx, p);
  uninterruptibleTarget(s, frozen);
  signalIgnored(s);
  thawFirst(s, frozen);
  sigkillBeforeSigterm(s);
  if (acc.hits.length === before) stateChange(s);
}

/** PID 1, or the init of a PID namespace (a container): its exit takes everything with it. */
function targetPid1({ p, acc }: Aimed): boolean {
  if (p.pid === 1) {
    add(acc, 'target-pid1', `PID 1 (${p.comm}) is init: it drops signals it has no handler for, and if it died the kernel would panic. To re-execute systemd use \`systemctl daemon-reexec\`; to restart a service use \`systemctl restart UNIT\`.`);
    return true;
  }
  if (!p.namespaceInit) return false;
  const unit = p.owner.unit;
  const catchesTerm = listHas(p.signals?.caught, SIGNAL.TERM);
  const ignoresNote = catchesTerm ? '' : ` It does not catch SIGTERM, so SIGTERM sent to it is dropped by the kernel (a plain \`docker stop\` waits for the timeout and then kills).`;
  add(
    acc,
    'target-pid1',
    `${describe(p)} is PID 1 of a PID namespace (a container's init, PID ${p.nspid.at(-1) ?? 1} inside): if it exits, the kernel kills every process in that namespace.${ignoresNote} Stop the container through its runtime or unit instead.`,
  );
  const c = p.owner.container;
  if (c && (c.runtime === 'docker' || c.runtime === 'podman')) alt(acc, `${c.runtime} stop ${c.id.slice(0, 12)}`);
  else if (unit) alt(acc, `${systemctlFor(unit.manager)} stop ${unit.name}`);
  return true;
}

function targetKernelThread({ p, acc }: Aimed): boolean {
  if (!p.kernelThread) return false;
  add(acc, 'target-kernel-thread', `${describe(p)} is a kernel thread: signals from user space do not stop it. Find what drives it (a driver, a mount, a module) and deal with that.`);
  return true;
}

/** A zombie named by PID is denied; one met in a group or by a pattern is only noted. */
function targetZombie({ p, name, pgid, pattern, ctx, acc }: Aimed): boolean {
  if (p.state !== 'Z') return false;
  if (pgid === null && pattern === null) {
    zombie(p, ctx, acc);
    return true;
  }
  // A pipeline's group often holds a stage that has exited and waits to be reaped, and a
  // pattern can match a dead process by its name: the signal is meant for the living ones.
  const parent = ctx.idx.process(p.ppid);
  const where = pgid !== null ? `in group ${pgid}` : `(matched by ${pattern})`;
  add(acc, 'state-change', `${describe(p)} ${where} is a zombie: it has exited already, and ${name} does nothing to it. It goes once its parent ${parent ? describe(parent) : `PID ${p.ppid}`} reaps it (or exits).`);
  return true;
}

function targetSelf({ p, name, ctx, acc }: Aimed): boolean {
  const self = isSelf(p, ctx);
  if (!self) return false;
  add(acc, 'target-self', selfMessage(p, self, `sending ${name} to`));
  return true;
}

/** A critical daemon: denied when the signal would stop it, noted when it handles it (a reload). */
function targetCritical({ p, sig, name, ctx, acc }: Aimed): boolean {
  if (!isCritical(p, ctx)) return false;
  const fatal = sig === SIGNAL.KILL || sig === SIGNAL.STOP || ((defaultAction(sig) === 'terminate' || defaultAction(sig) === 'stop') && !listHas(p.signals?.caught, sig));
  const unit = p.owner.unit;
  if (fatal) {
    add(
      acc,
      'target-critical',
      `${describe(p)} is a critical daemon (${p.comm}); ${name} would stop it and can cut off logins, logging or the container runtime. If it misbehaves, restart it through its unit, after checking its logs.`,
    );
    if (unit) alt(acc, `${systemctlFor(unit.manager)} restart ${unit.name}`);
    return true;
  }
  add(acc, 'state-change', `${describe(p)} is a critical daemon; it handles ${name} (usually a reload), so it should keep running.`);
  return false;
}

/** The service a process belongs to, as the unit rules need it. */
function serviceOf(p: Process, ctx: JudgeContext) {
  const unit = p.owner.unit;
  if (!unit || !unit.name.endsWith('.service')) return null;
  const info = ctx.idx.unit(unit.name);
  const restart = info?.restart ?? null;
  return { unit, info, restart, respawns: restart !== null && restart !== 'no', isMain: info?.mainPid === p.pid, sc: systemctlFor(unit.manager) };
}

/** SIGKILL to a unit's main process (or one that may be): systemd records a crash, and may restart it. */
function sigkillOnManagedUnit({ p, sig, ctx, acc }: Aimed): boolean {
  const svc = serviceOf(p, ctx);
  if (svc === null || sig !== SIGNAL.KILL || !(svc.isMain || svc.info === undefined)) return false;
  const { unit, info, restart, respawns, isMain, sc } = svc;
  const anyway = restart === 'always' ? ' Restart=always would start it again anyway, so the kill alone fixes nothing.' : respawns ? ` With Restart=${restart} systemd would start it again.` : '';
  const rest = info?.killMode === 'control-group' || info?.killMode === 'mixed' ? ` Its other processes are then stopped too (KillMode=${info.killMode}).` : '';
  add(
    acc,
    'sigkill-on-managed-unit',
    `${describe(p)} ${isMain ? `is the main process of ${unit.name}` : `belongs to ${unit.name} and may be its main process (systemd did not say which is)`}; SIGKILL skips its cleanup and systemd records a crash.${rest}${anyway} Let the service manager do it: \`${sc} restart ${unit.name}\` (or \`${sc} stop ${unit.name}\` to keep it down).`,
  );
  alt(acc, `${sc} restart ${unit.name}`);
  return true;
}

function signalToManagedUnit({ p, sig, name, ctx, acc }: Aimed): void {
  const svc = serviceOf(p, ctx);
  if (svc === null) return;
  const { unit, restart, respawns, isMain, sc } = svc;
  const respawnNote = respawns ? ` It has Restart=${restart}, so systemd may start it again.` : '';
  add(
    acc,
    'signal-to-managed-unit',
    `${describe(p)} belongs to ${unit.name}${isMain ? ' (its main process)' : ''}; a signal behind the service manager's back leaves the unit in an unexpected state.${respawnNote} Prefer \`${sc}\` for the unit.`,
  );
  if (sig === SIGNAL.HUP) alt(acc, `${sc} reload ${unit.name}`);
  else if (defaultAction(sig) === 'terminate') alt(acc, `${sc} restart ${unit.name}`);
  else alt(acc, `${sc} kill -s ${name} ${unit.name}`);
}

function signalToContainer({ p, sig, name, acc }: Aimed): void {
  const c = p.owner.container;
  if (!c) return;
  add(acc, 'signal-to-container', `${describe(p)} runs in a ${c.runtime} container (${c.id.slice(0, 12)}); its runtime may restart it or report a failure. Prefer the runtime's own command.`);
  if (c.runtime === 'docker' || c.runtime === 'podman') alt(acc, `${c.runtime} ${sig === SIGNAL.KILL || sig === SIGNAL.TERM ? 'stop' : `kill -s ${name}`} ${c.id.slice(0, 12)}`);
}

type Frozen = ReturnType<typeof frozenCgroupOf>;

// A frozen process takes a signal once thawed. In v1 it waits in D and not even SIGKILL
// acts. In v2 it sleeps in S, and a signal that kills it outright acts at once (SIGKILL, or
// one it has no handler for whose default ends it without a core dump: the kernel makes
// that a SIGKILL); one it handles waits for the thaw, as the handler cannot run.
// An ignored signal is dropped when sent, frozen or not (signal-ignored says so).
function waitsForThaw(p: Process, frozen: Frozen, n: number): boolean {
  return frozen !== undefined && !listHas(p.signals?.ignored, n) && (p.state === 'D' || !killsOutright(p, n));
}

function thawIt(frozen: Frozen): string {
  return frozen === undefined ? '' : frozen.thaw !== null ? `thaw it first (\`${frozen.thaw}\`)` : 'an ancestor cgroup froze it: thaw that one first';
}

/** Where the signal stays pending: a D-state wait (uninterruptible-target), a frozen cgroup, a stopped process. */
function uninterruptibleTarget({ p, sig, name, aim, stopped, acc }: Aimed, frozen: Frozen): void {
  if (p.state === 'D') {
    usesDetails(acc, p);
    const why = frozen
      ? ` Its cgroup ${frozen.cgroup.path} is ${frozen.cgroup.freezer?.state ?? 'FROZEN'}: ${thawIt(frozen)}, and it will take the signal.`
      : ` It waits in ${p.wchan ?? 'the kernel'}; find the device, mount or lock it waits for (see its kernel stack).`;
    const ends = sig === SIGNAL.KILL || defaultAction(sig) === 'terminate' ? ' and it cannot exit before then' : '';
    add(acc, 'uninterruptible-target', `${describe(p)} is in uninterruptible sleep (D): ${name} stays pending until that wait ends${ends}.${why}`);
  } else if (frozen && waitsForThaw(p, frozen, sig)) {
    const pending = p.signals === null && defaultAction(sig) === 'terminate' && !dumpsCore(sig) ? `unless it has no handler for ${name} (its signal masks were not read), ${name}` : name;
    add(acc, 'state-change', `${describe(p)} is frozen (its cgroup ${frozen.cgroup.path} is ${frozen.cgroup.freezer?.state ?? 'FROZEN'}): ${pending} stays pending until the cgroup is thawed; ${thawIt(frozen)}.`);
  } else if (stopped && sig !== SIGNAL.KILL && sig !== SIGNAL.CONT) {
    add(acc, 'state-change', `${describe(p)} is stopped (T): ${name} stays pending until it is continued. Send SIGCONT after it (kill -CONT ${aim}).`);
  }
}

function signalIgnored({ p, sig, name, acc }: Aimed): void {
  if (sig === SIGNAL.KILL || sig === SIGNAL.STOP || sig === SIGNAL.CONT) return;
  const ignored = listHas(p.signals?.ignored, sig);
  const blocked = listHas(p.signals?.blocked, sig);
  if (!ignored && !blocked) return;
  add(
    acc,
    'signal-ignored',
    `${describe(p)} ${ignored ? 'ignores' : 'blocks'} ${name}, so this signal will do nothing${blocked ? ' until it unblocks it' : ''}. Find out why it does (its code or its launcher); if it must end now, SIGKILL is the only way and skips its cleanup.`,
  );
}

/** The thaw, where this signal (or the SIGTERM offered instead of SIGKILL) would wait for it. */
function thawFirst({ p, sig, acc }: Aimed, frozen: Frozen): void {
  if (frozen?.thaw && (waitsForThaw(p, frozen, sig) || (sig === SIGNAL.KILL && waitsForThaw(p, frozen, SIGNAL.TERM)))) alt(acc, frozen.thaw);
}

function sigkillBeforeSigterm({ p, sig, aim, stopped, acc }: Aimed): void {
  if (sig !== SIGNAL.KILL) return;
  const termIgnored = listHas(p.signals?.ignored, SIGNAL.TERM) || listHas(p.signals?.blocked, SIGNAL.TERM);
  add(
    acc,
    'sigkill-before-sigterm',
    termIgnored
      ? `${describe(p)} ignores SIGTERM, so SIGKILL is the remaining way; it skips all cleanup (temporary files, locks, child processes).`
      : stopped
        ? `SIGKILL gives ${describe(p)} no chance to clean up (temporary files, locks, child processes). Send SIGTERM first; it is stopped (T), so SIGTERM stays pending until you send SIGCONT after it (kill -CONT ${aim}).`
        : `SIGKILL gives ${describe(p)} no chance to clean up (temporary files, locks, child processes). Send SIGTERM first and give it a few seconds.`,
  );
  if (!termIgnored) alt(acc, `kill -TERM ${aim}`);
  if (!termIgnored && stopped) alt(acc, `kill -CONT ${aim}`);
}

/** When no other rule spoke: what the signal does. */
function stateChange({ p, sig, name, acc }: Aimed): void {
  const action = sig === SIGNAL.CONT ? `resumes ${describe(p)}` : sig === SIGNAL.STOP ? `stops ${describe(p)} until it gets SIGCONT` : `sends ${name} to ${describe(p)}`;
  add(acc, 'state-change', `This ${action}.${endsUnhandled(p, sig)}`);
}

/**
 * Whether a signal ends the process as soon as it is sent, frozen (v2) or not: SIGKILL, or a
 * signal with no handler, not blocked, whose default action terminates without a core dump
 * (complete_signal() turns it into a group SIGKILL). false when the masks were not read.
 */
function killsOutright(p: Process, sig: number): boolean {
  if (sig === SIGNAL.KILL) return true;
  if (p.signals === null || defaultAction(sig) !== 'terminate' || dumpsCore(sig)) return false;
  return !listHas(p.signals.caught, sig) && !listHas(p.signals.ignored, sig) && !listHas(p.signals.blocked, sig);
}

/**
 * What a signal meant to be handled (USR1, HUP, ABRT…) does to a process with no handler for
 * it: the kernel's default action ends it. TERM and KILL are sent to end it anyway.
 */
function endsUnhandled(p: Process, sig: number): string {
  if (sig === SIGNAL.TERM || sig === SIGNAL.KILL || defaultAction(sig) !== 'terminate') return '';
  const name = signalName(sig);
  const core = dumpsCore(sig) ? ' and dumps core' : '';
  if (p.signals === null) return ` Unless it handles ${name} (its signal masks were not read), the kernel's default action ends the process${core}.`;
  if (listHas(p.signals.caught, sig) || listHas(p.signals.ignored, sig) || listHas(p.signals.blocked, sig)) return '';
  return ` It has no handler for ${name}, so the kernel's default action ends the process${core}: if you meant to ask it for something (a reload, a dump), it does not understand ${name}.`;
}

/** Rules for non-signal actions on a process (renice, affinity, oom_score_adj, ptrace). */
export function touchProcess(pid: number, ctx: JudgeContext, acc: Acc, what: string, reach: ThreadReach = 'thread'): Process | null {
  const p = existing(pid, ctx, acc, what, reach);
  if (!p) return null;
  if (p.state === 'Z') {
    zombie(p, ctx, acc);
    return null;
  }
  if (p.kernelThread) {
    add(acc, 'target-kernel-thread', `${describe(p)} is a kernel thread; ${what} on it changes kernel behaviour that its driver expects. Leave it to the kernel.`);
    return null;
  }
  return p;
}
