import type { Cgroup, Process, Snapshot, Unit } from './schema.js';

/**
 * Pure look-ups over a snapshot, shared by analyzers, validator, pipeline and context.
 * Build the index once per snapshot; every method is then O(1) or O(children).
 */
export interface SnapshotIndex {
  readonly snapshot: Snapshot;
  process(pid: number): Process | undefined;
  /** The process that `tid` is a thread of, where the snapshot recorded it (Snapshot.threads). */
  threadOf(tid: number): Process | undefined;
  children(pid: number): readonly Process[];
  /** The process and every descendant, parents before children. */
  subtree(pid: number): Process[];
  /** Ancestors from the parent up to PID 1 (or the top we can see). */
  ancestors(pid: number): Process[];
  group(pgid: number): readonly Process[];
  session(sid: number): readonly Process[];
  cgroup(id: string): Cgroup | undefined;
  /** The cgroup that holds `controller` for a process: the v2 one when the controller is enabled there, else the v1 hierarchy's. */
  cgroupFor(process: Process, controller: CgroupController): Cgroup | undefined;
  unit(name: string): Unit | undefined;
}

export type CgroupController = 'memory' | 'cpu' | 'pids' | 'freezer' | 'cpuset' | 'io';

export function cgroupId(version: 1 | 2, path: string, hierarchy?: string): string {
  return version === 2 ? `2:${path}` : `1:${hierarchy ?? ''}:${path}`;
}

/** The v1 hierarchy key (e.g. "cpu,cpuacct") that holds a controller, if any. */
export function v1HierarchyOf(hierarchies: Iterable<string>, controller: CgroupController): string | undefined {
  for (const key of hierarchies) {
    if (key.split(',').includes(controller)) return key;
  }
  return undefined;
}

/**
 * The cgroup that holds `controller` for a process: the v2 one when the controller is
 * enabled there, else the v1 hierarchy's. Usable before a whole snapshot exists.
 */
export function cgroupResolver(cgroups: ReadonlyMap<string, Cgroup>): SnapshotIndex['cgroupFor'] {
  const v2Root = cgroups.get('2:/');
  // Processes share their cgroup objects (one per distinct /proc/PID/cgroup text), so each
  // is resolved once per controller: CPU% of 2,000 processes asked it 4,000 times (30 ms).
  const resolved = new WeakMap<Process['cgroup'], Map<CgroupController, Cgroup | undefined>>();
  return (process, controller) => {
    let known = resolved.get(process.cgroup);
    if (known === undefined) {
      known = new Map<CgroupController, Cgroup | undefined>();
      resolved.set(process.cgroup, known);
    }
    if (known.has(controller)) return known.get(controller);
    const found = resolve(process, controller);
    known.set(controller, found);
    return found;
  };

  function resolve(process: Process, controller: CgroupController): Cgroup | undefined {
    const v2Path = process.cgroup.v2;
    if (v2Path !== null) {
      const v2 = cgroups.get(cgroupId(2, v2Path));
      // In v2 a controller is in force for a cgroup when its parent delegates it; the
      // snapshotter records cgroup.controllers, which lists exactly those.
      if (v2 && (v2.controllers.includes(controller) || (v2Path === '/' && v2Root?.controllers.includes(controller)))) return v2;
    }
    const hierarchy = v1HierarchyOf(Object.keys(process.cgroup.v1), controller);
    if (hierarchy === undefined) return undefined;
    const path = process.cgroup.v1[hierarchy];
    return path === undefined ? undefined : cgroups.get(cgroupId(1, path, hierarchy));
  }
}

/** The file a cgroup value was read from, as the person would `cat` it on that host. */
export function cgroupSource(snapshot: Snapshot, cgroup: Cgroup, file: string): string {
  const rel = cgroup.path === '/' ? '' : cgroup.path;
  if (cgroup.version === 2) {
    const mount = snapshot.host.cgroupV2Mount ?? `${snapshot.host.sysRoot}/fs/cgroup`;
    return `${mount}${rel}/${file}`;
  }
  const hierarchy = v1Hierarchy(cgroup);
  const mount = snapshot.host.cgroupV1Mounts[hierarchy] ?? `${snapshot.host.sysRoot}/fs/cgroup/${hierarchy}`;
  return `${mount}${rel}/${file}`;
}

/** "1:cpu,cpuacct:/path" -> "cpu,cpuacct". */
export function v1Hierarchy(cgroup: Cgroup): string {
  const parts = cgroup.id.split(':');
  return parts.length >= 3 ? (parts[1] ?? '') : cgroup.controllers.join(',');
}

/** A frozen (or freezing) cgroup that holds a process, and how to thaw it. */
export interface FrozenCgroup {
  cgroup: Cgroup;
  /**
   * The write that thaws it (`echo THAWED > …/freezer.state`, `echo 0 > …/cgroup.freeze`);
   * null when an ancestor froze it, since writing to this one then thaws nothing.
   */
  thaw: string | null;
}

/**
 * The freezer cgroup, v1 or v2, that holds a process frozen or freezing; undefined when none
 * does. A frozen process acts on no signal until thawed: in v1 not even SIGKILL (it waits in
 * state D); in v2 (it sleeps in state S) only SIGKILL, or a fatal signal it has no handler for.
 */
export function frozenCgroupOf(index: SnapshotIndex, p: Process): FrozenCgroup | undefined {
  // Asked of every target of a group signal and every process diagnosed: on a host with no
  // frozen cgroup (nearly always), one look-up answers.
  const frozen = frozenCgroups(index.snapshot.cgroups);
  if (frozen.size === 0) return undefined;
  const thaw = (cgroup: Cgroup, file: string, value: string): FrozenCgroup => ({
    cgroup,
    thaw: cgroup.freezer?.self === false ? null : `echo ${value} > ${cgroupSource(index.snapshot, cgroup, file)}`,
  });
  const hierarchy = v1HierarchyOf(Object.keys(p.cgroup.v1), 'freezer');
  const v1Path = hierarchy === undefined ? undefined : p.cgroup.v1[hierarchy];
  const v1 = v1Path === undefined ? undefined : frozen.get(cgroupId(1, v1Path, hierarchy));
  if (v1) return thaw(v1, 'freezer.state', 'THAWED');
  // The v2 freezer is no controller (cgroup.controllers never lists it): every cgroup but the root has it.
  const v2 = p.cgroup.v2 === null ? undefined : frozen.get(cgroupId(2, p.cgroup.v2));
  if (v2) return thaw(v2, 'cgroup.freeze', '0');
  return undefined;
}

/** The frozen (or freezing) cgroups of a snapshot's list, by id; worked out once per list. */
const frozenLists = new WeakMap<readonly Cgroup[], ReadonlyMap<string, Cgroup>>();

/**
 * From the snapshot's list, not index.cgroup(): the validator's watched index counts that as a
 * look-up a partial snapshot cannot answer, while the cgroups of the processes read are all there.
 */
function frozenCgroups(cgroups: readonly Cgroup[]): ReadonlyMap<string, Cgroup> {
  let frozen = frozenLists.get(cgroups);
  if (frozen === undefined) {
    frozen = new Map(cgroups.filter((c) => c.freezer !== null && c.freezer.state !== 'THAWED').map((c) => [c.id, c]));
    frozenLists.set(cgroups, frozen);
  }
  return frozen;
}

export function indexSnapshot(snapshot: Snapshot): SnapshotIndex {
  const byPid = new Map<number, Process>();
  const kids = new Map<number, Process[]>();
  const groups = new Map<number, Process[]>();
  const sessions = new Map<number, Process[]>();
  const push = (map: Map<number, Process[]>, key: number, p: Process): void => {
    const list = map.get(key);
    if (list) list.push(p);
    else map.set(key, [p]);
  };
  for (const p of snapshot.processes) {
    byPid.set(p.pid, p);
    push(kids, p.ppid, p);
    push(groups, p.pgid, p);
    push(sessions, p.sid, p);
  }
  const cgroups = new Map(snapshot.cgroups.map((c) => [c.id, c]));
  const units = new Map(snapshot.units.map((u) => [u.name, u]));
  const threads = new Map(snapshot.threads.map((t) => [t.tid, t.pid]));

  return {
    snapshot,
    process: (pid) => byPid.get(pid),
    threadOf(tid) {
      const pid = threads.get(tid);
      return pid === undefined ? undefined : byPid.get(pid);
    },
    children: (pid) => kids.get(pid) ?? [],
    subtree(pid) {
      const root = byPid.get(pid);
      if (!root) return [];
      const out: Process[] = [];
      const queue: Process[] = [root];
      const seen = new Set<number>();
      // A moving head instead of shift(): shift is O(n), and PID 1's subtree is everything.
      for (let head = 0; head < queue.length; head++) {
        const p = queue[head]!;
        if (seen.has(p.pid)) continue;
        seen.add(p.pid);
        out.push(p);
        queue.push(...(kids.get(p.pid) ?? []));
      }
      return out;
    },
    ancestors(pid) {
      const out: Process[] = [];
      const seen = new Set<number>([pid]);
      let current = byPid.get(pid);
      while (current && current.ppid > 0 && !seen.has(current.ppid)) {
        seen.add(current.ppid);
        current = byPid.get(current.ppid);
        if (current) out.push(current);
      }
      return out;
    },
    group: (pgid) => groups.get(pgid) ?? [],
    session: (sid) => sessions.get(sid) ?? [],
    cgroup: (id) => cgroups.get(id),
    cgroupFor: cgroupResolver(cgroups),
    unit: (name) => units.get(name),
  };
}

/** A short human label for a process: "nginx (4711)". */
export function label(p: Pick<Process, 'pid' | 'comm'>): string {
  return `${printable(p.comm)} (${p.pid})`;
}

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/**
 * Text read from a process (comm, argv, paths) made safe to print in a line meant for a
 * person: control characters (a newline that forges a line of output, an escape sequence
 * that recolours or moves the cursor) and bidirectional overrides are shown as escapes,
 * `\n`, `\e`, `\x07`, `\u202e`. Every name is the process's own choice; none is trusted.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escaped);
}

/** printable(), but keeping the lines of a text that has several (an answer, a report). */
export function printableLines(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' ? c : escaped(c)));
}

function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
}
