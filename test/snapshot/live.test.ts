import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshotFile } from '../../src/snapshot/load.js';
import { indexSnapshot } from '../../src/snapshot/query.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { SnapshotSchema } from '../../src/snapshot/schema.js';
import { oomScoreReader, withDetails } from '../../src/snapshot/process.js';
import { takeSnapshot, type SnapshotOptions } from '../../src/snapshot/take.js';
import { createV1Cgroup, removeAllCgroups } from '../support/cgroups.js';
import { readStat, readState, readStatus } from '../support/proc-fs.js';
import {
  startPidNamespace,
  startProcess,
  startStopped,
  startTermIgnorer,
  startThreaded,
  startZombie,
  stalledYesSleep,
  stopAll,
  waitFor,
} from '../support/procs.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/procdoc.js');

function snap(options: Partial<SnapshotOptions> = {}): Promise<Snapshot> {
  return takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], sampleMs: 0, serviceManager: false, ...options });
}

function proc(s: Snapshot, pid: number) {
  const p = s.processes.find((x) => x.pid === pid);
  if (!p) throw new Error(`pid ${pid} not in snapshot`);
  return p;
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'procdoc-snapshot-'));
});
afterEach(async () => {
  await stopAll();
  await removeAllCgroups();
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('snapshot of real processes', () => {
  it('reports a zombie with its parent, and no argv', async () => {
    const z = await startZombie();
    const s = await snap();
    expect(proc(s, z.zombiePid)).toMatchObject({ state: 'Z', ppid: z.parentPid, argv: [] });
  });

  it('reports a stopped process in state T waiting in the signal-stop path', async () => {
    const p = await startStopped();
    const s = await snap();
    expect(proc(s, p.pid).state).toBe('T');
    expect(proc(s, p.pid).wchan ?? '').toMatch(/signal_stop|do_signal_stop|get_signal/);
  });

  it('decodes SIGTERM in the ignored mask of a process that ignores it', async () => {
    const p = await startTermIgnorer();
    const s = await snap();
    expect(proc(s, p.pid).signals?.ignored).toContain('SIGTERM');
    expect(proc(s, p.pid).signals?.caught).not.toContain('SIGTERM');
  });

  it('reads the v1 memory cgroup and its limit for a process inside it', async () => {
    const cg = createV1Cgroup('memory', { 'memory.limit_in_bytes': String(64 * 2 ** 20) });
    const p = await startProcess('exec sleep 600');
    cg.addPid(p.pid);
    const s = await snap();
    const index = indexSnapshot(s);
    const memory = index.cgroupFor(proc(s, p.pid), 'memory');
    expect(proc(s, p.pid).cgroup.v1.memory).toBe(cg.path);
    expect(memory?.path).toBe(cg.path);
    expect(memory?.memory?.max).toBe(64 * 2 ** 20);
    expect(memory?.memory?.oomControl).toMatchObject({ oomKillDisable: false, underOom: false });
  });

  it('counts the members of a cgroup as its cgroup.procs lists them', async () => {
    const cg = createV1Cgroup('memory');
    const members = [await startProcess('exec sleep 600'), await startProcess('exec sleep 600'), await startProcess('exec sleep 600')];
    for (const m of members) cg.addPid(m.pid);
    const s = await snap();
    const memory = indexSnapshot(s).cgroupFor(proc(s, members[0]!.pid), 'memory');
    expect(memory?.nprocs).toBe(3);
    expect(memory?.nprocs).toBe(cg.pids().length);
  });

  it('reads the deep tier of a top CPU consumer, known once the samples are in', async () => {
    // Eleven processes with more memory than the burner, so it is not among the top ten by RSS.
    const big: Awaited<ReturnType<typeof startProcess>>[] = [];
    for (let i = 0; i < 11; i++) big.push(await startProcess(`exec python3 -c 'import time; x = bytearray(64 << 20); time.sleep(600)'`));
    // Settled: each holds its 64 MiB and sleeps, so the burner has a CPU to itself.
    await waitFor(() => big.every((b) => readState(b.pid) === 'S' && Number.parseInt(readStatus(b.pid)?.VmRSS ?? '0', 10) >= 64 * 1024), {
      what: 'the large processes to settle',
    });
    const burner = await startProcess('while :; do :; done');
    const quiet = await snap();
    expect(proc(quiet, burner.pid).deep).toBeNull();
    const sampled = await snap({ sampleMs: 300 });
    expect(proc(sampled, burner.pid).cpu?.percent).toBeGreaterThan(30);
    expect(proc(sampled, burner.pid).deep?.limits?.nofile).toBeDefined();
  });

  it('a light snapshot leaves wchan and the OOM scores unread, and withDetails reads them for the pids asked', async () => {
    const stopped = await startStopped();
    const other = await startStopped();
    const light = await snap({ light: true, forAnalysis: false });
    expect(light.processes.every((p) => p.wchan === null && p.oomScore === null && p.oomScoreAdj === null)).toBe(true);
    const detailed = withDetails(light, [stopped.pid], '/proc');
    expect(proc(detailed, stopped.pid).wchan ?? '').toMatch(/signal_stop|do_signal_stop|get_signal/);
    expect(proc(detailed, stopped.pid).oomScoreAdj).toBe(0);
    expect(proc(detailed, stopped.pid).oomScore).not.toBeNull();
    expect(proc(detailed, other.pid)).toBe(proc(light, other.pid));
  });

  it('unread leaves the OOM scores and exe unread (wchan is read), and oomScoreReader reads the scores of a process', async () => {
    const stopped = await startStopped();
    const lean = await snap({ unread: { oom: true, exe: true }, forAnalysis: false });
    expect(lean.processes.every((p) => p.oomScore === null && p.oomScoreAdj === null && p.exe === null)).toBe(true);
    expect(proc(lean, stopped.pid).wchan ?? '').toMatch(/signal_stop|do_signal_stop|get_signal/);
    const reader = oomScoreReader('/proc');
    expect(reader.read(proc(lean, stopped.pid))).toEqual({ oomScore: Number(readFileSync(`/proc/${stopped.pid}/oom_score`, 'utf8')), oomScoreAdj: 0 });
    // A pid that now names another process (another start time) is not read as the one in the snapshot.
    expect(reader.read({ ...proc(lean, stopped.pid), startTime: 1 })).toBeNull();
    await stopAll();
    expect(reader.read(proc(lean, stopped.pid))).toBeNull();
    expect(reader.errors()).toEqual([]);
  });

  it('a thread id asked for is recorded as a thread of its process, which is read instead (pids, and withDetails)', async () => {
    const t = await startThreaded();
    const few = await snap({ pids: new Set([t.tid]), light: true, forAnalysis: false });
    // With the thread's own start time (/proc/TID/stat), which tells a reused thread id.
    const own = { tid: t.tid, pid: t.pid, startTime: readStat(t.tid)?.starttime };
    expect(own.startTime).toBeGreaterThan(0);
    expect(few.threads).toEqual([own]);
    expect(proc(few, t.pid).comm).toBe('node');
    expect(few.processes.some((p) => p.pid === t.tid)).toBe(false);
    // A snapshot of every process records no threads; withDetails adds the one asked about, and its process's details.
    const all = await snap({ light: true, forAnalysis: false });
    expect(all.threads).toEqual([]);
    const detailed = withDetails(all, [t.tid], '/proc');
    expect(detailed.threads).toEqual([own]);
    expect(proc(detailed, t.pid).oomScoreAdj).toBe(0);
    expect(withDetails(all, [4194303], '/proc').threads).toEqual([]);
  });

  it('knows PID 1 of a new PID namespace (a container init)', async () => {
    const ns = await startPidNamespace();
    const s = await snap({ deepPids: [ns.initPid] });
    const init = proc(s, ns.initPid);
    expect(init.namespaceInit).toBe(true);
    expect(init.nspid).toEqual([ns.initPid, 1]);
    const ours = await snap({ deepPids: [process.pid] });
    expect(init.deep?.pidNs).not.toBeNull();
    expect(init.deep?.pidNs).not.toBe(proc(ours, process.pid).deep?.pidNs);
  });

  it('keeps comm names with spaces, parentheses and newlines whole', async () => {
    const name = 'a) b (c\nd';
    const bin = join(scratch, name);
    copyFileSync('/bin/sleep', bin);
    chmodSync(bin, 0o755);
    const p = await startProcess(`exec "$BIN" 600`, { env: { BIN: bin } });
    await waitFor(() => proc2(p.pid) && readState(p.pid) === 'S', { what: 'the renamed sleep to exec and sleep' });
    const s = await snap();
    expect(proc(s, p.pid).comm).toBe(name);
    expect(proc(s, p.pid).state).toBe('S');
    expect(proc(s, p.pid).argv).toEqual([bin, '600']);
  });

  it('flags a cmdline that is not UTF-8 as binary and keeps kernel threads argv-less', async () => {
    const p = await startProcess(`exec -a $'\\xff\\xfeX' sleep 600`);
    await waitFor(() => spawnSync('cat', [`/proc/${p.pid}/cmdline`]).stdout.includes(0xfe), { what: 'argv[0] rewritten' });
    const s = await snap();
    expect(proc(s, p.pid).cmdlineBinary).toBe(true);
    const kthreads = s.processes.filter((x) => x.kernelThread);
    expect(kthreads.length).toBeGreaterThan(0);
    for (const k of kthreads) expect(k.argv).toEqual([]);
  });

  it('samples CPU%: a busy loop near one CPU, an idle sleep at zero and not progressing', async () => {
    const busy = await startProcess('while :; do :; done');
    const idle = await startProcess('exec sleep 600');
    // Asleep, not still becoming sleep: until its exec has gone through it is a runnable shell,
    // and that change of state between the two readings is progress.
    await waitFor(() => readStat(idle.pid)?.comm === 'sleep' && readState(idle.pid) === 'S', { timeoutMs: 5000, what: `pid ${idle.pid} asleep as sleep` });
    const s = await snap({ sampleMs: 600 });
    expect(proc(s, busy.pid).cpu?.percent).toBeGreaterThan(40);
    expect(proc(s, busy.pid).cpu?.progressed).toBe(true);
    expect(proc(s, idle.pid).cpu).toMatchObject({ percent: 0, progressed: false });
  });

  it('reads the deep tier of a pipeline: both ends of the shared pipe, with their modes', async () => {
    const p = await startProcess('yes | sleep 600');
    const { yesPid, sleepPid } = await stalledYesSleep(p);
    const s = await snap({ deepPids: [p.pid] });
    const yes = proc(s, yesPid);
    const sleep = proc(s, sleepPid);
    const out = yes.deep?.fds?.find((f) => f.fd === 1);
    const inp = sleep.deep?.fds?.find((f) => f.fd === 0);
    expect(out).toMatchObject({ kind: 'pipe', mode: 'w' });
    expect(inp).toMatchObject({ kind: 'pipe', mode: 'r' });
    expect(out?.inode).toBe(inp?.inode);
    expect(yes.deep?.limits?.nofile?.soft).toBeGreaterThan(0);
    expect(yes.deep?.smapsRollup?.rss).toBeGreaterThan(0);
    expect(yes.wchan ?? '').toMatch(/pipe/);
  });

  it('survives processes that exit mid-read and lists nothing for them', async () => {
    const churn = await startProcess('while :; do /bin/true; done');
    for (let i = 0; i < 5; i++) {
      const s = await snap({ deep: true });
      expect(s.processes.length).toBeGreaterThan(5);
      expect(s.errors.filter((e) => e.code === 'ENOENT' || e.code === 'ESRCH')).toEqual([]);
    }
    await churn.stop();
  });

  it('validates against its own schema and round-trips through a file', async () => {
    const s = await snap({ sampleMs: 200, deep: true });
    expect(SnapshotSchema.safeParse(s).success).toBe(true);
    expect(s.host).toMatchObject({ cgroupMode: 'hybrid', root: true });
    expect(s.host.cgroupV1Mounts.memory).toBe('/sys/fs/cgroup/memory');
    const file = join(scratch, 'snap.json');
    execFileSync('node', [CLI, 'snapshot', '--deep', '-o', file]);
    const loaded = await loadSnapshotFile(file);
    expect(loaded.deep).toBe(true);
    expect(loaded.processes.length).toBeGreaterThan(10);
  });
});

function proc2(pid: number): boolean {
  return spawnSync('cat', [`/proc/${pid}/comm`], { encoding: 'utf8' }).stdout.startsWith('a) b');
}

describe('procdoc snapshot command', () => {
  const run = (args: string[], opts: { user?: string } = {}) => {
    const argv = opts.user ? ['runuser', '-u', opts.user, '--', 'node', CLI, ...args] : ['node', CLI, ...args];
    // A --deep snapshot of a busy host is megabytes: more than spawnSync's default 1 MiB buffer.
    return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000, maxBuffer: 256 * 2 ** 20 });
  };

  it('as nobody, lists what it could not read instead of failing', () => {
    const r = run(['snapshot', '--json', '--deep'], { user: 'nobody' });
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as Snapshot;
    expect(s.host.root).toBe(false);
    expect(s.errors.some((e) => e.code === 'EACCES' && e.message === 'permission denied: run procdoc as root (or the owning user) to read it')).toBe(true);
    expect(s.processes.some((p) => p.pid === 1)).toBe(true);
  });

  it('as root in a user namespace (root of a container), does not tell root to run as root', () => {
    // Root there is not root over the host's processes: /proc/1/exe stays closed to it.
    const r = spawnSync('unshare', ['--user', '--map-root-user', 'node', CLI, 'snapshot', '--json', '--sample', '0'], { encoding: 'utf8', timeout: 30_000, maxBuffer: 256 * 2 ** 20 });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Snapshot;
    expect(s.host.root).toBe(true);
    expect(s.errors).toContainEqual({
      path: '/proc/1/exe',
      code: 'EACCES',
      pid: 1,
      message: 'permission denied, even to root: the kernel withholds it (ptrace access rules, a capability this procdoc lacks, or a security module)',
    });
  });

  it('exits 1 with a message for a PID that does not exist', () => {
    const r = run(['snapshot', '--pid', '4194303']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/No process 4194303/);
  });

  it('names the process of a thread id given as a PID, in snapshot, diagnose and pipeline', async () => {
    const t = await startThreaded();
    const cases: [string[], number][] = [
      [['snapshot', '--pid', String(t.tid)], 1],
      [['diagnose', '--pid', String(t.tid), '--sample', '0'], 3],
      [['pipeline', String(t.tid)], 1],
    ];
    for (const [args, status] of cases) {
      const r = run(args);
      expect({ args, status: r.status }).toEqual({ args, status });
      expect(r.stderr).toContain(`${t.tid} is not a process but a thread of PID ${t.pid} (node).`);
      expect(r.stderr).toContain(`Name its process instead: PID ${t.pid}`);
    }
  });

  it('exits 2 for a PID that is not a number', () => {
    const r = run(['snapshot', '--pid', 'nginx']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a process ID/);
  });

  it('exits 1 with a hint when --proc-root is not a /proc', () => {
    const r = run(['--proc-root', join(scratch, 'nope'), 'snapshot']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Cannot list/);
  });

  it('prints a summary with the host and top consumers', () => {
    const r = run(['snapshot', '--sample', '100']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/cgroups hybrid/);
    expect(r.stdout).toMatch(/Top CPU/);
  });
});
