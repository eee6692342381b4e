import type { Deep, Fd, Io } from './schema.js';
import { colonValue, parseLimits, parseStack } from './parse.js';
import type { FsReader } from './read.js';

/** A process with thousands of descriptors lists this many; fdCount stays exact. */
const MAX_LISTED_FDS = 2048;

function fdKind(target: string): { kind: Fd['kind']; inode: number | null } {
  const m = /^(pipe|socket):\[(\d+)\]$/.exec(target);
  if (m) return { kind: m[1] === 'pipe' ? 'pipe' : 'socket', inode: Number(m[2]) };
  if (target.startsWith('/dev/pts/') || /^\/dev\/(tty|console)/.test(target)) return { kind: 'tty', inode: null };
  if (target.startsWith('anon_inode:')) return { kind: 'anon', inode: null };
  if (target.startsWith('/')) return { kind: 'file', inode: null };
  return { kind: 'other', inode: null };
}

/** The permission bits of a /proc/PID/fd/N link are the descriptor's open mode. */
function fdMode(mode: number | null): Fd['mode'] {
  if (mode === null) return null;
  const r = (mode & 0o400) !== 0;
  const w = (mode & 0o200) !== 0;
  return r && w ? 'rw' : w ? 'w' : r ? 'r' : null;
}

export function readFds(reader: FsReader, dir: string, pid: number): { fds: Fd[] | null; fdCount: number | null } {
  const names = reader.dir(`${dir}/fd`, pid);
  if (names === null) return { fds: null, fdCount: null };
  const fds: Fd[] = [];
  for (const name of names) {
    if (fds.length >= MAX_LISTED_FDS) break;
    const path = `${dir}/fd/${name}`;
    // The first link tells whether we may read this process's descriptors at all.
    const target = reader.link(path, pid, fds.length > 0);
    if (target === null) {
      if (fds.length === 0) return { fds: null, fdCount: names.length };
      continue;
    }
    const { kind, inode } = fdKind(target);
    // Only pipes need the open mode (which end a process holds); one lstat each.
    const mode = kind === 'pipe' || kind === 'tty' ? fdMode(reader.linkMode(path)) : null;
    fds.push({ fd: Number(name), target, kind, inode, mode });
  }
  fds.sort((a, b) => a.fd - b.fd);
  return { fds, fdCount: names.length };
}

export function readIo(reader: FsReader, dir: string, pid: number): Io | null {
  const text = reader.text(`${dir}/io`, pid);
  if (text === null) return null;
  return {
    rchar: colonValue(text, 'rchar') ?? 0,
    wchar: colonValue(text, 'wchar') ?? 0,
    syscr: colonValue(text, 'syscr') ?? 0,
    syscw: colonValue(text, 'syscw') ?? 0,
    readBytes: colonValue(text, 'read_bytes') ?? 0,
    writeBytes: colonValue(text, 'write_bytes') ?? 0,
    cancelledWriteBytes: colonValue(text, 'cancelled_write_bytes') ?? 0,
  };
}

export function readSmapsRollup(reader: FsReader, dir: string, pid: number): Deep['smapsRollup'] {
  const text = reader.text(`${dir}/smaps_rollup`, pid);
  if (text === null) return null;
  const rss = colonValue(text, 'Rss');
  if (rss === undefined) return null;
  return {
    rss,
    pss: colonValue(text, 'Pss') ?? 0,
    pssAnon: colonValue(text, 'Pss_Anon') ?? null,
    anonymous: colonValue(text, 'Anonymous') ?? 0,
    privateDirty: colonValue(text, 'Private_Dirty') ?? 0,
    privateClean: colonValue(text, 'Private_Clean') ?? 0,
    swap: colonValue(text, 'Swap') ?? 0,
    swapPss: colonValue(text, 'SwapPss') ?? null,
  };
}

export function readDeep(reader: FsReader, dir: string, pid: number, kernelThread: boolean): Deep {
  const { fds, fdCount } = kernelThread ? { fds: [], fdCount: 0 } : readFds(reader, dir, pid);
  const stack = reader.text(`${dir}/stack`, pid);
  const limits = reader.text(`${dir}/limits`, pid);
  const ns = reader.link(`${dir}/ns/pid`, pid, true);
  const nsInode = ns === null ? null : /\[(\d+)\]/.exec(ns)?.[1];
  return {
    fds,
    fdCount,
    smapsRollup: kernelThread ? null : readSmapsRollup(reader, dir, pid),
    stack: stack === null ? null : parseStack(stack),
    io: readIo(reader, dir, pid),
    limits: limits === null ? null : parseLimits(limits),
    pidNs: nsInode === undefined || nsInode === null ? null : Number(nsInode),
  };
}
