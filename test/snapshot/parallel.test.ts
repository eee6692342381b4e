import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { readAllProcesses, type WorkerJob, type WorkerOutput } from '../../src/snapshot/parallel.js';
import type { ReadMemo } from '../../src/snapshot/process.js';
import { FsReader } from '../../src/snapshot/read.js';
import type { Process, Snapshot } from '../../src/snapshot/schema.js';
import { listProcesses } from '../support/proc-fs.js';
import { startProcess, stopAll, waitFor } from '../support/procs.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/procdoc.js');
const COUNT = 600;

afterAll(async () => {
  await stopAll();
}, 60_000);

function livePids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

async function pass(pids: readonly number[], parallel: boolean, deep = false, waitForWorker = false) {
  const memo: ReadMemo = { cgroups: new Map(), fdTableSizes: new Map(), readAt: new Map() };
  const { processes, byWorker } = await readAllProcesses(new FsReader(), '/proc', pids, new Map([[0, 'root']]), memo, { deep, parallel, waitForWorker });
  processes.sort((a, b) => a.pid - b.pid);
  return { processes, memo, byWorker };
}

/** What must not depend on which thread read a process (CPU times and counters move on). */
function stable(p: Process) {
  return {
    pid: p.pid,
    ppid: p.ppid,
    pgid: p.pgid,
    comm: p.comm,
    argv: p.argv,
    exe: p.exe,
    user: p.user,
    state: p.state,
    wchan: p.wchan,
    startTime: p.startTime,
    oomScoreAdj: p.oomScoreAdj,
    signals: p.signals,
    cgroup: p.cgroup,
    cpusAllowed: p.cpusAllowed,
    fds: p.deep?.fds ?? null,
  };
}

describe('the parallel /proc pass', () => {
  it('reads the same processes with a worker thread as without one, and shares the work', async () => {
    const group = await startProcess(`for i in $(seq ${COUNT}); do sleep 900 & done; exec sleep 900`);
    await waitFor(() => listProcesses().filter((p) => p.pgid === group.pgid).length > COUNT, { timeoutMs: 60_000, intervalMs: 200, what: `${COUNT} sleeps` });
    const pids = livePids();
    const serial = await pass(pids, false);
    const parallel = await pass(pids, true, false, true);
    expect(parallel.byWorker).toBeGreaterThan(0);
    expect(parallel.byWorker).toBeLessThan(parallel.processes.length);
    const ours = (s: Process[]) => s.filter((p) => p.pgid === group.pgid).map(stable);
    expect(ours(parallel.processes)).toHaveLength(COUNT + 1);
    expect(ours(parallel.processes)).toEqual(ours(serial.processes));
    // Every process once, in both; fd table sizes come back from the worker too.
    expect(new Set(parallel.processes.map((p) => p.pid)).size).toBe(parallel.processes.length);
    expect(parallel.memo.fdTableSizes.get(group.pid)).toBe(serial.memo.fdTableSizes.get(group.pid));
    // So does when each process was read (the first CPU sample): for every process, within the pass.
    const before = Number(process.hrtime.bigint()) / 1e6;
    const timed = await pass(pids, true, false, true);
    const after = Number(process.hrtime.bigint()) / 1e6;
    const times = timed.processes.map((p) => timed.memo.readAt?.get(p.pid));
    expect(times.every((t) => t !== undefined && t >= before && t <= after)).toBe(true);
    expect(timed.byWorker).toBeGreaterThan(0);
  }, 120_000);

  it('reads the deep tier in the same pass when asked', async () => {
    const group = await startProcess('sleep 900 | sleep 901');
    await waitFor(() => listProcesses().filter((p) => p.pgid === group.pgid && p.comm === 'sleep').length === 2, { timeoutMs: 10_000, what: 'both sleeps' });
    const pids = livePids();
    const { processes, byWorker } = await pass(pids, true, true, true);
    expect(byWorker).toBeGreaterThan(0);
    const members = processes.filter((p) => p.pgid === group.pgid && p.comm === 'sleep');
    expect(members).toHaveLength(2);
    // The two ends of the pipe, with their modes, whichever thread read them.
    const ends = members.map((p) => p.deep?.fds?.find((f) => f.kind === 'pipe'));
    expect(ends.map((f) => f?.mode).sort()).toEqual(['r', 'w']);
    expect(ends[0]?.inode).toBe(ends[1]?.inode);
  });

  it('does not wait for a worker that never got to start', async () => {
    // A handful of pids is read before a worker can boot; the pass returns without it.
    const pids = [1, process.pid];
    const { processes, byWorker } = await pass(pids, true);
    expect(processes.map((p) => p.pid)).toEqual([1, process.pid]);
    expect(byWorker).toBe(0);
  });
});

describe('the built worker thread (dist/bundle/worker.cjs, what procdoc starts)', () => {
  it('reads the pids it claims and sends them back', async () => {
    const worker = new Worker(join(ROOT, 'dist/bundle/worker.cjs'));
    try {
      const job: WorkerJob = { procRoot: '/proc', users: new Map([[0, 'root']]), pids: [1, process.pid], shared: new SharedArrayBuffer(8), deep: false, unread: { oom: true, exe: true } };
      const output = await new Promise<WorkerOutput>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(job);
      });
      expect(output.processes.map((p) => p.pid).sort((a, b) => a - b)).toEqual([1, process.pid]);
      const self = output.processes.find((p) => p.pid === process.pid);
      expect(self?.comm).toBe(readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim());
      // What the job leaves unread stays null; the rest of the cheap tier is read.
      expect(self).toMatchObject({ oomScore: null, oomScoreAdj: null, exe: null, uid: process.getuid?.() });
    } finally {
      await worker.terminate();
    }
  });
});

describe('procdoc snapshot on a host large enough for the reader thread', () => {
  it('lists every process and exits', async () => {
    const group = await startProcess(`for i in $(seq ${COUNT}); do sleep 900 & done; exec sleep 900`);
    await waitFor(() => listProcesses().filter((p) => p.pgid === group.pgid).length > COUNT, { timeoutMs: 60_000, intervalMs: 200, what: `${COUNT} sleeps` });
    const r = spawnSync(process.execPath, [CLI, 'snapshot', '--json', '--sample', '0'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28 });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Snapshot;
    const ours = s.processes.filter((p) => p.pgid === group.pgid);
    expect(ours).toHaveLength(COUNT + 1);
    expect(ours.every((p) => p.comm === 'sleep' && p.argv[0] === 'sleep' && p.startedAt !== '')).toBe(true);
  }, 120_000);
});
