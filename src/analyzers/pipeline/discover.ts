import type { Process, Snapshot } from '../../snapshot/schema.js';
import type { SnapshotIndex } from '../../snapshot/query.js';

/** One open end of a pipe: who holds it, on which descriptor, in which direction. */
export interface PipeEnd {
  inode: number;
  pid: number;
  fd: number;
  reads: boolean;
  writes: boolean;
}

/** Every pipe end in the snapshot, by inode and by process. */
export interface PipeTable {
  holders(inode: number): readonly PipeEnd[];
  endsOf(pid: number): readonly PipeEnd[];
}

/** A pipeline found in a snapshot: its stages in data-flow order and the pipes joining them. */
export interface PipelineShape {
  /** Joined through stdin/stdout (or stderr), upstream first. */
  stages: Process[];
  /** Outside processes that hold an end of one of the pipes (a leaked writer, a forgotten reader). */
  holders: Process[];
  /** Pipes that join two stages, upstream first. */
  inodes: number[];
}

function direction(fd: number, mode: 'r' | 'w' | 'rw' | null): { reads: boolean; writes: boolean } {
  if (mode === 'r') return { reads: true, writes: false };
  if (mode === 'w') return { reads: false, writes: true };
  if (mode === 'rw') return { reads: true, writes: true };
  // Mode unknown: the standard descriptors say it; anything else may be either.
  if (fd === 0) return { reads: true, writes: false };
  if (fd === 1 || fd === 2) return { reads: false, writes: true };
  return { reads: true, writes: true };
}

export function buildPipeTable(snapshot: Snapshot): PipeTable {
  const byInode = new Map<number, PipeEnd[]>();
  const byPid = new Map<number, PipeEnd[]>();
  for (const p of snapshot.processes) {
    for (const f of p.deep?.fds ?? []) {
      if (f.kind !== 'pipe' || f.inode === null) continue;
      const end: PipeEnd = { inode: f.inode, pid: p.pid, fd: f.fd, ...direction(f.fd, f.mode) };
      const list = byInode.get(f.inode);
      if (list) list.push(end);
      else byInode.set(f.inode, [end]);
      const mine = byPid.get(p.pid);
      if (mine) mine.push(end);
      else byPid.set(p.pid, [end]);
    }
  }
  return { holders: (inode) => byInode.get(inode) ?? [], endsOf: (pid) => byPid.get(pid) ?? [] };
}

/**
 * A pipe joins two stages when one process writes it on stdout/stderr and another reads
 * it on stdin: that is what a shell's `|` makes. Pipes held on other descriptors (a parent
 * feeding a child, a job-control pipe every process inherited) do not make a pipeline,
 * or everything on the host would be one.
 */
function stageLink(table: PipeTable, inode: number): { writers: number[]; readers: number[] } | undefined {
  const ends = table.holders(inode);
  const writers = [...new Set(ends.filter((e) => e.writes && (e.fd === 1 || e.fd === 2)).map((e) => e.pid))];
  const readers = [...new Set(ends.filter((e) => e.reads && e.fd === 0).map((e) => e.pid))];
  if (readers.length === 0) return undefined;
  if (writers.length === 0) {
    // A reader that holds the write end of its own input (on another descriptor) never
    // sees end-of-file: a one-process "pipeline", hung by its own hand.
    const self = readers.filter((r) => ends.some((e) => e.pid === r && e.writes && e.fd !== 0));
    const others = ends.some((e) => !readers.includes(e.pid));
    return self.length > 0 && !others ? { writers: self, readers } : undefined;
  }
  if (writers.every((w) => readers.includes(w)) && readers.every((r) => writers.includes(r))) return undefined;
  return { writers, readers };
}

/** Every pipeline in the snapshot, except those procdoc itself is part of. */
export function findPipelines(snapshot: Snapshot, index: SnapshotIndex, table: PipeTable = buildPipeTable(snapshot)): PipelineShape[] {
  // Union-find over processes joined by stage links.
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const linkOf = new Map<number, { writers: number[]; readers: number[] }>();
  const inodes = new Set<number>();
  for (const p of snapshot.processes) for (const e of table.endsOf(p.pid)) inodes.add(e.inode);
  for (const inode of inodes) {
    const link = stageLink(table, inode);
    if (!link) continue;
    linkOf.set(inode, link);
    const [first, ...rest] = [...link.writers, ...link.readers];
    if (first === undefined) continue;
    find(first);
    for (const pid of rest) union(first, pid);
  }

  const components = new Map<number, { members: Set<number>; inodes: number[] }>();
  for (const [inode, link] of linkOf) {
    const root = find(link.writers[0] ?? link.readers[0]!);
    const c = components.get(root) ?? { members: new Set<number>(), inodes: [] };
    for (const pid of [...link.writers, ...link.readers]) c.members.add(pid);
    c.inodes.push(inode);
    components.set(root, c);
  }

  const self = snapshot.self.pid;
  const shapes: PipelineShape[] = [];
  for (const { members, inodes: componentInodes } of components.values()) {
    if (members.has(self)) continue;
    const stages = orderStages([...members], componentInodes, linkOf)
      .map((pid) => index.process(pid))
      .filter((p): p is Process => p !== undefined);
    const holderPids = new Set<number>();
    for (const inode of componentInodes) {
      for (const e of table.holders(inode)) if (!members.has(e.pid)) holderPids.add(e.pid);
    }
    const holders = [...holderPids]
      .sort((a, b) => a - b)
      .map((pid) => index.process(pid))
      .filter((p): p is Process => p !== undefined);
    const order = new Map(stages.map((s, i) => [s.pid, i]));
    const firstWriter = (inode: number): number => Math.min(Infinity, ...(linkOf.get(inode)?.writers.map((w) => order.get(w) ?? Infinity) ?? []));
    const orderedInodes = componentInodes.sort((a, b) => firstWriter(a) - firstWriter(b) || a - b);
    shapes.push({ stages, holders, inodes: orderedInodes });
  }
  return shapes.sort((a, b) => (a.stages[0]?.pid ?? 0) - (b.stages[0]?.pid ?? 0));
}

/** Data-flow order: a writer before the readers of its pipe; ties by PID. */
function orderStages(members: number[], inodes: number[], linkOf: Map<number, { writers: number[]; readers: number[] }>): number[] {
  const downstream = new Map<number, Set<number>>();
  const indegree = new Map<number, number>(members.map((m) => [m, 0]));
  for (const inode of inodes) {
    const link = linkOf.get(inode);
    if (!link) continue;
    for (const w of link.writers) {
      for (const r of link.readers) {
        if (w === r) continue;
        const set = downstream.get(w) ?? new Set<number>();
        if (!set.has(r)) {
          set.add(r);
          indegree.set(r, (indegree.get(r) ?? 0) + 1);
        }
        downstream.set(w, set);
      }
    }
  }
  const out: number[] = [];
  const done = new Set<number>();
  while (out.length < members.length) {
    const ready = members.filter((m) => !done.has(m) && (indegree.get(m) ?? 0) === 0).sort((a, b) => a - b);
    // A cycle (two processes feeding each other): break it at the lowest PID.
    const next = ready[0] ?? members.filter((m) => !done.has(m)).sort((a, b) => a - b)[0];
    if (next === undefined) break;
    done.add(next);
    out.push(next);
    for (const r of downstream.get(next) ?? []) indegree.set(r, (indegree.get(r) ?? 0) - 1);
  }
  return out;
}
