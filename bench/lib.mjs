// Shared helpers of the benchmarks: whole-process timing, medians, a group of idle processes.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin/procdoc.js');
/** A Node process that only reads the files the snapshot reads (read-floor.cjs): the floor under it. */
export const READ_FLOOR = join(ROOT, 'bench/read-floor.cjs');

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Wall time of a whole process, stdout discarded, in milliseconds. */
export function timeProcess(argv, env = process.env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Median of `runs` timings after one warm-up run, alternating candidates so load drifts hit all alike. */
export function compare(candidates, runs = 7) {
  const times = new Map(candidates.map((c) => [c.name, []]));
  for (const c of candidates) c.run();
  for (let i = 0; i < runs; i++) for (const c of candidates) times.get(c.name).push(c.run());
  return candidates.map((c) => ({ name: c.name, ms: median(times.get(c.name)) }));
}

function groupSize(pgid) {
  let n = 0;
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid) n++;
    } catch {
      // exited
    }
  }
  return n;
}

/** Starts `count` idle sleeps in one new process group; returns { pgid, stop }. Bounded wait. */
export async function startSleepers(count) {
  const child = spawn('bash', ['-c', `for i in $(seq ${count}); do sleep 3600 & done; exec sleep 3600`], { detached: true, stdio: 'ignore' });
  const pgid = child.pid;
  const kill = () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // Killed processes stay in /proc until their parents reap them (PID 1, slowly, for the
  // sleeps): wait, bounded, so that the next bench does not measure a host with twice the
  // processes. The event loop runs meanwhile, so Node reaps the group's leader, its child.
  const stop = async () => {
    kill();
    const deadline = Date.now() + 60_000;
    while (groupSize(pgid) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  };
  process.on('exit', kill);
  const deadline = Date.now() + 120_000;
  while (groupSize(pgid) <= count) {
    if (Date.now() > deadline) {
      kill();
      throw new Error(`could not start ${count} processes in 120 s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { pgid, stop };
}

export function table(title, rows, reference) {
  const ref = rows.find((r) => r.name === reference);
  console.log(`\n${title}`);
  for (const r of rows) {
    const ratio = ref ? (r.ms / ref.ms).toFixed(2) : '-';
    console.log(`  ${r.name.padEnd(58)} ${r.ms.toFixed(1).padStart(9)} ms   ${ratio.padStart(6)}x ${reference}`);
  }
}

export function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
