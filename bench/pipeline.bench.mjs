// Cost of `procdoc pipeline`'s choices, as ratios against references measured in the same run:
//  - the deep tier for every process (the host-wide listing, `--deep`, and the second look a
//    targeted run takes when the first leaves the pipeline incomplete) against the selected deep
//    tier (a targeted run's first look), with N extra idle processes on the host;
//  - analyzePipelines against indexSnapshot over the same snapshot.
// Usage: npm run build && node bench/pipeline.bench.mjs [extraProcesses=300]
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { takeSnapshot } from '../dist/snapshot/take.js';
import { indexSnapshot } from '../dist/snapshot/query.js';
import { analyzePipelines } from '../dist/analyzers/pipeline/index.js';

const extra = Number(process.argv[2] ?? 300);
const ROUNDS = 5;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn) {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

// N idle processes, each in a session of its own (as daemons and other users' shells are, so
// the selected deep tier skips them), plus one stalled pipeline for the analyzer to find.
const script = `for i in $(seq ${extra}); do setsid sleep 600 & done; yes | sleep 600 & wait`;
const child = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
const pgid = child.pid;
try {
  const base = { procRoot: '/proc', sysRoot: '/sys', deepPids: [], sampleMs: 0, serviceManager: false };
  for (let i = 0; i < 100; i++) {
    const s = await takeSnapshot({ ...base, deep: false });
    if (s.processes.filter((p) => p.comm === 'sleep' && p.ppid === pgid).length >= extra + 1) break;
    await sleep(100);
  }
  const rows = [];
  const selected = [];
  const deep = [];
  let snapshot;
  for (let r = 0; r < ROUNDS; r++) {
    selected.push((await time(() => takeSnapshot({ ...base, deep: false }))).ms);
    const d = await time(() => takeSnapshot({ ...base, deep: true }));
    deep.push(d.ms);
    snapshot = d.value;
  }
  const indexMs = [];
  const analyzeMs = [];
  let reports = [];
  for (let r = 0; r < ROUNDS; r++) {
    indexMs.push((await time(() => indexSnapshot(snapshot))).ms);
    const a = await time(() => analyzePipelines(snapshot, indexSnapshot(snapshot)));
    analyzeMs.push(a.ms);
    reports = a.value;
  }
  const ref = median(selected);
  rows.push({ measure: 'snapshot, selected deep tier: PID/--pgid first look (reference)', ms: ref.toFixed(1), ratio: '1.00' });
  rows.push({ measure: 'snapshot, every fd table: listing, --deep, second look', ms: median(deep).toFixed(1), ratio: (median(deep) / ref).toFixed(2) });
  const iref = median(indexMs);
  rows.push({ measure: 'indexSnapshot (reference)', ms: iref.toFixed(2), ratio: '1.00' });
  rows.push({ measure: 'analyzePipelines (incl. its own index)', ms: median(analyzeMs).toFixed(2), ratio: (median(analyzeMs) / iref).toFixed(1) });
  console.log(`procdoc pipeline bench: ${snapshot.processes.length} processes, ${reports.length} pipelines found, median of ${ROUNDS}`);
  console.table(rows);
} finally {
  // The setsid sleeps left our group: kill them by PID (children of our shell), then the group.
  const { readdirSync, readFileSync } = await import('node:fs');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pgid) process.kill(Number(entry), 'SIGKILL');
    } catch {
      // gone already
    }
  }
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
process.exit(0);
