// procdoc diagnose against ps on a host with 2,000 extra processes (issue 4's goal):
//   procdoc diagnose --json > /dev/null   <= 2x ps -eo pid,ppid,pgid,sid,stat,wchan,rss,vsz,args
// The default diagnose samples twice 300 ms apart for CPU% and progress (a deliberate wait,
// not reading cost), so the goal is judged for --sample 0; the sampled figure is printed too,
// with the in-process cost of the analyzers alone. Plain JS over dist/ (npm run build first).
import { spawnSync } from 'node:child_process';
import { CLI, compare, median, READ_FLOOR, startSleepers, table, timeProcess } from './lib.mjs';

const EXTRA = Number(process.env.BENCH_PROCESSES ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GOAL = 2;
const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { takeSnapshot } = await import(dist('snapshot/take.js'));
const { diagnose } = await import(dist('analyzers/diagnose.js'));
const { loadValidator } = await import(dist('validator/index.js'));

/** Wall time of a diagnose run; exit 0, 1 and 2 are verdicts, 3 is a failure. */
function timeDiagnose(args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, 'diagnose', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status === null || r.status > 2) throw new Error(`procdoc diagnose ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const sleepers = await startSleepers(EXTRA);
try {
  // NODE_EXTRA_CA_CERTS makes every Node process parse a CA bundle at start; diagnose needs no TLS.
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const PS = 'ps -eo pid,ppid,pgid,sid,stat,wchan,rss,vsz,args';
  const rows = compare(
    [
      { name: PS, run: () => timeProcess(['ps', '-eo', 'pid,ppid,pgid,sid,stat,wchan,rss,vsz,args']) },
      { name: 'node -e 0 (Node start-up alone)', run: () => timeProcess([process.execPath, '-e', '0'], env) },
      { name: 'floor: Node reading the snapshot files, no parsing', run: () => timeProcess([process.execPath, READ_FLOOR, 'cheap'], env) },
      { name: "minimal floor: Node reading only ps's files and cgroup", run: () => timeProcess([process.execPath, READ_FLOOR, 'minimal'], env) },
      { name: 'procdoc --version (Node start-up and loading procdoc)', run: () => timeProcess([process.execPath, CLI, '--version'], env) },
      { name: 'procdoc snapshot --json --sample 0', run: () => timeProcess([process.execPath, CLI, 'snapshot', '--json', '--sample', '0'], env) },
      { name: 'procdoc diagnose --json --sample 0', run: () => timeDiagnose(['--json', '--sample', '0'], env) },
      { name: 'procdoc diagnose --json (default 300 ms sample)', run: () => timeDiagnose(['--json'], env) },
    ],
    RUNS,
  );
  table(`diagnose, ${EXTRA} extra processes, median wall time of whole processes (${RUNS} runs)`, rows, PS);

  // The analyzers alone, in-process, on one sampled snapshot of the same host.
  const validator = await loadValidator();
  const snapshot = await takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], sampleMs: 300, serviceManager: true });
  const analysis = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    diagnose(snapshot, { validator });
    analysis.push(performance.now() - t);
  }
  console.log(`\n  analyzers + validator in-process on ${snapshot.processes.length} processes: ${median(analysis).toFixed(1)} ms (median)`);

  const by = Object.fromEntries(rows.map((r) => [r.name, r.ms]));
  const ratio = by['procdoc diagnose --json --sample 0'] / by[PS];
  const floor = by['floor: Node reading the snapshot files, no parsing'] / by[PS];
  const minimal = by["minimal floor: Node reading only ps's files and cgroup"] / by[PS];
  console.log(`  goal diagnose --json <= ${GOAL}x ps: ${ratio.toFixed(2)}x  ${ratio <= GOAL ? 'met' : 'NOT met'}  (floor ${floor.toFixed(2)}x, minimal floor ${minimal.toFixed(2)}x)`);
} finally {
  await sleepers.stop();
}
