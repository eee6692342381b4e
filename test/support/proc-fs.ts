/**
 * Small synchronous readers of /proc for the test harness. They answer "gone" (undefined)
 * instead of throwing when a process exits under them, because the processes the harness
 * watches come and go all the time.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  /** One letter: R S D Z T t X I … */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** Controlling terminal device number; 0 when none. */
  ttyNr: number;
  tpgid: number;
  /** Clock ticks since boot at which the process started: with pid, its identity. */
  starttime: number;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** /proc/PID/stat parsed, or undefined when the process does not exist (any more). */
export function readStat(pid: number): ProcStat | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  // comm may contain spaces and parentheses: it ends at the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
    sid: Number(rest[3]),
    ttyNr: Number(rest[4]),
    tpgid: Number(rest[5]),
    starttime: Number(rest[19]),
  };
}

/** The state letter of a process (R, S, D, Z, T, …), or undefined when it is gone. */
export function readState(pid: number): string | undefined {
  return readStat(pid)?.state;
}

/** The fields of /proc/PID/status as a record, or undefined when the process is gone. */
export function readStatus(pid: number): Record<string, string> | undefined {
  const text = readText(`/proc/${pid}/status`);
  if (text === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}

/** The kernel function a sleeping process waits in, or undefined. */
export function readWchan(pid: number): string | undefined {
  const text = readText(`/proc/${pid}/wchan`);
  return text === undefined || text === '0' || text === '' ? undefined : text;
}

/** PIDs in NSpid order (host first, innermost namespace last). */
export function readNsPids(pid: number): number[] | undefined {
  const nspid = readStatus(pid)?.['NSpid'];
  return nspid === undefined ? undefined : nspid.split(/\s+/).map(Number);
}

/** Whether the process ignores signal number `signo` (SigIgn in /proc/PID/status). */
export function ignoresSignal(pid: number, signo: number): boolean | undefined {
  const mask = readStatus(pid)?.['SigIgn'];
  if (mask === undefined) return undefined;
  return (BigInt(`0x${mask}`) & (1n << BigInt(signo - 1))) !== 0n;
}

/** Every process in /proc right now (threads excluded). */
export function listProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== undefined) stats.push(stat);
  }
  return stats;
}

/** PIDs of the process and everything below it, parents before children. */
export function descendantsOf(pid: number, all: ProcStat[] = listProcesses()): number[] {
  const children = new Map<number, number[]>();
  for (const p of all) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

/** The cgroup v1 path of a process in the hierarchy that has `controller`, or undefined. */
export function cgroupPathOf(pid: number | 'self', controller: string): string | undefined {
  const text = readText(`/proc/${pid}/cgroup`);
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (controllers !== undefined && path !== undefined && controllers.split(',').includes(controller)) {
      return path;
    }
  }
  return undefined;
}

/** The mount point of the cgroup v1 hierarchy carrying `controller`, or undefined. */
export function v1MountOf(controller: string): string | undefined {
  const text = readText('/proc/self/mountinfo') ?? '';
  for (const line of text.split('\n')) {
    // id parent major:minor root mountpoint options [optional fields] - fstype source superopts
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const [fstype, , superOptions] = right.split(' ');
    if (fstype !== 'cgroup' || superOptions === undefined) continue;
    if (superOptions.split(',').includes(controller)) return left.split(' ')[4];
  }
  return undefined;
}

/**
 * Thaws the v1 freezer cgroup of a process if it is frozen: a frozen process cannot die,
 * so cleanup would wait for nothing. Returns true when it thawed something.
 */
export function thawFreezerOf(pid: number): boolean {
  const mount = v1MountOf('freezer');
  const path = cgroupPathOf(pid, 'freezer');
  if (mount === undefined || path === undefined || path === '/') return false;
  const stateFile = `${mount}${path}/freezer.state`;
  const state = readText(stateFile)?.trim();
  if (state === undefined || state === 'THAWED') return false;
  try {
    writeFileSync(stateFile, 'THAWED');
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal, ignoring "no such process". */
export function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
