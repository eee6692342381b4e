import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type * as WorkerThreads from 'node:worker_threads';
import { readClaimed, readWithDeep, type PassScope, type ReadMemo, type Unread } from './process.js';
import type { FsReader, RecordedErrors } from './read.js';
import type { Process } from './schema.js';

/**
 * Below this many processes a worker costs more than it saves: it takes 80-150 ms to boot
 * and load its code (competing with this thread for the cores meanwhile), its processes are
 * copied back, and two threads reading /proc contend in the kernel. Measured on the 2-vCPU
 * test VM (snapshot --json --sample 0, medians of 9-15 runs): no gain at 2,000 and 4,000
 * processes (4,000: 626 ms with the worker, 550 ms without), 18% at 6,000 (751 vs 913 ms).
 * The deep tier reads twice as much of each process, and the worker pays sooner: at 2,000
 * processes snapshot --deep took 640 ms with it, 800 ms without (medians of 11).
 * It takes chunks only once it is up, and is not waited for if this thread has read
 * everything before then.
 */
export const PARALLEL_MIN_PROCESSES = { cheap: 5000, deep: 2000 } as const;

export interface PassOptions {
  /** Read the deep tier of every process in the same pass (snapshot --deep). */
  deep: boolean;
  /** What to leave unread of every process (readProcess). */
  unread?: Unread;
  /** Force (true) or forbid (false) a worker thread; by default, decided by host size and cores. */
  parallel?: boolean | undefined;
  /** Start reading only once the worker is up (tests use it to be sure the work is split). Bounded: 10 s. */
  waitForWorker?: boolean;
}

/** The processes read, and how many of them the worker thread read. */
export interface PassResult {
  processes: Process[];
  byWorker: number;
}

/** The worker's state word: waiting for its job, reading, or told not to start. */
export const WORKER_WAITING = 0;
export const WORKER_READING = 1;
export const WORKER_CANCELLED = 2;

/** The job posted to the worker thread. */
export interface WorkerJob {
  procRoot: string;
  users: Map<number, string>;
  pids: number[];
  /** Two Int32s shared with the main thread: [next unclaimed index, worker state]. */
  shared: SharedArrayBuffer;
  deep: boolean;
  unread: Unread;
}

/** What the worker thread sends back, once. */
export interface WorkerOutput {
  processes: Process[];
  fdTableSizes: [number, number][];
  readAt: [number, number][];
  errors: RecordedErrors;
}

/**
 * Reads the cheap tier (and with `deep` the deep tier) of every pid. With a spare core, a
 * worker thread takes chunks of the pid list from a shared cursor while this thread takes
 * the rest: the kernel generates each /proc file on read, so two threads read faster than
 * one. If the worker cannot start or dies, this thread reads what it missed.
 */
export async function readAllProcesses(
  reader: FsReader,
  procRoot: string,
  pids: readonly number[],
  users: Map<number, string>,
  memo: ReadMemo,
  options: PassOptions,
): Promise<PassResult> {
  const shared = new SharedArrayBuffer(8);
  const cursor = new Int32Array(shared);
  const worker = pickWorker(pids.length, options.deep, options.parallel);
  const unread = options.unread ?? {};
  const job = worker === null ? null : { worker, output: runJob(worker, { procRoot, users, pids: [...pids], shared, deep: options.deep, unread }) };

  const mine: Process[] = [];
  const scope: PassScope = { reader, procRoot, users, memo, deep: options.deep, unread };
  if (job !== null && options.waitForWorker === true) Atomics.wait(cursor, 1, WORKER_WAITING, 10_000);
  readClaimed(cursor, pids, scope, mine);
  if (job === null) return { processes: mine, byWorker: 0 };

  // Every chunk is claimed. A worker that has not begun reading never will: do not wait for it.
  if (Atomics.compareExchange(cursor, 1, WORKER_WAITING, WORKER_CANCELLED) === WORKER_WAITING) {
    void job.worker.terminate();
    return { processes: mine, byWorker: 0 };
  }
  const theirs = await job.output;
  if (theirs === null) {
    // The worker failed after claiming chunks: read whatever this thread did not.
    const done = new Set(mine.map((p) => p.pid));
    for (const pid of pids) if (!done.has(pid)) readWithDeep(pid, scope, mine);
    return { processes: mine, byWorker: 0 };
  }
  for (const [pid, size] of theirs.fdTableSizes) memo.fdTableSizes.set(pid, size);
  for (const [pid, at] of theirs.readAt) memo.readAt?.set(pid, at);
  reader.merge(theirs.errors);
  return { processes: mine.concat(theirs.processes), byWorker: theirs.processes.length };
}

/** A worker for a large host on a machine with a spare core, or as `parallel` says. */
function pickWorker(count: number, deep: boolean, parallel: boolean | undefined): WorkerThreads.Worker | null {
  const wanted = parallel ?? (count >= PARALLEL_MIN_PROCESSES[deep ? 'deep' : 'cheap'] && availableParallelism() > 1);
  return wanted ? spawnWorker() : null;
}

/** A new worker, or null if it cannot be started. worker_threads is loaded only now: most runs need none. */
function spawnWorker(): WorkerThreads.Worker | null {
  const script = workerScript();
  if (script === null) return null;
  try {
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;
    const worker = new Worker(script);
    // A worker that fails to boot reports it here; runJob's listeners turn it into null.
    worker.on('error', () => undefined);
    return worker;
  } catch {
    return null;
  }
}

/** Posts the job; resolves to the worker's output, or null if it failed. */
function runJob(worker: WorkerThreads.Worker, job: WorkerJob): Promise<WorkerOutput | null> {
  return new Promise((resolve) => {
    worker.once('message', (output: WorkerOutput) => {
      resolve(output);
      void worker.terminate();
    });
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
    worker.postMessage(job);
  });
}

/**
 * The built worker script: beside the bundle (dist/bundle/worker.cjs), beside this module in
 * dist/ (tsc's output), or in dist/ when running from src/ (tests).
 */
function workerScript(): URL | null {
  for (const candidate of ['./worker.cjs', './worker.js', '../../dist/snapshot/worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}
