import { readFileSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseStat } from '../snapshot/parse.js';

/** Whether a proc root is this machine's live view of its processes, and if not, why. */
export type ProcRootView = { live: true } | { live: false; why: string };

/** Who procdoc is: its PID here, and where to read its own stat (whose start time is the same in every PID namespace). */
export interface Self {
  pid: number;
  statPath: string;
}

/** The start time of a /proc/PID/stat text (clock ticks since boot), or null. */
function startTimeOf(stat: string): number | null {
  const t = parseStat(stat)?.startTime;
  return t !== undefined && Number.isInteger(t) ? t : null;
}

function read(path: string, how: (p: string) => string): string | null {
  try {
    return how(path);
  } catch {
    return null;
  }
}

/**
 * Whether `procRoot` shows this machine's processes by the PIDs procdoc signals: it is
 * /proc, or its `self` is procdoc's own PID and that PID's stat has procdoc's start time
 * (a bind mount of our /proc). A fixture tree or a saved copy has no such self; a host's
 * /proc seen from a container in another PID namespace shows procdoc under another PID.
 */
export function procRootView(procRoot: string, self: Self): ProcRootView {
  if (resolve(procRoot) === '/proc') return { live: true };
  const link = read(join(procRoot, 'self'), (p) => readlinkSync(p, 'utf8'));
  if (link === null) return { live: false, why: `${procRoot} has no self entry: it is not a live /proc (a fixture tree, or a copy?)` };
  if (link !== String(self.pid)) {
    return /^\d+$/.test(link)
      ? { live: false, why: `${procRoot}/self is PID ${link}, and procdoc is PID ${self.pid} here: it is the /proc of another PID namespace (a host's /proc seen from a container?), whose PIDs are not the ones kill would reach` }
      : { live: false, why: `${procRoot}/self points to ${link}, not to procdoc's PID ${self.pid}: it is not a live /proc` };
  }
  const ours = startTimeOf(read(self.statPath, (p) => readFileSync(p, 'utf8')) ?? '');
  if (ours === null) return { live: false, why: `procdoc cannot read its own start time from ${self.statPath} to compare` };
  const theirs = startTimeOf(read(join(procRoot, link, 'stat'), (p) => readFileSync(p, 'utf8')) ?? '');
  if (theirs !== ours) {
    return { live: false, why: `${procRoot}/${link}/stat has start time ${theirs ?? '(unreadable)'}, and procdoc's own is ${ours}: it is not this machine's live /proc` };
  }
  return { live: true };
}
