/*
 * Worker thread of the parallel /proc pass (parallel.ts): waits for its one job, reads
 * chunks of the pid list claimed from the shared cursor until none are left, and sends
 * back what it read.
 */
import { parentPort } from 'node:worker_threads';
import { WORKER_READING, WORKER_WAITING, type WorkerJob, type WorkerOutput } from './parallel.js';
import { readClaimed, type ReadMemo } from './process.js';
import { FsReader } from './read.js';
import type { Process } from './schema.js';

parentPort?.once('message', (job: WorkerJob) => {
  const shared = new Int32Array(job.shared);
  // The main thread may have finished every chunk before this thread was up.
  if (Atomics.compareExchange(shared, 1, WORKER_WAITING, WORKER_READING) !== WORKER_WAITING) return;
  Atomics.notify(shared, 1);
  const reader = new FsReader();
  const memo: ReadMemo = { cgroups: new Map(), fdTableSizes: new Map(), readAt: new Map() };
  const processes: Process[] = [];
  readClaimed(shared, job.pids, { reader, procRoot: job.procRoot, users: job.users, memo, deep: job.deep, unread: job.unread }, processes);
  const output: WorkerOutput = { processes, fdTableSizes: [...memo.fdTableSizes], readAt: [...(memo.readAt ?? [])], errors: reader.recorded() };
  parentPort?.postMessage(output);
});
