import type { Process } from './schema.js';

const TOP_CONSUMERS = 10;

/**
 * Which processes get the deep tier without --deep: those named, members of process
 * groups and sessions that look stuck (a pipeline), processes in D or T state and their
 * groups, parents of zombies, top consumers of CPU and memory, processes with descriptors
 * near their limit, and those that block SIGTERM (whether a signalfd takes it is in their
 * fds). Pure.
 */
export function selectDeepPids(
  processes: readonly Process[],
  named: readonly number[],
  /** Processes whose open descriptors come near their RLIMIT_NOFILE. */
  fdHeavy: ReadonlySet<number> = new Set(),
): Set<number> {
  const out = pipelineMembers(processes, named);
  for (const p of processes) {
    if (p.kernelThread) continue;
    if (p.state === 'Z' && p.ppid > 0) out.add(p.ppid);
    if (fdHeavy.has(p.pid)) out.add(p.pid);
    if (p.signals?.blocked.includes('SIGTERM') === true) out.add(p.pid);
  }
  const user = processes.filter((p) => !p.kernelThread);
  for (const p of [...user].sort((a, b) => b.rss - a.rss).slice(0, TOP_CONSUMERS)) out.add(p.pid);
  for (const p of [...user].sort((a, b) => (b.cpu?.percent ?? 0) - (a.cpu?.percent ?? 0)).slice(0, TOP_CONSUMERS)) {
    if ((p.cpu?.percent ?? 0) > 0) out.add(p.pid);
  }
  return out;
}

/**
 * The processes a pipeline analysis looks at, whose I/O counters the samples follow and
 * whose deep tier is read: those named with their groups (and parents), every member of a
 * multi-process group in which one waits or is stopped (a pipeline or a job), and D and T
 * processes. A large group where nothing waits on a pipe (a pool of idle workers) is left out.
 */
export function pipelineMembers(processes: readonly Process[], named: readonly number[]): Set<number> {
  const out = new Set<number>();
  const byGroup = new Map<number, Process[]>();
  for (const p of processes) {
    if (p.kernelThread) continue;
    const list = byGroup.get(p.pgid);
    if (list) list.push(p);
    else byGroup.set(p.pgid, [p]);
  }
  const addGroup = (pgid: number) => {
    for (const m of byGroup.get(pgid) ?? []) out.add(m.pid);
  };
  const namedSet = new Set(named);
  for (const p of processes) {
    if (namedSet.has(p.pid)) {
      out.add(p.pid);
      addGroup(p.pgid);
      if (p.ppid > 0) out.add(p.ppid);
    }
  }
  // A multi-process group is a pipeline or a job; anything in it that waits or is
  // stopped makes the whole group worth reading.
  for (const [pgid, members] of byGroup) {
    const stuck = members.some((m) => m.state === 'D' || m.state === 'T' || m.state === 't' || isPipeOrWaitWchan(m.wchan));
    if (members.length > 1 && stuck) addGroup(pgid);
  }
  for (const p of processes) {
    if (!p.kernelThread && (p.state === 'D' || p.state === 'T' || p.state === 't')) out.add(p.pid);
  }
  return out;
}

/** Pipe reads and writes, and waits for children, across kernel versions' names. */
export function isPipeOrWaitWchan(wchan: string | null): boolean {
  if (wchan === null) return false;
  return /pipe|do_wait|kernel_wait|wait_woken|n_tty_read|flock|locks_lock|futex/.test(wchan);
}
