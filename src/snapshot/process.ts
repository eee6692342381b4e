import type { Process, ReadError, Snapshot, Thread } from './schema.js';
import { readDeep } from './deep.js';
import { FsReader } from './read.js';
import { decodeSignalMask, firstNumber, numbersOf, parseCmdline, parsedOnce, parseProcCgroup, parseStat, statusFields, statusTgid, PF_KTHREAD, POLICIES, ttyName } from './parse.js';

/*
 * The cheap tier of one process, kept apart from the rest of the snapshotter so that a
 * worker thread can load it (and nothing else) to read half of a large host.
 */

/** What one pass learns besides the processes: shared parses, and fd table sizes. */
export interface ReadMemo {
  cgroups: Map<string, Process['cgroup']>;
  fdTableSizes: Map<number, number>;
  /**
   * When each process's stat was read (process.hrtime, in ms): the pass is the first CPU
   * sample too, and a pass over thousands of processes takes hundreds of milliseconds.
   */
  readAt?: Map<number, number>;
}

/**
 * What a pass may leave unread of every process, each left null, for a command that needs it
 * of a few processes only and reads it for those (withDetails, oomScoreReader): wchan, the OOM scores
 * (oom_score and oom_score_adj), the executable's path (exe). Three of the eight reads.
 */
export interface Unread {
  wchan?: boolean;
  oom?: boolean;
  exe?: boolean;
}

/** The validator's pass (SnapshotOptions.light): it needs wchan and the OOM scores only of what a command acts on. */
export const LIGHT: Unread = { wchan: true, oom: true };

/** The cheap tier: stat, status, cmdline, cgroup, exe, wchan and oom files of one process, less what `unread` names. */
export function readProcess(
  reader: FsReader,
  procRoot: string,
  pid: number,
  users: Map<number, string>,
  memo?: ReadMemo,
  unread: Unread = {},
): Process | null {
  const dir = `${procRoot}/${pid}`;
  const statText = reader.text(`${dir}/stat`, pid);
  if (statText === null) return null; // exited before we got here
  memo?.readAt?.set(pid, Number(process.hrtime.bigint()) / 1e6);
  const stat = parseStat(statText);
  if (stat === null) return null;
  const statusText = reader.text(`${dir}/status`, pid);
  if (statusText === null) return null;
  const st = statusFields(statusText);
  const kernelThread = (stat.flags & PF_KTHREAD) !== 0 || st.Kthread === '1';
  const cmdline = kernelThread ? null : reader.view(`${dir}/cmdline`, pid);
  const { argv, binary } = cmdline === null ? { argv: [], binary: false } : parseCmdline(cmdline);
  const cgroupText = reader.text(`${dir}/cgroup`, pid);
  let cgroup = cgroupText === null ? undefined : memo?.cgroups.get(cgroupText);
  if (cgroup === undefined && cgroupText !== null) {
    // Most processes share a few cgroup files: parse each distinct text once.
    cgroup = parseProcCgroup(cgroupText);
    memo?.cgroups.set(cgroupText, cgroup);
  }
  const { wchan, oomScore, oomScoreAdj } = readDetails(reader, dir, pid, kernelThread, unread);
  const exe = kernelThread || stat.state === 'Z' || unread.exe === true ? null : reader.link(`${dir}/exe`, pid, true);
  const uid = firstNumber(st.Uid) ?? -1;
  const gid = firstNumber(st.Gid) ?? -1;
  // One pid unless the process is in a nested PID namespace.
  const nspid = st.NSpid === undefined || st.NSpid === '' || st.NSpid.includes('\t') ? numbersOf(st.NSpid) : [Number(st.NSpid)];
  // stat was read as latin1; comm is UTF-8 bytes, cut at 15 by the kernel.
  const comm = /[\x80-\xff]/.test(stat.comm) ? Buffer.from(stat.comm, 'latin1').toString('utf8') : stat.comm;
  // FDSize (the fd table size) hints at many descriptors without listing them; a kernel thread has none.
  if (!kernelThread) memo?.fdTableSizes.set(pid, Number(st.FDSize ?? 0));
  const vol = st.voluntary_ctxt_switches;
  const nonvol = st.nonvoluntary_ctxt_switches;
  return {
    pid,
    ppid: stat.ppid,
    pgid: stat.pgid,
    sid: stat.sid,
    ttyNr: stat.ttyNr,
    tty: ttyName(stat.ttyNr),
    tpgid: stat.tpgid,
    comm,
    argv,
    cmdlineBinary: binary,
    exe,
    uid,
    user: users.get(uid) ?? null,
    gid,
    state: stat.state.charAt(0) || '?',
    wchan,
    nice: stat.nice,
    priority: stat.priority,
    policy: POLICIES[stat.policy] ?? 'UNKNOWN',
    rtPriority: stat.rtPriority,
    threads: stat.threads,
    startTime: stat.startTime,
    startedAt: '', // filled from boot time below
    utime: stat.utime,
    stime: stat.stime,
    rss: stat.rssPages * 4096,
    vsz: stat.vsize,
    processor: stat.processor,
    kernelThread,
    oomScore,
    oomScoreAdj,
    signals: signalsOf(st.SigPnd, st.ShdPnd, st.SigBlk, st.SigIgn, st.SigCgt),
    nspid: nspid.length > 0 ? nspid : [pid],
    namespaceInit: nspid.length > 1 && nspid[nspid.length - 1] === 1,
    cgroup: cgroup ?? { v2: null, v1: {} },
    cpusAllowed: st.Cpus_allowed_list ?? null,
    memsAllowed: st.Mems_allowed_list ?? null,
    ctxSwitches: vol === undefined || nonvol === undefined ? null : { voluntary: Number(vol), nonvoluntary: Number(nonvol) },
    owner: { unit: null, container: null, supervisor: null },
    cpu: null,
    deep: null,
  };
}

type Details = Pick<Process, 'wchan' | 'oomScore' | 'oomScoreAdj'>;

/** Where a process waits in the kernel, and its OOM score and adjustment, less what `unread` names (null). */
function readDetails(reader: FsReader, dir: string, pid: number, kernelThread: boolean, unread: Unread): Details {
  const wchan = unread.wchan === true ? null : reader.text(`${dir}/wchan`, pid, true);
  const oom = !kernelThread && unread.oom !== true;
  const oomScore = oom ? reader.text(`${dir}/oom_score`, pid, true) : null;
  const oomAdj = oom ? reader.text(`${dir}/oom_score_adj`, pid, true) : null;
  return {
    wchan: wchan === null || wchan === '0' || wchan === '' ? null : wchan.trim(),
    oomScore: oomScore === null ? null : Number(oomScore.trim()),
    oomScoreAdj: oomAdj === null ? null : Number(oomAdj.trim()),
  };
}

/**
 * Completes the processes `pids` of a light pass (SnapshotOptions.light) with what it left
 * unread: wchan, oom_score and oom_score_adj, for the processes a command acts on. A
 * process that has exited, or whose pid now names another process, is left as it was;
 * what could not be read is added to the snapshot's errors.
 */
export function withDetails(snapshot: Snapshot, pids: Iterable<number>, procRoot: string): Snapshot {
  const wanted = new Set(pids);
  if (wanted.size === 0) return snapshot;
  const reader = new FsReader();
  // An id that is no process of the snapshot may be a thread of one (a thread id from
  // `top -H`): record which, and read that process's details too.
  const known = new Set(snapshot.processes.map((p) => p.pid));
  const recorded = new Set(snapshot.threads.map((t) => t.tid));
  const threads = threadsAmong(reader, procRoot, [...wanted].filter((id) => !known.has(id) && !recorded.has(id))).filter((t) => known.has(t.pid));
  for (const t of threads) wanted.add(t.pid);
  const processes = snapshot.processes.map((p) => {
    if (!wanted.has(p.pid)) return p;
    const dir = `${procRoot}/${p.pid}`;
    if (!stillThere(reader, dir, p)) return p;
    return { ...p, ...readDetails(reader, dir, p.pid, p.kernelThread, {}) };
  });
  return { ...snapshot, processes, threads: [...snapshot.threads, ...threads], errors: [...snapshot.errors, ...reader.errors()] };
}

/** Whether `p` still runs at `dir`: not exited, and its pid not taken by another process (another start time). */
function stillThere(reader: FsReader, dir: string, p: Process): boolean {
  const stat = reader.text(`${dir}/stat`, p.pid, true);
  return stat !== null && parseStat(stat)?.startTime === p.startTime;
}

export type OomScores = Pick<Process, 'oomScore' | 'oomScoreAdj'>;

/** Reads the OOM scores of one process at a time (OomScoreReader.read); what failed is in errors(). */
export interface OomScoreReader {
  /** The scores of `p`, or null if it has exited or its pid now names another process. */
  read(p: Process): OomScores | null;
  errors(): ReadError[];
}

/** An OomScoreReader of the processes of a pass that left their OOM scores unread (Unread). */
export function oomScoreReader(procRoot: string): OomScoreReader {
  const reader = new FsReader();
  return {
    read(p) {
      const dir = `${procRoot}/${p.pid}`;
      if (!stillThere(reader, dir, p)) return null;
      const { oomScore, oomScoreAdj } = readDetails(reader, dir, p.pid, p.kernelThread, { wchan: true });
      return { oomScore, oomScoreAdj };
    },
    errors: () => reader.errors(),
  };
}

/**
 * The thread ids among `ids`: those that name a thread of a process rather than a process
 * (a thread id opens under /proc, though /proc does not list it), each with the process it
 * belongs to (Tgid in its status) and its own start time. Thread ids come from `top -H`, `ps -L` or a thread dump.
 */
export function threadsAmong(reader: FsReader, procRoot: string, ids: Iterable<number>): Thread[] {
  const out: Thread[] = [];
  for (const tid of ids) {
    if (!(tid > 0)) continue;
    const text = reader.text(`${procRoot}/${tid}/status`, tid, true);
    const pid = text === null ? null : statusTgid(text);
    if (pid === null || pid === tid) continue;
    // /proc/TID/stat is the thread's own: its start time tells a reused thread id.
    const stat = reader.text(`${procRoot}/${tid}/stat`, tid, true);
    out.push({ tid, pid, startTime: (stat === null ? null : parseStat(stat)?.startTime) ?? null });
  }
  return out;
}

/** Decoded signal masks by their hex texts: a host has a few dozen distinct sets across thousands of processes. */
const signalSets = new Map<string, Process['signals']>();
const maskNames = new Map<string, string[]>();

function signalsOf(pending = '0', shdPending = '0', blocked = '0', ignored = '0', caught = '0'): Process['signals'] {
  return parsedOnce(signalSets, `${pending}/${shdPending}/${blocked}/${ignored}/${caught}`, () => ({
    pending: parsedOnce(maskNames, pending, decodeSignalMask),
    shdPending: parsedOnce(maskNames, shdPending, decodeSignalMask),
    blocked: parsedOnce(maskNames, blocked, decodeSignalMask),
    ignored: parsedOnce(maskNames, ignored, decodeSignalMask),
    caught: parsedOnce(maskNames, caught, decodeSignalMask),
  }));
}

/** What every read in one thread's pass shares. */
export interface PassScope {
  reader: FsReader;
  procRoot: string;
  users: Map<number, string>;
  memo: ReadMemo;
  deep: boolean;
  /** What to leave unread of every process (readProcess). */
  unread: Unread;
}

/** Pids claimed at a time from a shared cursor: small enough that the threads end together. */
const CHUNK = 32;

/**
 * The pass each thread runs (parallel.ts): claims chunks of `pids` from the shared cursor
 * until none are left, reading each process (and its deep tier with `deep`).
 */
export function readClaimed(
  cursor: Int32Array,
  pids: readonly number[],
  scope: PassScope,
  out: Process[],
): void {
  for (;;) {
    const start = Atomics.add(cursor, 0, CHUNK);
    if (start >= pids.length) return;
    const end = Math.min(start + CHUNK, pids.length);
    for (let i = start; i < end; i++) readWithDeep(pids[i]!, scope, out);
  }
}

/** One process, with its deep tier when `deep`; nothing if it has exited. */
export function readWithDeep(
  pid: number,
  scope: PassScope,
  out: Process[],
): void {
  const { reader, procRoot, users, memo, deep } = scope;
  const p = readProcess(reader, procRoot, pid, users, memo, scope.unread);
  if (p === null) return;
  if (deep) p.deep = readDeep(reader, `${procRoot}/${pid}`, pid, p.kernelThread);
  out.push(p);
}
