import { join } from 'node:path';
import { ProcdocError } from '../errors.js';
import type { Cgroup, Process, SeriesPoint, Snapshot, Thread } from './schema.js';
import { SNAPSHOT_SCHEMA_VERSION } from './version.js';
import { FsReader } from './read.js';
import { detectCgroupLayout, readV1Cgroup, readV2Cgroup, V1_READ, type CgroupLayout } from './cgroups.js';
import { readHost, readHostPressure } from './host.js';
import { readDeep, readIo, readSmapsRollup } from './deep.js';
import { containerFromCgroup, findSupervisor, unitFromCgroup } from './owner.js';
import { querySystemUnits } from './systemd.js';
import { parseLocks, parsePasswd, parseStat } from './parse.js';
import { cgroupId, cgroupResolver, v1HierarchyOf } from './query.js';
import { readAllProcesses } from './parallel.js';
import { LIGHT, threadsAmong, type ReadMemo, type Unread } from './process.js';
import { pipelineMembers, selectDeepPids } from './select.js';
import { applySamples, type LightSample } from './sample.js';

export interface SnapshotOptions {
  procRoot: string;
  sysRoot: string;
  /** Deep tier for every process. */
  deep: boolean;
  /** Deep tier for these processes (and what analysis needs) even without `deep`. */
  deepPids: readonly number[];
  /**
   * Also read what only the analyzers use: the deep tier of what they look at (stuck
   * groups, top consumers…) and /proc/locks. Default true; the validator judges without
   * them, and its snapshot then has no locks.
   */
  forAnalysis?: boolean;
  /**
   * Leave every process's wchan, oomScore and oomScoreAdj null (three of its eight reads):
   * `check` needs them only where a rule uses them (the validator's Analysis.needs), and
   * reads those with withDetails() once the command is judged.
   */
  light?: boolean;
  /**
   * Leave these of every process null (with `light`, besides wchan and the OOM scores):
   * diagnose leaves the OOM scores and exe unread, and reads the scores of the processes an
   * analyzer compares (oomScoreReader).
   */
  unread?: Unread;
  /** Milliseconds between the first and last sample; 0 takes one sample (no CPU%). */
  sampleMs: number;
  /** Sample over a window of this many milliseconds (diagnose --for); overrides sampleMs. */
  windowMs?: number;
  /** Ask the service manager (systemctl show); off for fixture trees. */
  serviceManager: boolean;
  /** Read /proc with a second thread (true), or not (false); by default, on large hosts with a spare core. */
  parallel?: boolean;
  /**
   * Read only these processes (those that exist; a thread id stands for its process), their
   * ancestors, PID 1, and procdoc with its own ancestors: `check` reads what a judgement looks
   * up (validator SnapshotAccess) instead of every process. Default: every process.
   */
  pids?: ReadonlySet<number>;
}

/** Injected so tests and --for can control time. */
export interface SnapshotClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: SnapshotClock = {
  // process.hrtime, not performance.now(): the first use of the global `performance` loads
  // perf_hooks, a few milliseconds of every snapshot for a clock that hrtime already reads.
  now: () => Number(process.hrtime.bigint()) / 1e6,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A /proc entry that is a process (a pid); the rest are files such as meminfo and self. */
export function isPidEntry(name: string): boolean {
  return name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57;
}

/** Reads the live system (or a fixture tree) into a Snapshot. */
export async function takeSnapshot(options: SnapshotOptions, clock: SnapshotClock = systemClock): Promise<Snapshot> {
  const started = clock.now();
  const capturedAt = new Date().toISOString();
  const reader = new FsReader();
  const { procRoot, sysRoot } = options;

  const entries = reader.dir(procRoot);
  if (entries === null) {
    throw new ProcdocError('proc-unreadable', `Cannot list ${procRoot}.`, {
      hint: procRoot === '/proc' ? 'Is /proc mounted?' : 'Pass --proc-root a directory laid out like /proc.',
    });
  }
  // A directory without numbered process entries is not a /proc (a mistyped --proc-root):
  // reading it would report a healthy host of no processes.
  if (!entries.some(isPidEntry)) {
    throw new ProcdocError('proc-unreadable', `${procRoot} lists no processes: it is not a /proc tree.`, {
      hint: 'Pass --proc-root a directory laid out like /proc (a numbered directory per process), or leave it out to read this machine.',
    });
  }
  const { pids, threads } = options.pids === undefined ? { pids: entries.filter(isPidEntry).map(Number), threads: [] } : askedFor(reader, procRoot, options.pids, entries);
  const layout = detectCgroupLayout(reader, sysRoot);
  const users = readUsers(reader, procRoot);

  // Reading /proc/locks waits for an RCU grace period in the kernel (5-20 ms here): it runs
  // on libuv's thread pool while this thread reads the processes.
  const forAnalysis = options.forAnalysis !== false;
  const locksText = forAnalysis ? reader.textInBackground(join(procRoot, 'locks'), true) : Promise.resolve('');
  const windowMs = options.windowMs ?? 0;
  const sampling = windowMs > 0 || options.sampleMs > 0;
  // Sampling: this pass is the first reading of every process, each with the time it was read.
  const memo: ReadMemo = { cgroups: new Map(), fdTableSizes: new Map(), ...(sampling ? { readAt: new Map<number, number>() } : {}) };
  const { processes } = await readAllProcesses(reader, procRoot, pids, users, memo, {
    deep: options.deep,
    unread: { ...(options.light === true ? LIGHT : {}), ...options.unread },
    parallel: options.parallel,
  });
  processes.sort((a, b) => a.pid - b.pid);
  const init = processes.find((p) => p.pid === 1) ?? null;
  const host = readHost(reader, { procRoot, sysRoot, layout, initComm: init?.comm ?? null });
  for (const p of processes) {
    p.startedAt = new Date((host.bootTimeEpoch + p.startTime / host.clockTicks) * 1000).toISOString();
  }

  const cgroups = readCgroups(reader, layout, processes);
  const cgroupsReadAt = clock.now() - started;

  // Samples: the first reading is the one above; further light readings follow.
  const series: SeriesPoint[] = [];
  const samples: LightSample[] = [];
  const progressPids = pipelineMembers(processes, options.deepPids);
  // Memory growth is judged on anonymous / private-dirty memory of the largest processes.
  const smapsPids = windowMs > 0 ? topBy(processes, (p) => p.rss, 20) : new Set<number>();
  const scope: SampleScope = { processes, cgroups, layout, ioPids: progressPids, smapsPids, hostPsi: host.pressure !== null };
  const sample = () => lightSample(reader, procRoot, scope, () => clock.now() - started);
  const interval = windowMs > 0 ? Math.max(250, Math.min(2000, windowMs / 10)) : options.sampleMs;
  const total = windowMs > 0 ? windowMs : options.sampleMs;
  let t0 = 0;
  let firstInterval: Promise<void> | null = null;
  if (sampling) {
    // The pass's times are process.hrtime's, as systemClock's (started).
    samples.push(passSample(reader, procRoot, scope, { readAt: memo.readAt ?? new Map(), started, cgroupsAt: cgroupsReadAt, pressure: host.pressure }));
    t0 = clock.now();
    firstInterval = clock.sleep(Math.min(interval, total));
  }

  // While the first interval passes: the work that needs no CPU%.
  const { byPid, units } = assignOwners(reader, procRoot, processes, host, options.serviceManager);
  // Deep tier: with --deep it was read in the pass above; otherwise what analysis needs,
  // of which the top CPU consumers are known only once the samples are in.
  const heavy = !options.deep && forAnalysis ? fdHeavy(reader, procRoot, memo.fdTableSizes) : new Set<number>();
  const readDeepOf = (pids: ReadonlySet<number>) => {
    for (const p of processes) {
      if (p.deep === null && pids.has(p.pid)) p.deep = readDeep(reader, join(procRoot, String(p.pid)), p.pid, p.kernelThread);
    }
  };
  if (!options.deep) readDeepOf(forAnalysis ? selectDeepPids(processes, options.deepPids, heavy) : new Set(options.deepPids));

  if (firstInterval !== null) {
    await firstInterval;
    samples.push(sample());
    while (clock.now() - t0 < total - 1) {
      await clock.sleep(Math.min(interval, total - (clock.now() - t0)));
      samples.push(sample());
    }
    const cgroupFor = cgroupResolver(new Map(cgroups.map((c) => [c.id, c])));
    applySamples(processes, cgroups, samples, { cgroupFor }, host.clockTicks);
    if (windowMs > 0) for (const s of samples) series.push(toSeriesPoint(s));
    if (!options.deep && forAnalysis) readDeepOf(selectDeepPids(processes, options.deepPids, heavy));
  }

  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    kind: 'procdoc-snapshot',
    capturedAt,
    durationMs: Math.round(clock.now() - started),
    host,
    self: selfOf(reader, procRoot, byPid),
    deep: options.deep,
    processes,
    cgroups,
    units,
    series,
    locks: parseLocks((await locksText) ?? ''),
    threads: threads.filter((t) => byPid.has(t.pid)),
    errors: reader.errors(),
  };
}

/**
 * Who manages each process (units and containers from cgroup paths, supervisors from
 * ancestry), and the service manager's view of the system units among them.
 */
function assignOwners(
  reader: FsReader,
  procRoot: string,
  processes: readonly Process[],
  host: Snapshot['host'],
  serviceManager: boolean,
): { byPid: Map<number, Process>; units: Snapshot['units'] } {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const supervisors = new Map<number, Process['owner']['supervisor']>();
  const initIsSystemd = host.initSystem === 'systemd';
  // Processes share cgroup objects (one per distinct /proc/PID/cgroup text), so derive unit and container once each.
  const fromCgroup = new Map<Process['cgroup'], Pick<Process['owner'], 'unit' | 'container'>>();
  for (const p of processes) {
    let derived = fromCgroup.get(p.cgroup);
    if (derived === undefined) {
      const paths = [...new Set([p.cgroup.v2, ...Object.values(p.cgroup.v1)])].filter((x): x is string => !!x && x !== '/');
      const unitPath = initIsSystemd ? (p.cgroup.v1['name=systemd'] ?? p.cgroup.v2) : null;
      derived = { unit: unitFromCgroup(unitPath), container: containerFromCgroup(paths) };
      fromCgroup.set(p.cgroup, derived);
    }
    p.owner = {
      unit: p.kernelThread ? null : derived.unit,
      container: derived.container,
      supervisor: p.kernelThread ? null : findSupervisor(p, byPid, initIsSystemd, supervisors),
    };
  }
  const units =
    serviceManager && initIsSystemd && procRoot === '/proc'
      ? querySystemUnits([...new Set(processes.flatMap((p) => (p.owner.unit?.manager === 'system' ? [p.owner.unit.name] : [])))].sort(), reader)
      : [];
  return { byPid, units };
}

/**
 * Processes whose descriptors may come near RLIMIT_NOFILE: those whose limit is read (one
 * file each) and found at most twice their open count get the deep tier (fd-near-limit).
 *
 * Linux 6.2 and later count a process's descriptors in one stat(). The limit is then read
 * for every process with 64 or more open, and for the most open of the rest down to 10: a
 * low limit (`ulimit -n 40`) runs out with few descriptors, but reading every limit on a host
 * of thousands of workers with a dozen each costs more than the rest of the pass.
 * Before 6.2, listing every process's fds would cost as much as the pass, so only a table
 * grown past 512 slots is listed (a smaller one holds at most 256 fds ever open, for this
 * process or the parent it was forked from: only a soft limit under 512 could be near).
 */
function fdHeavy(reader: FsReader, procRoot: string, fdTableSizes: ReadonlyMap<number, number>): Set<number> {
  const many: { pid: number; open: number }[] = [];
  const few: { pid: number; open: number }[] = [];
  for (const [pid, size] of fdTableSizes) {
    const dir = `${procRoot}/${pid}/fd`;
    const open = reader.fdCount(procRoot, dir) ?? (size >= 512 ? (reader.dir(dir, pid, true)?.length ?? 0) : 0);
    if (open >= FD_MANY) many.push({ pid, open });
    else if (open >= FD_FEW) few.push({ pid, open });
  }
  const most = few.sort((a, b) => b.open - a.open).slice(0, FD_FEW_LIMITS_READ);
  const out = new Set<number>();
  for (const { pid, open } of [...many, ...most]) {
    const limits = reader.text(`${procRoot}/${pid}/limits`, pid, true);
    const soft = limits === null ? null : (/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? null);
    if (soft === null || open >= Number(soft) * 0.5) out.add(pid);
  }
  return out;
}

/** Open descriptors from which every process's limit is read. */
const FD_MANY = 64;
/** Fewer open than this are near no limit worth a finding (fd-near-limit's fdMinOpen is 10 by default). */
const FD_FEW = 10;
/** How many processes with FD_FEW to FD_MANY open have their limit read, most open first. */
const FD_FEW_LIMITS_READ = 64;

function readUsers(reader: FsReader, procRoot: string): Map<number, string> {
  const path = procRoot === '/proc' ? '/etc/passwd' : join(procRoot, '..', 'etc/passwd');
  return parsePasswd(reader.text(path, undefined, true) ?? '');
}

/** procdoc's pid as `procRoot` sees it (another PID namespace's /proc has other pids). */
function selfPid(reader: FsReader, procRoot: string): number {
  const link = reader.link(join(procRoot, 'self'), undefined, true);
  return link !== null && /^\d+$/.test(link) ? Number(link) : process.pid;
}

/**
 * What to read for SnapshotOptions.pids, and the thread ids among those asked for (read as
 * the processes they belong to). PID 1 is always read: which init it is (host.initSystem)
 * decides whether units are asked about.
 */
function askedFor(reader: FsReader, procRoot: string, asked: ReadonlySet<number>, entries: readonly string[]): { pids: number[]; threads: Thread[] } {
  const listed = new Set(entries);
  const threads = threadsAmong(reader, procRoot, [...asked].filter((id) => !listed.has(String(id))));
  const pids = withAncestors(reader, procRoot, [...asked, ...threads.map((t) => t.pid), selfPid(reader, procRoot), 1], listed);
  return { pids, threads };
}

/**
 * The processes among `start`, with every ancestor of each, ascending. Only what /proc
 * lists (`listed`) is a process: a thread's id opens there too, but is not listed.
 */
function withAncestors(reader: FsReader, procRoot: string, start: readonly number[], listed: ReadonlySet<string>): number[] {
  const out = new Set<number>();
  const queue = [...start];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    if (pid <= 0 || out.has(pid) || !listed.has(String(pid))) continue;
    const text = reader.text(`${procRoot}/${pid}/stat`, pid, true);
    const stat = text === null ? null : parseStat(text);
    if (stat === null) continue;
    out.add(pid);
    queue.push(stat.ppid);
  }
  return [...out].sort((a, b) => a - b);
}

function selfOf(reader: FsReader, procRoot: string, byPid: Map<number, Process>): Snapshot['self'] {
  const pid = selfPid(reader, procRoot);
  const ancestors: number[] = [];
  const seen = new Set<number>([pid]);
  let p = byPid.get(byPid.get(pid)?.ppid ?? (pid === process.pid ? process.ppid : 0));
  while (p && !seen.has(p.pid)) {
    seen.add(p.pid);
    ancestors.push(p.pid);
    p = byPid.get(p.ppid);
  }
  return { pid, ancestors };
}

/** Reads the cgroups that the processes are in: v2 and the v1 hierarchies procdoc uses. */
function readCgroups(reader: FsReader, layout: CgroupLayout, processes: readonly Process[]): Cgroup[] {
  const wanted = new Map<string, { version: 1 | 2; path: string; hierarchy?: string; nprocs: number }>();
  const hierarchies = [...layout.v1Dirs.keys()].filter((key) => key.split(',').some((c) => V1_READ.includes(c)));
  // Processes share their cgroup objects (one per distinct /proc/PID/cgroup text): count
  // the members of each (as cgroup.procs would list them: zombies have left), then visit each once.
  const members = new Map<Process['cgroup'], number>();
  for (const p of processes) members.set(p.cgroup, (members.get(p.cgroup) ?? 0) + (p.state === 'Z' ? 0 : 1));
  const want = (id: string, w: { version: 1 | 2; path: string; hierarchy?: string }, count: number) => {
    const known = wanted.get(id);
    if (known === undefined) wanted.set(id, { ...w, nprocs: count });
    else known.nprocs += count;
  };
  for (const [cgroup, count] of members) {
    if (cgroup.v2 !== null && layout.v2Dir !== null) want(cgroupId(2, cgroup.v2), { version: 2, path: cgroup.v2 }, count);
    for (const [hierarchy, path] of Object.entries(cgroup.v1)) {
      if (!hierarchy.split(',').some((c) => V1_READ.includes(c))) continue;
      const key = hierarchies.includes(hierarchy) ? hierarchy : (v1HierarchyOf(hierarchies, hierarchy as never) ?? hierarchy);
      want(cgroupId(1, path, key), { version: 1, path, hierarchy: key }, count);
    }
  }
  // The v2 root too: its cgroup.controllers says which controllers v2 can carry.
  if (layout.v2Dir !== null) want(cgroupId(2, '/'), { version: 2, path: '/' }, 0);
  const out: Cgroup[] = [];
  for (const w of wanted.values()) {
    const cg = w.version === 2 ? readV2Cgroup(reader, layout, w.path, w.nprocs) : readV1Cgroup(reader, layout, w.hierarchy!, w.path, w.nprocs);
    if (cg !== null) out.push(cg);
  }
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

interface SampleScope {
  processes: readonly Process[];
  cgroups: readonly Cgroup[];
  layout: CgroupLayout;
  /** Processes whose /proc/PID/io is read each time (progress of pipeline stages). */
  ioPids: ReadonlySet<number>;
  /** Processes whose smaps_rollup is read each time (memory growth). */
  smapsPids: ReadonlySet<number>;
  hostPsi: boolean;
}

/**
 * The full pass as the first sample: each process's stat as that pass read it, at the time
 * it read it (`readAt`, process.hrtime ms, less `started`), its cgroups as read after it, and
 * now the io and smaps of the few whose progress or growth is followed. A light pass over
 * every process's stat again, right after the full one, would cost 30-55 ms for 2,000.
 */
function passSample(
  reader: FsReader,
  procRoot: string,
  scope: SampleScope,
  pass: { readAt: ReadonlyMap<number, number>; started: number; cgroupsAt: number; pressure: LightSample['pressure'] },
): LightSample {
  const procs: LightSample['procs'] = new Map();
  for (const p of scope.processes) {
    const at = pass.readAt.get(p.pid);
    if (at === undefined) continue;
    const stat = { startTime: p.startTime, state: p.state, utime: p.utime, stime: p.stime, rssPages: p.rss / 4096 };
    procs.set(p.pid, { stat, atMs: at - pass.started, ...followed(reader, `${procRoot}/${p.pid}`, p.pid, scope) });
  }
  const cgroups = new Map(scope.cgroups.filter(resampled).map((c) => [c.id, c]));
  return { at: new Date().toISOString(), offsetMs: pass.cgroupsAt, procs, cgroups, pressure: pass.pressure };
}

/** The io and smaps counters of a process whose progress or memory growth is followed (null when it is not). */
function followed(reader: FsReader, dir: string, pid: number, scope: SampleScope): { rchar: number | null; wchar: number | null; anonymous: number | null; privateDirty: number | null } {
  const io = scope.ioPids.has(pid) ? readIo(reader, dir, pid) : null;
  const smaps = scope.smapsPids.has(pid) ? readSmapsRollup(reader, dir, pid) : null;
  return { rchar: io?.rchar ?? null, wchar: io?.wchar ?? null, anonymous: smaps?.anonymous ?? null, privateDirty: smaps?.privateDirty ?? null };
}

/** The cgroups every sample reads: those with CPU, memory or pressure counters. */
function resampled(c: Cgroup): boolean {
  return c.cpu !== null || c.memory !== null || c.pressure !== null;
}

/** One light reading: stat of every process, io and smaps of a few, cgroup counters. */
function lightSample(reader: FsReader, procRoot: string, scope: SampleScope, offsetMs: () => number): LightSample {
  const procs: LightSample['procs'] = new Map();
  const at = offsetMs();
  for (const p of scope.processes) {
    const dir = `${procRoot}/${p.pid}`;
    const text = reader.text(`${dir}/stat`, p.pid, true);
    const atMs = offsetMs();
    const stat = text === null ? null : parseStat(text);
    if (stat === null || stat.startTime !== p.startTime) continue;
    procs.set(p.pid, { stat, atMs, ...followed(reader, dir, p.pid, scope) });
  }
  const cgroups = new Map<string, Cgroup>();
  for (const c of scope.cgroups) {
    if (!resampled(c)) continue;
    const again = c.version === 2 ? readV2Cgroup(reader, scope.layout, c.path, c.nprocs) : readV1Cgroup(reader, scope.layout, c.controllers.join(','), c.path, c.nprocs);
    if (again !== null) cgroups.set(c.id, again);
  }
  return { at: new Date().toISOString(), offsetMs: at, procs, cgroups, pressure: scope.hostPsi ? readHostPressure(reader, procRoot) : null };
}

function topBy(processes: readonly Process[], key: (p: Process) => number, n: number): Set<number> {
  return new Set(
    [...processes]
      .filter((p) => !p.kernelThread)
      .sort((a, b) => key(b) - key(a))
      .slice(0, n)
      .map((p) => p.pid),
  );
}

function toSeriesPoint(s: LightSample): SeriesPoint {
  return {
    at: s.at,
    offsetMs: Math.round(s.offsetMs),
    processes: [...s.procs].map(([pid, r]) => ({
      pid,
      startTime: r.stat.startTime,
      state: r.stat.state,
      utime: r.stat.utime,
      stime: r.stat.stime,
      rss: r.stat.rssPages * 4096,
      anonymous: r.anonymous,
      privateDirty: r.privateDirty,
      rchar: r.rchar,
      wchar: r.wchar,
    })),
    cgroups: [...s.cgroups.values()].map((c) => ({
      id: c.id,
      memoryCurrent: c.memory?.current ?? null,
      cpuUsageUs: c.cpu?.usageUs ?? null,
      nrThrottled: c.cpu?.nrThrottled ?? null,
      pressure: c.pressure,
    })),
    pressure: s.pressure,
  };
}
