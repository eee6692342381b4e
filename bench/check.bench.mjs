// Benchmark of `procdoc check` (issue 3): cold whole-process time against `node -e 0`, and
// warm per-command time in-process. Plain JS importing from dist/ (npm run build first).
// Prints a table and exits 0. Ratios are against references measured in the same run,
// because this machine is shared and absolute times drift.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSleepers } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARM = Number(process.env.BENCH_WARM ?? 300);

const { loadValidator } = await import(join(root, 'dist/validator/index.js'));
const { takeSnapshot } = await import(join(root, 'dist/snapshot/take.js'));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time of a whole process, in ms (spawnSync; stdout discarded). */
// NODE_EXTRA_CA_CERTS (set on this machine) makes every Node process parse a CA bundle at
// start, about 100 ms; check needs no TLS, so it is measured without, and once with it.
const BASE_ENV = { ...process.env, NO_COLOR: '1' };
delete BASE_ENV.NODE_EXTRA_CA_CERTS;

function wall(argv, env = {}) {
  const t = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'ignore', env: { ...BASE_ENV, ...env } });
  if (r.error) throw r.error;
  return { ms: performance.now() - t, status: r.status };
}

const target = spawn('sleep', ['600'], { stdio: 'ignore' });
const pid = String(target.pid);
const dir = mkdtempSync(join(tmpdir(), 'procdoc-bench-'));
const snapFile = join(dir, 'snapshot.json');
const snapshot = await takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], sampleMs: 0, serviceManager: true });
writeFileSync(snapFile, JSON.stringify(snapshot));

// A process that only loads the validator and judges one command: the parser's own cost,
// as procdoc loads it (compiled ahead, baseline tier only: compileParserWasm), and as
// web-tree-sitter would by default (compiled on first call, optimised in the background,
// which delays exit).
const parserOnly = (liftoff) =>
  `const { loadValidator } = await import(${JSON.stringify(join(root, 'dist/validator/index.js'))});` +
  `const v = await loadValidator({ liftoffOnly: ${liftoff} }); v.parse('kill -9 ${pid} && ps aux | grep x');`;

const cases = [
  ['node -e 0 (reference)', ['node', '-e', '0']],
  ['procdoc --version (launcher and CLI, no command)', ['node', 'bin/procdoc.js', '--version']],
  ['validator only, compiled ahead (procdoc)', ['node', '--input-type=module', '-e', parserOnly(true)]],
  ['validator only, web-tree-sitter defaults', ['node', '--input-type=module', '-e', parserOnly(false)]],
  [`procdoc check --from FILE -- kill -9 PID`, ['node', 'bin/procdoc.js', 'check', '--from', snapFile, '--', 'kill', '-9', pid]],
  [`procdoc check -- kill -9 PID (live snapshot)`, ['node', 'bin/procdoc.js', 'check', '--', 'kill', '-9', pid]],
  // The launcher's code cache switched off: what V8 compiling procdoc's code costs (src/cli/launch.ts).
  [`  the same, PROCDOC_CODE_CACHE=off`, ['node', 'bin/procdoc.js', 'check', '--', 'kill', '-9', pid], { PROCDOC_CODE_CACHE: 'off' }],
];
if (process.env.NODE_EXTRA_CA_CERTS) {
  cases.push([`  the same, NODE_EXTRA_CA_CERTS set`, ['node', 'bin/procdoc.js', 'check', '--', 'kill', '-9', pid], { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }]);
}
/** Median and min wall time of each case, the cases alternating so that load drifts hit all alike. */
function measure(list) {
  for (const [, argv, env] of list) wall(argv, env); // warm the page cache
  const times = list.map(() => []);
  const statuses = list.map(() => null);
  for (let i = 0; i < RUNS; i++) {
    list.forEach(([, argv, env], k) => {
      const r = wall(argv, env);
      times[k].push(r.ms);
      statuses[k] = r.status;
    });
  }
  return list.map(([name], k) => ({ name, median: median(times[k]), min: Math.min(...times[k]), status: statuses[k] }));
}
const cold = measure(cases);
const ref = cold[0].median;

// Warm: one validator, one snapshot, a few hundred commands of every kind.
const commands = [
  `kill -9 ${pid}`, `kill -TERM ${pid}`, 'ps aux | grep nginx', `sudo timeout -s KILL 5 kill -9 ${pid}`, "bash -c 'kill -9 1'",
  'pkill -f sleep', 'systemctl restart nginx', `echo -500 > /proc/${pid}/oom_score_adj`, 'rm -rf /', 'kill $(pgrep x)',
  'cat /proc/loadavg; uptime; free -m', "find /proc -maxdepth 1 -name '[0-9]*' -exec cat {}/status \\;", 'killall -9 sleep',
];
const validator = await loadValidator();
for (let i = 0; i < 50; i++) validator.check(commands[i % commands.length], snapshot); // JIT warm-up
const per = [];
for (let i = 0; i < WARM; i++) {
  const t = performance.now();
  validator.check(commands[i % commands.length], snapshot);
  per.push(performance.now() - t);
}
const parsePer = [];
for (let i = 0; i < WARM; i++) {
  const t = performance.now();
  validator.parse(commands[i % commands.length]);
  parsePer.push(performance.now() - t);
}

const fmt = (x) => x.toFixed(1).padStart(8);
console.log(`\nprocdoc check — cold, whole process (median of ${RUNS}; ${snapshot.processes.length} processes on this host)`);
console.log(`${'case'.padEnd(48)} ${'median ms'.padStart(9)} ${'min ms'.padStart(8)}  ${'× node -e 0'.padStart(11)}  exit`);
for (const c of cold) console.log(`${c.name.padEnd(48)} ${fmt(c.median)}  ${fmt(c.min)}  ${(c.median / ref).toFixed(2).padStart(11)}  ${c.status}`);
const live = cold.find((c) => c.name.includes('(live snapshot)'));
console.log(`\n  goal check cold <= 150 ms: ${live.median.toFixed(0)} ms  ${live.median <= 150 ? 'met' : 'NOT met'}`);
console.log(`\nprocdoc check — warm, in-process (${WARM} commands, ${commands.length} kinds)`);
console.log(`${'case'.padEnd(48)} ${'median ms'.padStart(9)} ${'mean ms'.padStart(8)}  ${'× parse'.padStart(11)}`);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`${'parse only (tree-sitter, reference)'.padEnd(48)} ${fmt(median(parsePer))}  ${fmt(mean(parsePer))}  ${'1.00'.padStart(11)}`);
console.log(`${'check (parse + judge + index snapshot)'.padEnd(48)} ${fmt(median(per))}  ${fmt(mean(per))}  ${(median(per) / median(parsePer)).toFixed(2).padStart(11)}`);

// A large host: with 2,000 extra processes, check reads only what its judgement looks up
// for a command on named PIDs (judgeLive), and every process for a pattern.
const BIG = Number(process.env.BENCH_PROCESSES ?? 2000);
const sleepers = await startSleepers(BIG);
try {
  const PS = ['ps', '-eo', 'pid,ppid,pgid,sid,stat,wchan,rss,vsz,args'];
  const big = measure([
    ['ps -eo pid,ppid,pgid,sid,stat,wchan,rss,vsz,args (reference)', PS],
    ['procdoc check -- kill -9 PID (reads what it looks up)', ['node', 'bin/procdoc.js', 'check', '--', 'kill', '-9', pid]],
    ['procdoc check -- pkill -f PATTERN (reads every process)', ['node', 'bin/procdoc.js', 'check', '--', 'pkill', '-f', 'procdoc-bench-no-match']],
  ]);
  console.log(`\nprocdoc check on a large host (${BIG} extra processes; median of ${RUNS})`);
  console.log(`${'case'.padEnd(60)} ${'median ms'.padStart(9)} ${'min ms'.padStart(8)}  ${'× ps'.padStart(6)}  exit`);
  for (const c of big) console.log(`${c.name.padEnd(60)} ${fmt(c.median)}  ${fmt(c.min)}  ${(c.median / big[0].median).toFixed(2).padStart(6)}  ${c.status}`);
} finally {
  await sleepers.stop();
}

target.kill('SIGKILL');
rmSync(dir, { recursive: true, force: true });
process.exit(0);
