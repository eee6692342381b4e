import { afterEach, describe, expect, it } from 'vitest';
import { readStatus, signal } from '../support/proc-fs.js';
import { listProcesses, readStat, startPidNamespace, startProcess, startStopped, startTermIgnorer, startZombie, stopAll, waitFor } from '../support/procs.js';
import { runDiagnosis } from '../../src/cli/commands/diagnose.js';
import { cpuSecondsOf, expectWellFormed, findingFor, liveDiagnosis, rssOf } from './live.js';

afterEach(async () => {
  await stopAll();
});

/**
 * Ten processes of 40 MiB, so that a small process is not among the top consumers (whose
 * deep tier is read anyway): what finds it is then what finds it on a host of thousands.
 */
async function startBigger(): Promise<void> {
  const ballast = await startProcess(`for i in $(seq 10); do python3 -c "b = b'x' * (40 << 20); import time; time.sleep(600)" & done; wait`);
  await waitFor(() => listProcesses().filter((q) => q.ppid === ballast.pid && rssOf(q.pid) > 40 * 2 ** 20).length === 10, {
    timeoutMs: 20_000,
    what: 'ten processes of 40 MiB',
  });
}

describe('diagnose on real processes', () => {
  it('blames the parent of an unreaped zombie, and never proposes to kill the zombie', async () => {
    const z = await startZombie();
    const { findings } = await liveDiagnosis();
    const f = findingFor(findings, 'zombie-unreaped', z.zombiePid);
    expect(f).toMatchObject({ severity: 'warning', culpritPid: z.parentPid });
    expect(f.remediation.map((r) => r.command)).toContain(`kill -s CHLD ${z.parentPid}`);
    expect(f.remediation.some((r) => r.command.includes(String(z.zombiePid)))).toBe(false);
    expectWellFormed(f);
  });

  it('finds the leftovers of a background pipeline whose shell exited', async () => {
    const s = await startProcess('sleep 600 | cat & sleep 600 & exit 0');
    const left = await waitFor(
      () => {
        const mine = listProcesses().filter((p) => p.pgid === s.pgid && p.pid !== s.pid && p.state !== 'Z');
        return mine.length === 3 && mine.every((p) => p.ppid === 1) ? mine : undefined;
      },
      { timeoutMs: 10_000, what: 'the pipeline to be adopted by init' },
    );
    const { findings } = await liveDiagnosis();
    const f = findingFor(findings, 'orphaned-descendants', left[0]!.pid);
    expect(f.severity).toBe('warning');
    expect([...f.pids].sort()).toEqual(left.map((p) => p.pid).sort());
    expect(f.remediation[0]?.command).toBe(`kill -s TERM -- -${s.pgid}`);
  });

  it('reports a pipeline stalled by a stopped stage, with the stage as culprit', async () => {
    const s = await startProcess('yes | cat | wc -c');
    const cat = await waitFor(() => listProcesses().find((p) => p.pgid === s.pgid && p.comm === 'cat'), { what: 'cat to start' });
    signal(cat.pid, 'SIGSTOP');
    await waitFor(() => readStat(cat.pid)?.state === 'T', { what: 'cat to stop' });
    const { findings } = await liveDiagnosis();
    const f = findingFor(findings, 'pipeline-stalled', cat.pid);
    expect(f).toMatchObject({ severity: 'warning', culpritPid: cat.pid });
    expect(f.title).toMatch(/stage-stopped/);
    // The summary tells the chain of blame once: wc waits on cat, which is stopped.
    expect(f.summary.split(`waits to read pipe:`).length - 1).toBe(1);
    expect(f.summary).toContain(`cat (${cat.pid}) is stopped`);
    expect(findingFor(findings, 'stopped-process', cat.pid).severity).toBe('warning');
  });

  it('warns about a process stopped outside job control and proposes SIGCONT', async () => {
    const p = await startStopped();
    const { findings } = await liveDiagnosis();
    const f = findingFor(findings, 'stopped-process', p.pid);
    expect(f.severity).toBe('warning');
    expect(f.remediation[0]?.command).toBe(`kill -s CONT -- -${p.pgid}`);
    expectWellFormed(f);
  });

  it('notes that a plain kill will not stop a process that ignores SIGTERM', async () => {
    const p = await startTermIgnorer();
    const { findings } = await liveDiagnosis();
    const f = findingFor(findings, 'sigterm-ignored', p.pid);
    expect(f.severity).toBe('info');
    expect(f.evidence[0]).toEqual({ source: `/proc/${p.pid}/status`, field: 'SigIgn has SIGTERM', value: true });
  });

  it('notes a process that blocks SIGTERM without a signalfd, though ten processes are bigger', async () => {
    await startBigger();
    const p = await startProcess(`exec python3 -c "import signal, time; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM}); time.sleep(600)"`);
    await waitFor(() => (BigInt(`0x${readStatus(p.pid)?.SigBlk ?? '0'}`) & (1n << 14n)) !== 0n, { what: 'python to block SIGTERM' });
    const { snapshot, findings } = await liveDiagnosis({ sampleMs: 0 });
    const bigger = snapshot.processes.filter((q) => !q.kernelThread && q.rss > (snapshot.processes.find((x) => x.pid === p.pid)?.rss ?? 0));
    expect(bigger.length).toBeGreaterThanOrEqual(10);
    const f = findingFor(findings, 'sigterm-ignored', p.pid);
    expect(f.title).toBe(`python3 (${p.pid}) blocks SIGTERM`);
  });

  it('warns about PID 1 of a PID namespace that does not handle SIGTERM', async () => {
    const ns = await startPidNamespace();
    const { findings } = await liveDiagnosis({ sampleMs: 0 });
    const f = findingFor(findings, 'pid1-without-handler', ns.initPid);
    expect(f).toMatchObject({ severity: 'warning', culpritPid: ns.initPid });
  });

  it('warns when open descriptors approach RLIMIT_NOFILE, though ten processes are bigger', async () => {
    await startBigger();
    // 40 allowed, fds 0-35 open (90%), inherited across exec by sleep.
    const p = await startProcess('ulimit -n 40; for i in $(seq 3 35); do eval "exec $i</dev/null"; done; exec sleep 600');
    await waitFor(() => readStat(p.pid)?.comm === 'sleep', { what: 'sleep to exec' });
    const { findings } = await liveDiagnosis({ sampleMs: 0 });
    const f = findingFor(findings, 'fd-near-limit', p.pid);
    expect(f.severity).toBe('warning');
    expect(f.evidence).toContainEqual({ source: `/proc/${p.pid}/limits`, field: 'Max open files (soft)', value: 40 });
    expect(f.remediation[0]?.command).toMatch(new RegExp(`^prlimit --pid ${p.pid} --nofile=`));
  });

  it('flags a busy loop that has burnt CPU as runaway', async () => {
    const p = await startProcess('exec timeout 30 bash -c "while :; do :; done"');
    const loop = await waitFor(() => listProcesses().find((q) => q.ppid === p.pid && q.comm === 'bash'), { what: 'the loop to start' });
    await waitFor(() => cpuSecondsOf(loop.pid) >= 1, { timeoutMs: 15_000, what: 'the loop to burn 1 s of CPU' });
    // Two shared cores and other work: the loop may get well under a full CPU here.
    const { findings } = await liveDiagnosis({ sampleMs: 1000, thresholds: { runawayMinCpuSeconds: 1, runawayCpuPercent: 20 } });
    const f = findingFor(findings, 'runaway-cpu', loop.pid);
    expect(f).toMatchObject({ severity: 'warning', culpritPid: loop.pid });
    expectWellFormed(f);
  });

  it('finds busy processes pinned to the same CPU', async () => {
    const a = await startProcess('exec taskset -c 0 timeout 30 bash -c "while :; do :; done"');
    const b = await startProcess('exec taskset -c 0 timeout 30 bash -c "while :; do :; done"');
    const loops = await waitFor(
      () => {
        const found = listProcesses().filter((q) => (q.ppid === a.pid || q.ppid === b.pid) && q.comm === 'bash');
        return found.length === 2 ? found : undefined;
      },
      { what: 'both loops to start' },
    );
    const { findings } = await liveDiagnosis({ sampleMs: 500, thresholds: { affinityBusyPercent: 10, affinityMinDemandRatio: 0.3 } });
    const f = findingFor(findings, 'affinity-contention', loops[0]!.pid);
    expect(f.pids).toEqual(expect.arrayContaining(loops.map((l) => l.pid)));
    expect(f.severity).toBe('warning');
  });

  it('flags a SCHED_FIFO busy loop as a realtime hog (pinned to one CPU, 3 s at most)', async () => {
    const p = await startProcess('exec chrt -f 10 taskset -c 1 timeout 3 bash -c "while :; do :; done"');
    const loop = await waitFor(() => listProcesses().find((q) => q.ppid === p.pid && q.comm === 'bash'), { what: 'the realtime loop to start' });
    const { findings } = await liveDiagnosis({ sampleMs: 400 });
    signal(loop.pid, 'SIGKILL');
    const f = findingFor(findings, 'realtime-hog', loop.pid);
    expect(['critical', 'warning']).toContain(f.severity);
    expect(f.remediation[0]?.command).toBe(`chrt --other -p 0 ${loop.pid}`);
  });

  it('sees memory that keeps growing over a sampled window (--for)', async () => {
    const p = await startProcess(`exec python3 -c "
import time
a = []
for _ in range(150):
    a.append(b'x' * (2 << 20))
    time.sleep(0.1)
time.sleep(600)
"`);
    await waitFor(() => rssOf(p.pid) > 20 * 2 ** 20, { timeoutMs: 15_000, what: 'python to start allocating' });
    const { findings } = await liveDiagnosis({ windowMs: 3000 });
    const f = findingFor(findings, 'memory-growth', p.pid);
    expect(f).toMatchObject({ severity: 'warning', culpritPid: p.pid });
  });

  it('notes a supervisor that the OOM killer would take before its workers', async () => {
    const p = await startProcess(`exec python3 -c "
import subprocess, time
ballast = b'x' * (200 << 20)
workers = [subprocess.Popen(['sleep', '600']) for _ in range(2)]
time.sleep(600)
"`);
    await waitFor(() => rssOf(p.pid) > 190 * 2 ** 20 && listProcesses().filter((q) => q.ppid === p.pid && q.comm === 'sleep').length === 2, {
      timeoutMs: 15_000,
      what: 'the supervisor to allocate and start two workers',
    });
    const { findings } = await liveDiagnosis();
    const f = findingFor(findings, 'oom-controller-exposed', p.pid);
    // Plenty of memory here: a latent risk, not a warning.
    expect(f).toMatchObject({ severity: 'info', culpritPid: p.pid });
    expect(f.remediation[0]?.command).toBe(`choom -p ${p.pid} -n -500`);

    // The command's own path leaves the OOM scores unread but for what the analyzer compares.
    const lone = await startProcess('sleep 600 & wait');
    const sleeper = await waitFor(() => listProcesses().find((q) => q.ppid === lone.pid && q.comm === 'sleep'), { what: 'the lone sleep to start' });
    const diagnosis = await runDiagnosis({ procRoot: '/proc', sysRoot: '/sys' }, { sampleMs: 0 });
    const again = findingFor(diagnosis.findings, 'oom-controller-exposed', p.pid);
    expect(again.remediation.map((r) => [r.command, r.verdict.decision])).toEqual(f.remediation.map((r) => [r.command, r.verdict.decision]));
    const byPid = new Map(diagnosis.snapshot.processes.map((q) => [q.pid, q]));
    const workers = f.pids.slice(1);
    for (const pid of [p.pid, ...workers]) expect(byPid.get(pid)?.oomScore).toEqual(expect.any(Number));
    expect(byPid.get(p.pid)?.oomScoreAdj).toBe(0);
    // A process that supervises nothing, under one that supervises nothing, keeps its scores unread; no exe is read.
    expect(byPid.get(sleeper.pid)).toMatchObject({ oomScore: null, oomScoreAdj: null, exe: null });
    expect(diagnosis.snapshot.processes.every((q) => q.exe === null)).toBe(true);
  });
});
