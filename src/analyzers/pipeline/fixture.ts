import type { Fd, Process } from '../../snapshot/schema.js';
import { fakeProcess } from '../../snapshot/testing.js';

/**
 * Hand-made pipeline stages for unit tests of this module (and of analyzers that use it):
 * `pipeStage(11, 'cat', { fds: [[0, 100, 'r'], [1, 101, 'w']] })`.
 */
export type FdSpec = readonly [fd: number, target: number | string, mode: 'r' | 'w' | 'rw'];

export interface StageSpec {
  state?: string;
  wchan?: string | null;
  ppid?: number;
  pgid?: number;
  fds?: readonly FdSpec[];
  stack?: string[] | null;
  /** CPU percent over the sample; progressed when > 0. null: no sample. */
  cpu?: number | null;
  tty?: string | null;
  tpgid?: number;
  cgroupV1?: Record<string, string>;
}

function fd([n, target, mode]: FdSpec): Fd {
  if (typeof target === 'number') return { fd: n, target: `pipe:[${target}]`, kind: 'pipe', inode: target, mode };
  const kind = /^\/dev\/(pts\/|tty)/.test(target) ? 'tty' : 'file';
  return { fd: n, target, kind, inode: null, mode };
}

export function pipeStage(pid: number, comm: string, spec: StageSpec = {}): Process {
  const cpu = spec.cpu === undefined ? 0 : spec.cpu;
  return fakeProcess({
    pid,
    comm,
    argv: [comm],
    ppid: spec.ppid ?? 20,
    pgid: spec.pgid ?? 20,
    sid: 20,
    state: spec.state ?? 'S',
    wchan: spec.wchan === undefined ? 'anon_pipe_read' : spec.wchan,
    tty: spec.tty ?? null,
    ttyNr: spec.tty ? 34816 : 0,
    tpgid: spec.tpgid ?? -1,
    cgroup: { v2: null, v1: spec.cgroupV1 ?? {} },
    cpu: cpu === null ? null : { percent: cpu, quotaPercent: null, progressed: cpu > 0, ioDelta: { rchar: 0, wchar: 0 } },
    deep: {
      fds: (spec.fds ?? []).map(fd),
      fdCount: spec.fds?.length ?? 0,
      smapsRollup: null,
      stack: spec.stack ?? null,
      io: null,
      limits: null,
      pidNs: null,
    },
  });
}

/** The shell that started the pipeline: pid 20, waiting for its children. */
export function shellProcess(pid = 20): Process {
  return pipeStage(pid, 'bash', { ppid: 1, pgid: pid, wchan: 'do_wait', fds: [[0, '/dev/null', 'r']] });
}
