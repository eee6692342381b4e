// The floor under procdoc's snapshot on this machine: a Node process that reads the very
// files the snapshot reads for every process, as procdoc does (on this thread, and from
// 5,000 processes, 2,000 for the deep tier, on a second one too, claiming chunks of the pid
// list: parallel.ts), and does nothing else (no parsing, no objects, no output).
// A snapshot cannot be faster than this; the benches print it beside ps so that a goal
// below it shows as out of reach for Node here rather than as work left undone.
//
//   node bench/read-floor.cjs cheap   stat status cmdline cgroup wchan oom_score oom_score_adj + exe
//   node bench/read-floor.cjs deep    the same + stack limits smaps_rollup io, ns/pid, every fd link
//   node bench/read-floor.cjs minimal what ps itself reads for its columns (stat status cmdline
//                                     wchan) and cgroup, without which no process has an owner:
//                                     the least any snapshot that issue 2 describes must read
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { closeSync, constants, openSync, readSync, readdirSync, readlinkSync } = require('node:fs');

const CHEAP = ['stat', 'status', 'cmdline', 'cgroup', 'wchan', 'oom_score', 'oom_score_adj'];
const DEEP = [...CHEAP, 'stack', 'limits', 'smaps_rollup', 'io'];
const MINIMAL = ['stat', 'status', 'cmdline', 'wchan', 'cgroup'];
const CHUNK = 32;

function readChunks(cursor, pids, mode) {
  const buf = Buffer.allocUnsafe(64 * 1024);
  const deep = mode === 'deep';
  const files = deep ? DEEP : mode === 'minimal' ? MINIMAL : CHEAP;
  const attempt = (fn) => {
    try {
      fn();
    } catch {
      // exited, or not ours to read: procdoc records it and goes on
    }
  };
  for (;;) {
    const start = Atomics.add(cursor, 0, CHUNK);
    if (start >= pids.length) return;
    for (let i = start; i < Math.min(start + CHUNK, pids.length); i++) {
      const dir = `/proc/${pids[i]}/`;
      for (const f of files) {
        attempt(() => {
          const fd = openSync(dir + f, constants.O_RDONLY);
          try {
            buf.latin1Slice(0, readSync(fd, buf, 0, buf.length, null));
          } finally {
            closeSync(fd);
          }
        });
      }
      if (mode !== 'minimal') attempt(() => readlinkSync(`${dir}exe`));
      if (deep) {
        attempt(() => readlinkSync(`${dir}ns/pid`));
        attempt(() => {
          for (const fd of readdirSync(`${dir}fd`)) attempt(() => readlinkSync(`${dir}fd/${fd}`));
        });
      }
    }
  }
}

if (isMainThread) {
  const mode = process.argv[2] ?? 'cheap';
  if (!['cheap', 'deep', 'minimal'].includes(mode)) throw new Error(`usage: read-floor.cjs cheap|deep|minimal, not ${mode}`);
  const deep = mode === 'deep';
  const shared = new SharedArrayBuffer(4);
  const pids = readdirSync('/proc').filter((name) => name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57);
  // PARALLEL_MIN_PROCESSES in src/snapshot/parallel.ts.
  const worker = pids.length >= (deep ? 2000 : 5000) ? new Worker(__filename, { workerData: { shared, pids, mode } }) : null;
  readChunks(new Int32Array(shared), pids, mode);
  worker?.once('message', () => void worker.terminate());
} else {
  readChunks(new Int32Array(workerData.shared), workerData.pids, workerData.mode);
  parentPort.postMessage('done');
}
