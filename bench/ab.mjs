// Compares whole-process wall times of two or more command lines, run alternately so that
// the load of a shared machine falls on all of them alike: for telling whether a change made
// procdoc faster (build the old tree elsewhere, then time both). Not part of npm run bench.
//
//   node bench/ab.mjs [--runs N] -- 'node /tmp/old/bin/procdoc.js check -- kill -9 4711' 'node bin/procdoc.js check -- kill -9 4711'
//
// Each command line is split on spaces (no quoting). stdout and stderr are discarded; any exit
// status counts, and is printed. NODE_EXTRA_CA_CERTS is removed from the environment: it makes
// every Node process parse a CA bundle at start, which procdoc does not need.
import { spawnSync } from 'node:child_process';
import { median } from './lib.mjs';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const options = dash < 0 ? [] : args.slice(0, dash);
const lines = dash < 0 ? args : args.slice(dash + 1);
const runsAt = options.indexOf('--runs');
const runs = runsAt < 0 ? 21 : Number(options[runsAt + 1]);
if (lines.length < 2 || !(runs > 0)) {
  console.error("usage: node bench/ab.mjs [--runs N] -- 'COMMAND LINE' 'COMMAND LINE' ...");
  process.exit(2);
}

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const argvs = lines.map((line) => line.split(' ').filter(Boolean));
const times = argvs.map(() => []);
const statuses = argvs.map(() => new Set());
const once = (argv) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', env });
  if (r.error) throw r.error;
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, status: r.status ?? r.signal };
};
for (const argv of argvs) once(argv); // warm the page cache
for (let i = 0; i < runs; i++) {
  argvs.forEach((argv, k) => {
    const { ms, status } = once(argv);
    times[k].push(ms);
    statuses[k].add(status);
  });
}
const first = median(times[0]);
console.log(`${'median ms'.padStart(9)} ${'min ms'.padStart(8)} ${'× first'.padStart(8)}  exit  command (${runs} alternating runs)`);
lines.forEach((line, k) => {
  const m = median(times[k]);
  console.log(`${m.toFixed(1).padStart(9)} ${Math.min(...times[k]).toFixed(1).padStart(8)} ${(m / first).toFixed(2).padStart(8)}  ${[...statuses[k]].join(',').padEnd(4)}  ${line}`);
});
