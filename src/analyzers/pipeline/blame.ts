import type { Process, Snapshot } from '../../snapshot/schema.js';
import { frozenCgroupOf, label, type SnapshotIndex } from '../../snapshot/query.js';
import { classifyActivity, cleanWchan, progressOf, stackFrames, stdinIsTty, outputIsTty } from './activity.js';
import type { PipeTable, PipelineShape } from './discover.js';
import type { Activity, PipelineVerdictCode, ProposedPipelineRemediation } from './schema.js';

/**
 * The chain of blame: every stage waits for something — the writer of the pipe it reads,
 * the reader of the pipe it fills, the child it waits for — or is stuck on its own account
 * (stopped, in D state, on the terminal, a lock, a timer). Following those waits from the
 * pipeline's last stage leads to the process to act on.
 */
export interface BlameContext {
  snapshot: Snapshot;
  index: SnapshotIndex;
  table: PipeTable;
  shape: PipelineShape;
  /** Per-analysis memo of classifyActivity (a stage is classified many times along the chains). */
  activities?: Map<number, Activity>;
}

function activityOf(ctx: Pick<BlameContext, 'activities' | 'index'>, p: Process): Activity {
  const cached = ctx.activities?.get(p.pid);
  if (cached !== undefined) return cached;
  const a = stageActivity(ctx.index, p);
  ctx.activities?.set(p.pid, a);
  return a;
}

/**
 * What a stage is doing (classifyActivity), with its freezer cgroup's word over its wchan: a
 * task a v2 freezer holds sleeps in get_signal (state S), like one waiting for any signal.
 */
export function stageActivity(index: SnapshotIndex, p: Process): Activity {
  const activity = classifyActivity(p);
  return activity !== 'exited' && activity !== 'frozen' && frozenCgroupOf(index, p) !== undefined ? 'frozen' : activity;
}

type Edge =
  | { kind: 'read'; inode: number; to: Process }
  | { kind: 'write'; inode: number; to: Process }
  | { kind: 'child'; to: Process }
  /** The only writers left hold the pipe by accident (orphaned or a stray child): the reader never sees EOF. */
  | { kind: 'leak'; inode: number; to: Process; self: boolean };

interface Hop {
  from: Process;
  edge: Edge;
}

interface Path {
  start: Process;
  hops: Hop[];
  terminal: Process;
  /** How the walk ended. */
  end: 'stuck' | 'progressing' | 'cycle';
}

export interface Blame {
  code: PipelineVerdictCode;
  culprit: Process | null;
  chain: string[];
  guesses: string[];
  explanation: string;
  remediation: ProposedPipelineRemediation[];
}

const SEVERITY: Record<PipelineVerdictCode, number> = {
  'stage-uninterruptible': 8,
  'stage-stopped': 7,
  'stage-waiting-tty': 6,
  'leaked-pipe-writer': 5,
  'consumer-not-reading': 4,
  'stage-waiting-child': 3,
  'stage-blocked-other': 2,
  progressing: 1,
  finished: 0,
};

function alive(p: Process): boolean {
  return p.state !== 'Z' && p.state !== 'X';
}

/** The parent that started the pipeline (the shell): the most common parent of the stages, orphans aside. */
export function pipelineParent(ctx: BlameContext): number | undefined {
  const votes = new Map<number, number>();
  for (const s of ctx.shape.stages) {
    if (s.ppid <= 1) continue;
    votes.set(s.ppid, (votes.get(s.ppid) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestVotes = 0;
  const sink = ctx.shape.stages[ctx.shape.stages.length - 1];
  for (const [ppid, n] of votes) {
    if (n > bestVotes || (n === bestVotes && ppid === sink?.ppid)) {
      best = ppid;
      bestVotes = n;
    }
  }
  return best;
}

/** The pipeline's process group: the one most stages are in. */
export function pipelinePgid(shape: PipelineShape): number | undefined {
  const votes = new Map<number, number>();
  for (const s of shape.stages) votes.set(s.pgid, (votes.get(s.pgid) ?? 0) + 1);
  return [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

/** A writer is part of the pipeline if the shell started it or it descends from a live stage. */
function attached(ctx: BlameContext, p: Process, shell: number | undefined): boolean {
  if (shell !== undefined && p.ppid === shell) return true;
  const stagePids = new Set(ctx.shape.stages.map((s) => s.pid));
  return ctx.index.ancestors(p.pid).some((a) => stagePids.has(a.pid) && alive(a) && a.pid !== p.pid);
}

function pipeOnFd(ctx: BlameContext, p: Process, fds: number[], want: 'reads' | 'writes'): number | undefined {
  const ends = ctx.table.endsOf(p.pid).filter((e) => e[want]);
  for (const fd of fds) {
    const e = ends.find((x) => x.fd === fd);
    if (e) return e.inode;
  }
  return ends.find((e) => ctx.shape.inodes.includes(e.inode))?.inode ?? ends[0]?.inode;
}

/**
 * Which of several processes to follow: one that moves first (data still flows through the
 * pipe, so the stage is not hung), then the shell's own children, then the lowest PID.
 */
function byPreference(ctx: BlameContext, shell: number | undefined) {
  return (a: Process, b: Process): number => {
    const score = (p: Process): number => (isMoving(p) ? 0 : 4) + (p.ppid === shell ? 0 : 2);
    return score(a) - score(b) || a.pid - b.pid;
  };
}

/** One step of the chain from `p`, or undefined when `p` is stuck on its own account. */
function step(ctx: BlameContext, p: Process, shell: number | undefined): Edge | undefined {
  const activity = activityOf(ctx, p);
  const procs = (pids: Iterable<number>): Process[] =>
    [...new Set(pids)].map((pid) => ctx.index.process(pid)).filter((x): x is Process => x !== undefined && alive(x));
  switch (activity) {
    case 'reading-pipe': {
      const inode = pipeOnFd(ctx, p, [0], 'reads');
      if (inode === undefined) return undefined;
      const ends = ctx.table.holders(inode);
      const writers = procs(ends.filter((e) => e.writes && e.pid !== p.pid).map((e) => e.pid)).sort(byPreference(ctx, shell));
      const mine = writers.filter((w) => attached(ctx, w, shell));
      const first = mine[0];
      if (first) return { kind: 'read', inode, to: first };
      const stray = writers[0];
      if (stray) return { kind: 'leak', inode, to: stray, self: false };
      if (ends.some((e) => e.pid === p.pid && e.writes)) return { kind: 'leak', inode, to: p, self: true };
      return undefined;
    }
    case 'writing-pipe': {
      const inode = pipeOnFd(ctx, p, [1, 2], 'writes');
      if (inode === undefined) return undefined;
      const readers = procs(
        ctx.table
          .holders(inode)
          .filter((e) => e.reads && e.pid !== p.pid)
          .map((e) => e.pid),
      ).sort(byPreference(ctx, shell));
      const first = readers[0];
      return first ? { kind: 'write', inode, to: first } : undefined;
    }
    case 'waiting-signal':
    case 'waiting-child': {
      const pipelinePipes = new Set(ctx.shape.inodes);
      const holdsPipe = (c: Process): boolean => ctx.table.endsOf(c.pid).some((e) => pipelinePipes.has(e.inode));
      const kids = ctx.index
        .children(p.pid)
        .filter(alive)
        .sort((a, b) => Number(isMoving(b)) - Number(isMoving(a)) || Number(holdsPipe(b)) - Number(holdsPipe(a)) || a.pid - b.pid);
      const first = kids[0];
      return first ? { kind: 'child', to: first } : undefined;
    }
    case 'running':
    case 'writing-tty':
    case 'reading-tty':
    case 'lock':
    case 'futex':
    case 'poll':
    case 'socket':
    case 'sleep':
    case 'stopped':
    case 'traced':
    case 'frozen':
    case 'uninterruptible':
    case 'exited':
    case 'other':
      return undefined;
  }
}

function isMoving(p: Process): boolean {
  const progress = progressOf(p);
  // Without two samples a runnable stage is taken as moving: we cannot tell slow from hung.
  return progress.progressing || (!progress.known && p.state === 'R');
}

function walk(ctx: BlameContext, start: Process, shell: number | undefined): Path {
  const hops: Hop[] = [];
  const seen = new Set<number>();
  let current = start;
  for (;;) {
    if (isMoving(current)) return { start, hops, terminal: current, end: 'progressing' };
    if (seen.has(current.pid)) return { start, hops, terminal: current, end: 'cycle' };
    seen.add(current.pid);
    const edge = step(ctx, current, shell);
    if (edge === undefined) return { start, hops, terminal: current, end: 'stuck' };
    hops.push({ from: current, edge });
    if (edge.kind === 'leak') return { start, hops, terminal: edge.to, end: 'stuck' };
    current = edge.to;
  }
}

export function pipeName(inode: number): string {
  return `pipe:[${inode}]`;
}

function hopText(hop: Hop): string {
  const from = label(hop.from);
  const e = hop.edge;
  switch (e.kind) {
    case 'read':
      return `${from} waits to read ${pipeName(e.inode)}, written by ${label(e.to)}`;
    case 'write':
      return `${from} is blocked writing ${pipeName(e.inode)}: the pipe is full and its reader ${label(e.to)} is not draining it`;
    case 'child':
      return `${from} waits for its child ${label(e.to)} to exit`;
    case 'leak':
      return e.self
        ? `${from} waits to read ${pipeName(e.inode)}, but it holds the write end of that pipe itself, so it can never see end-of-file`
        : `${from} waits to read ${pipeName(e.inode)}; the only process still holding its write end is ${label(e.to)}, a leftover that no stage waits for`;
  }
}

/** What a process is doing, in words, for the stage list and explanations. */
export function describeActivity(ctx: Pick<BlameContext, 'table' | 'index'>, p: Process, activity: Activity = stageActivity(ctx.index, p)): string {
  const wchan = cleanWchan(p.wchan);
  const inodeOn = (fds: number[], want: 'reads' | 'writes'): string => {
    const ends = ctx.table.endsOf(p.pid).filter((e) => e[want]);
    const e = fds.map((fd) => ends.find((x) => x.fd === fd)).find((x) => x !== undefined) ?? ends[0];
    return e ? pipeName(e.inode) : 'a pipe';
  };
  switch (activity) {
    case 'running':
      return p.cpu ? `running (${Math.round(p.cpu.percent)}% CPU)` : 'running';
    case 'reading-pipe':
      return `waiting to read ${inodeOn([0], 'reads')}`;
    case 'writing-pipe':
      return `blocked writing ${inodeOn([1, 2], 'writes')} (the pipe is full)`;
    case 'waiting-child': {
      const kids = ctx.index.children(p.pid).filter(alive);
      return kids.length > 0 ? `waiting for its child ${kids.map(label).join(', ')} to exit` : 'waiting for a child to exit';
    }
    case 'waiting-signal': {
      const kids = ctx.index.children(p.pid).filter(alive);
      return kids.length > 0 ? `waiting for a signal (${wchan ?? 'sigsuspend'}), e.g. SIGCHLD when its child ${kids.map(label).join(', ')} exits` : `waiting for a signal (${wchan ?? 'sigsuspend'})`;
    }
    case 'reading-tty':
      return `waiting for input from the terminal${p.tty === null ? '' : ` ${p.tty}`}`;
    case 'writing-tty':
      return `blocked writing to the terminal${p.tty === null ? '' : ` ${p.tty}`} (output paused, e.g. by Ctrl-S)`;
    case 'lock':
      return `waiting for a file lock (flock/fcntl, in ${wchan ?? 'the kernel'})`;
    case 'futex':
      return `waiting on a futex (a lock or condition variable inside the program, ${wchan ?? 'futex'})`;
    case 'poll':
      return `waiting in poll/select/epoll for one of its descriptors (${wchan ?? 'poll'})`;
    case 'socket':
      return `waiting on a socket (${wchan ?? 'socket'})`;
    case 'sleep':
      return 'sleeping on a timer (nanosleep)';
    case 'stopped':
      return 'stopped (state T)';
    case 'traced':
      return 'stopped by a debugger or tracer (state t, ptrace)';
    case 'frozen':
      return p.state === 'D' ? 'frozen by a freezer cgroup (state D in __refrigerator)' : `frozen by a freezer cgroup (state ${p.state}${wchan === null ? '' : ` in ${wchan}`})`;
    case 'uninterruptible':
      return `in uninterruptible sleep (state D)${wchan === null ? '' : ` in ${wchan}`}`;
    case 'exited':
      return 'exited (a zombie its parent has not reaped yet)';
    case 'other':
      return wchan === null ? `in state ${p.state}` : `sleeping in ${wchan}`;
  }
}

/**
 * Which signal stopped a process is not in /proc: infer what we can, and say it is a guess.
 * `why` completes "grep (22) is stopped (state T), …".
 */
function stopGuess(p: Process): { tty: boolean; why: string; guess: string } {
  const background = p.tty !== null && p.tpgid !== p.pgid;
  if (background && (stdinIsTty(p) || p.deep?.fds == null)) {
    return {
      tty: true,
      why: `most likely by SIGTTIN: it is in a background process group (${p.pgid}) of terminal ${p.tty} (foreground group ${p.tpgid}) and tried to read the terminal`,
      guess: `SIGTTIN inferred for ${label(p)}: background group ${p.pgid} ≠ terminal foreground group ${p.tpgid}, stdin is the terminal; Ctrl-Z (SIGTSTP) would look the same — the kernel does not record which signal stopped a process`,
    };
  }
  if (background && outputIsTty(p)) {
    return {
      tty: false,
      why: `by SIGSTOP, Ctrl-Z (SIGTSTP), or SIGTTOU for writing to the terminal ${p.tty} from the background (with \`stty tostop\`)`,
      guess: `stop signal of ${label(p)} unknown: the kernel does not record which signal stopped a process`,
    };
  }
  return {
    tty: false,
    why: 'most likely by SIGSTOP or by Ctrl-Z (SIGTSTP)',
    guess: `stop signal of ${label(p)} inferred: not a background terminal job, so SIGSTOP or SIGTSTP; the kernel does not record which signal stopped a process`,
  };
}

/** Who holds the lock a process waits for, from /proc/locks (its "->" line names the file). */
function lockHolders(ctx: BlameContext, p: Process): Process[] {
  const waits = ctx.snapshot.locks.filter((l) => l.blocked && l.pid === p.pid);
  const holders = ctx.snapshot.locks.filter((l) => !l.blocked && waits.some((w) => w.device === l.device && w.inode === l.inode));
  return [...new Set(holders.map((l) => l.pid))].flatMap((pid) => ctx.index.process(pid) ?? []);
}

/** Files the process has open that other processes also have open: the likely holders of a lock it waits for. */
function lockSuspects(ctx: BlameContext, p: Process): { file: string; holders: Process[] }[] {
  // Devices and pseudo-files (/dev/null, /proc/…) are open everywhere and cannot be locked meaningfully.
  const lockable = (target: string): boolean => target.startsWith('/') && !/^\/(dev|proc|sys)\//.test(target);
  const files = (p.deep?.fds ?? []).filter((f) => f.kind === 'file' && lockable(f.target)).map((f) => f.target);
  const out: { file: string; holders: Process[] }[] = [];
  for (const file of new Set(files)) {
    const holders = ctx.snapshot.processes.filter((q) => q.pid !== p.pid && alive(q) && (q.deep?.fds ?? []).some((f) => f.kind === 'file' && f.target === file));
    if (holders.length > 0) out.push({ file, holders });
  }
  return out;
}

function codeOf(ctx: BlameContext, path: Path): PipelineVerdictCode {
  if (path.end === 'progressing') return 'progressing';
  const last = path.hops[path.hops.length - 1];
  if (last?.edge.kind === 'leak') return 'leaked-pipe-writer';
  if (path.end === 'cycle') return 'stage-blocked-other';
  const activity = activityOf(ctx, path.terminal);
  switch (activity) {
    case 'stopped':
      return stopGuess(refineStopped(ctx, path.terminal)).tty ? 'stage-waiting-tty' : 'stage-stopped';
    case 'traced':
      return 'stage-stopped';
    case 'frozen':
    case 'uninterruptible':
      return 'stage-uninterruptible';
    case 'reading-tty':
    case 'writing-tty':
      return 'stage-waiting-tty';
    case 'running':
    case 'reading-pipe':
    case 'writing-pipe':
    case 'waiting-child':
    case 'waiting-signal':
    case 'lock':
    case 'futex':
    case 'poll':
    case 'socket':
    case 'sleep':
    case 'exited':
    case 'other':
      if (last?.edge.kind === 'write') return 'consumer-not-reading';
      if (last?.edge.kind === 'child') return 'stage-waiting-child';
      return 'stage-blocked-other';
  }
}

/**
 * SIGTTIN, SIGTSTP and a group-wide `kill -STOP -PGID` stop the whole process group. When
 * every stage of the group is stopped, the one that read the terminal is the culprit.
 */
function refineStopped(ctx: BlameContext, p: Process): Process {
  const group = ctx.shape.stages.filter((s) => s.pgid === p.pgid);
  if (!group.every((s) => s.state === 'T')) return p;
  return group.find((s) => s.tty !== null && s.tpgid !== s.pgid && stdinIsTty(s)) ?? p;
}

function groupStopped(ctx: BlameContext, p: Process): boolean {
  const group = ctx.shape.stages.filter((s) => s.pgid === p.pgid);
  return group.length > 1 && group.every((s) => s.state === 'T');
}

function terminate(pgid: number | undefined, why: string): ProposedPipelineRemediation[] {
  // `--` before the group: without it procps-ng's kill reads -1234 as -1 (every process).
  return pgid !== undefined && pgid > 1 ? [{ command: `kill -s TERM -- -${pgid}`, why }] : [];
}

function sentence(s: string): string {
  const t = s.trim();
  // No capital: sentences often start with a command name (grep, wc), which is lower case.
  return t === '' ? '' : `${t}${/[.!?]$/.test(t) ? '' : '.'}`;
}

function cpuShare(p: Process): number {
  return p.cpu?.percent ?? 0;
}

/** Decides the verdict for one pipeline. */
export function blame(input: BlameContext): Blame {
  const ctx: BlameContext = { ...input, activities: input.activities ?? new Map<number, Activity>() };
  const stages = ctx.shape.stages.filter(alive);
  const shell = pipelineParent(ctx);
  const pgid = pipelinePgid(ctx.shape);
  const paths = stages.map((s) => walk(ctx, s, shell));
  const stageSet = new Set(ctx.shape.stages.map((s) => s.pid));
  // Sinks: stages whose output feeds no other stage. The chain of blame starts at the output.
  const sinks = stages.filter((s) => {
    const out = ctx.table.endsOf(s.pid).filter((e) => (e.fd === 1 || e.fd === 2) && ctx.shape.inodes.includes(e.inode));
    return !out.some((e) => ctx.table.holders(e.inode).some((h) => h.fd === 0 && h.pid !== s.pid && stageSet.has(h.pid)));
  });
  const sinkPaths = paths.filter((p) => sinks.includes(p.start));
  const candidates = sinkPaths.length > 0 ? sinkPaths : paths;

  if (candidates.length === 0 || candidates.every((p) => p.end === 'progressing')) {
    return progressingBlame(ctx, stages);
  }
  const codes = new Map(paths.map((p) => [p, codeOf(ctx, p)]));
  const codeFor = (p: Path): PipelineVerdictCode => codes.get(p) ?? codeOf(ctx, p);
  const worst = candidates
    .filter((p) => p.end !== 'progressing')
    .sort((a, b) => SEVERITY[codeFor(b)] - SEVERITY[codeFor(a)] || b.hops.length - a.hops.length)[0]!;
  // The longest chain that ends at the same process tells the whole story (a blocked
  // writer upstream of a consumer that does not read); ties go to the sink's chain.
  const sameEnd = paths.filter((p) => p.terminal.pid === worst.terminal.pid && p.end === worst.end && codeFor(p) !== 'progressing');
  const chosen = sameEnd.filter((p) => p.hops.length > worst.hops.length).sort((a, b) => b.hops.length - a.hops.length)[0] ?? worst;
  const code = codeFor(chosen);
  const chain = chosen.hops.map(hopText);
  const also = sameEnd
    .filter((p) => p !== chosen && p.hops.length > 0)
    .map((p) => hopText(p.hops[0]!))
    .filter((t) => !chain.includes(t));
  return explain(ctx, code, chosen, chain, also, pgid);
}

function progressingBlame(ctx: BlameContext, stages: Process[]): Blame {
  const busiest = [...stages].sort((a, b) => cpuShare(b) - cpuShare(a))[0];
  const known = stages.some((s) => progressOf(s).known);
  const moving = stages.filter((s) => isMoving(s)).map(label);
  const bottleneck = busiest && cpuShare(busiest) > 0 ? busiest : null;
  const explanation = [
    known
      ? `The pipeline is moving, not hung: ${moving.join(', ') || 'its stages'} used CPU or moved data between the two samples.`
      : 'The pipeline looks alive: its stages are runnable. Only one sample was taken, so procdoc cannot tell slow from hung; run it again with sampling (--sample MS).',
    bottleneck ? `${label(bottleneck)} is the busiest stage (${Math.round(cpuShare(bottleneck))}% of one CPU) and is probably the bottleneck.` : '',
    'Give it time, or make the slow stage faster.',
  ]
    .filter((s) => s !== '')
    .join(' ');
  return { code: 'progressing', culprit: bottleneck, chain: [], guesses: known ? [] : ['progress assumed from state R: single sample'], explanation, remediation: [] };
}

function explain(ctx: BlameContext, code: PipelineVerdictCode, path: Path, chain: string[], also: string[], pgid: number | undefined): Blame {
  const guesses: string[] = [];
  const lines: string[] = chain.map(sentence);
  if (also.length > 0) lines.push(sentence(`Also held up: ${also.join('; ')}`));
  const remediation: ProposedPipelineRemediation[] = [];
  let culprit: Process = path.terminal;
  const job = pgid !== undefined ? `process group ${pgid}` : 'the pipeline';

  switch (code) {
    case 'stage-stopped':
    case 'stage-waiting-tty': {
      if (path.terminal.state === 'T') {
        culprit = refineStopped(ctx, path.terminal);
        const guess = stopGuess(culprit);
        guesses.push(guess.guess);
        const whole = groupStopped(ctx, culprit);
        lines.push(
          sentence(
            `${label(culprit)} is stopped (state T), ${guess.why} (a guess: the kernel does not record which signal)${whole ? `; so is every other stage of ${job}` : ''}. A stopped process does nothing until it gets SIGCONT`,
          ),
        );
        if (guess.tty) {
          lines.push(
            sentence(
              `It wants input from the terminal. Bring the job to the foreground with \`fg\` in the shell that started it and type the input (end it with Ctrl-D), or end the job; continuing it in the background only stops it again`,
            ),
          );
          remediation.push(...terminate(culprit.pgid, `End the job; the stages get SIGTERM once continued, so follow with \`kill -s CONT -- -${culprit.pgid}\` if they stay stopped.`));
        } else {
          const resume = whole ? `kill -s CONT -- -${culprit.pgid}` : `kill -s CONT ${culprit.pid}`;
          lines.push(sentence(`Resume it with \`${resume}\`, or bring the job to the foreground with \`fg\``));
          remediation.push({ command: resume, why: whole ? `Resume every stopped stage of ${job}.` : `Resume ${label(culprit)}; the stages waiting for it continue.` });
          remediation.push(...terminate(pgid, `Or end the whole pipeline instead: SIGTERM to ${job} reaches every stage and any orphaned descendants (stopped stages act on it once continued).`));
        }
      } else if (path.terminal.state === 't') {
        lines.push(sentence(`${label(culprit)} is stopped by a debugger or tracer (ptrace): detach the debugger (e.g. \`detach\` in gdb, or end strace) to let it run`));
      } else {
        const activity = activityOf(ctx, culprit);
        lines.push(
          sentence(
            activity === 'writing-tty'
              ? `${label(culprit)} is blocked writing to the terminal ${culprit.tty ?? ''}: output is paused (Ctrl-S); press Ctrl-Q in that terminal`
              : `${label(culprit)} is waiting for input from the terminal ${culprit.tty ?? ''}: its standard input is the terminal, not a file or pipe (a forgotten file name?). Type the input and end it with Ctrl-D, or interrupt it with Ctrl-C`,
          ),
        );
        remediation.push(...terminate(pgid, `End ${job} if the input will not come.`));
      }
      break;
    }
    case 'leaked-pipe-writer': {
      const last = path.hops[path.hops.length - 1]!;
      const edge = last.edge as Extract<Edge, { kind: 'leak' }>;
      culprit = edge.to;
      const holders = ctx.table
        .holders(edge.inode)
        .filter((e) => e.writes && e.pid === culprit.pid)
        .map((e) => `fd ${e.fd}`);
      if (edge.self) {
        lines.push(
          sentence(`The reader holds the write end itself (${holders.join(', ')}), so end-of-file never comes: the program forgot to close its copy of the write end. It has to be ended`),
        );
        remediation.push({ command: `kill -TERM ${culprit.pid}`, why: `${label(culprit)} will never see end-of-file on its input; end it.` });
      } else {
        const parent = ctx.index.process(culprit.ppid);
        lines.push(
          sentence(
            `${label(culprit)}, ${describeActivity(ctx, culprit)}, inherited the write end of ${pipeName(edge.inode)} (${holders.join(', ')}) — typically a background child started by an earlier stage — and keeps it open, so the reader waits for an end-of-file that never comes${parent ? `; its parent is now ${label(parent)}` : ''}`,
          ),
        );
        lines.push(sentence(`End ${label(culprit)} (or close that descriptor in the program that starts it, e.g. redirect the background command's output: \`cmd >/dev/null &\`)`));
        remediation.push({ command: `kill -TERM ${culprit.pid}`, why: `${label(culprit)} holds the write end of ${pipeName(edge.inode)}; once it exits the reader sees end-of-file and finishes.` });
      }
      break;
    }
    case 'consumer-not-reading': {
      lines.push(sentence(`${label(culprit)} does not read its input: it is ${describeActivity(ctx, culprit)}`));
      remediation.push({
        command: `kill -TERM ${culprit.pid}`,
        why: `End the consumer that does not read; the writer then gets SIGPIPE/EPIPE and the pipeline ends.`,
      });
      remediation.push(...terminate(pgid, `Or end the whole pipeline: SIGTERM to ${job} reaches every stage and any orphaned descendants.`));
      break;
    }
    case 'stage-uninterruptible': {
      const frames = stackFrames(culprit);
      const where = cleanWchan(culprit.wchan) ?? frames[0] ?? 'the kernel';
      const frozen = frozenCgroupOf(ctx.index, culprit);
      if (frozen) {
        const how =
          frozen.cgroup.version === 1
            ? 'A process the v1 freezer holds shows state D, and no signal, not even SIGKILL, acts until the cgroup is thawed'
            : 'A process the v2 freezer holds sleeps, and only SIGKILL (or a signal it has no handler for) acts before the cgroup is thawed';
        lines.push(
          sentence(`${label(culprit)} is frozen: its freezer cgroup ${frozen.cgroup.path} is ${frozen.cgroup.freezer?.state ?? 'FROZEN'}${frozen.thaw === null ? ' (an ancestor cgroup froze it)' : ''}. ${how}`),
        );
        if (frozen.thaw !== null) remediation.push({ command: frozen.thaw, why: `Thaw cgroup ${frozen.cgroup.path}; the stage resumes where it stopped.` });
      } else {
        lines.push(
          sentence(
            `${label(culprit)} is in uninterruptible sleep (state D) in ${where}${frames.length > 0 ? ` (kernel stack: ${frames.join(' ← ')})` : ''}: it waits for I/O or a kernel resource to return, and no signal, not even SIGKILL, acts until it does. Look at what it waits on (a slow disk, a hung NFS server, a frozen cgroup)`,
          ),
        );
        remediation.push(...terminate(pgid, `Ends the pipeline once the I/O returns; signals are held until then.`));
      }
      break;
    }
    case 'stage-waiting-child': {
      lines.push(sentence(`${label(culprit)} is ${describeActivity(ctx, culprit)} and does not exit, so its parent keeps waiting`));
      remediation.push({ command: `kill -TERM ${culprit.pid}`, why: `End the stuck child; its parent then continues and the pipeline can finish.` });
      remediation.push(...terminate(pgid, `Or end the whole pipeline: SIGTERM to ${job} reaches every stage and its children.`));
      break;
    }
    case 'stage-blocked-other': {
      if (path.end === 'cycle') {
        lines.push(sentence(`The stages wait for each other in a circle (a deadlock): none can move until one of them is ended`));
      } else {
        lines.push(sentence(`${label(culprit)} is ${describeActivity(ctx, culprit)}`));
        const holders = activityOf(ctx, culprit) === 'lock' ? lockHolders(ctx, culprit) : [];
        if (holders.length > 0) {
          lines.push(sentence(`The lock is held by ${holders.map(label).join(', ')} (per /proc/locks)`));
          for (const h of holders.slice(0, 3)) {
            remediation.push({ command: `kill -TERM ${h.pid}`, why: `${label(h)} holds the lock ${label(culprit)} waits for; if it is stuck, ending it releases the lock.` });
          }
        } else if (activityOf(ctx, culprit) === 'lock') {
          const suspects = lockSuspects(ctx, culprit);
          if (suspects.length > 0) {
            const text = suspects
              .slice(0, 3)
              .map((s) => `${s.file} is also open in ${s.holders.slice(0, 5).map(label).join(', ')}${s.holders.length > 5 ? ` and ${s.holders.length - 5} more` : ''}`)
              .join('; ');
            lines.push(sentence(`Probably held by another process: ${text} (a guess from open files; /proc/locks has the owner)`));
            guesses.push(`lock holder inferred from shared open files: ${text}`);
          } else {
            lines.push(sentence(`Another process holds the lock; /proc/locks names it`));
          }
        }
      }
      remediation.push(...terminate(pgid, `End the whole pipeline: SIGTERM to ${job} reaches every stage and any orphaned descendants.`));
      break;
    }
    case 'progressing':
    case 'finished':
      break;
  }
  return { code, culprit, chain, guesses, explanation: lines.filter((l) => l !== '').join(' '), remediation };
}
