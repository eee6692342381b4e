import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createV1Cgroup, createV2Cgroup, removeAllCgroups } from '../support/cgroups.js';
import { listProcesses, readState, startProcess, stopAll, waitFor } from '../support/procs.js';
import { expectWellFormed, findingForCgroup, liveDiagnosis, rssOf } from './live.js';

afterEach(async () => {
  await stopAll();
  await removeAllCgroups();
});

const MiB = 2 ** 20;

/** A python process that allocates (and touches) `mib` MiB, then sleeps. */
function allocator(mib: number): string {
  return `exec python3 -c "
import time
a = [b'x' * (1 << 20) for _ in range(${mib})]
time.sleep(600)
"`;
}

describe('diagnose against real v1 cgroups', () => {
  it('explains D state by a frozen freezer cgroup and proposes to thaw, not kill', async () => {
    const cg = createV1Cgroup('freezer');
    const p = await startProcess('exec sleep 600');
    cg.addPid(p.pid);
    await cg.freeze();
    await waitFor(() => readState(p.pid) === 'D', { what: 'the frozen process to show state D' });
    const { findings } = await liveDiagnosis();
    await cg.thaw();
    const f = findingForCgroup(findings, 'uninterruptible-io', cg.path);
    expect(f.pids).toContain(p.pid);
    expect(f.severity).toBe('warning');
    expect(f.evidence[0]).toMatchObject({ field: 'freezer.state', value: 'FROZEN' });
    expect(f.remediation[0]?.command).toBe(`echo THAWED | tee ${cg.dir}/freezer.state`);
    expectWellFormed(f);
  });

  it('finds a process a v2 freezer holds asleep (S), which no D-state check sees, and proposes the thaw that works', async () => {
    const cg = createV2Cgroup();
    const p = await startProcess('exec sleep 600');
    cg.addPid(p.pid);
    await cg.freeze();
    const { findings } = await liveDiagnosis();
    const f = findingForCgroup(findings, 'cgroup-frozen', cg.path);
    expect(f.pids).toEqual([p.pid]);
    expect(f.severity).toBe('warning');
    expect(f.evidence[0]).toMatchObject({ field: 'cgroup.freeze', value: 'FROZEN' });
    expect(f.evidence[1]).toMatchObject({ field: 'state', value: 'S' });
    expect(findings.some((x) => x.code === 'uninterruptible-io' && x.pids.includes(p.pid))).toBe(false);
    expect(f.remediation.map((r) => r.command)).toEqual([`echo 0 > ${cg.dir}/cgroup.freeze`]);
    expectWellFormed(f);
    // The proposed command thaws it.
    execFileSync('bash', ['-c', f.remediation[0]!.command]);
    await waitFor(() => readFileSync(`${cg.dir}/cgroup.events`, 'utf8').includes('frozen 0'), { what: 'the cgroup to thaw' });
  });

  it('shows CPU against the cgroup quota when a cfs quota throttles a busy loop', async () => {
    const cg = createV1Cgroup('cpu', { 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '20000' });
    const p = await startProcess('sleep 0.3; exec timeout 30 bash -c "while :; do :; done"');
    cg.addPid(p.pid);
    await waitFor(() => Number(/nr_throttled (\d+)/.exec(cg.read('cpu.stat'))?.[1] ?? 0) > 3, { timeoutMs: 15_000, what: 'the quota to throttle' });
    const { findings } = await liveDiagnosis({ sampleMs: 1000 });
    const f = findingForCgroup(findings, 'cpu-throttled', cg.path);
    expect(f.severity).toBe('warning');
    expect(f.pids).toContain(p.pid);
    expect(f.title).toMatch(/0\.2-CPU quota/);
    expect(f.evidence[0]).toEqual({ source: `${cg.dir}/cpu.cfs_quota_us`, field: 'cpu.cfs_quota_us', value: 20000 });
  });

  it('judges memory against the cgroup limit, not host RAM', async () => {
    const cg = createV1Cgroup('memory', { 'memory.limit_in_bytes': String(64 * MiB) });
    const p = await startProcess(`sleep 0.3; ${allocator(56)}`);
    cg.addPid(p.pid);
    await waitFor(() => rssOf(p.pid) > 56 * MiB, { timeoutMs: 15_000, what: 'python to allocate 56 MiB' });
    const { findings } = await liveDiagnosis();
    const f = findingForCgroup(findings, 'memory-near-limit', cg.path);
    expect(['warning', 'critical']).toContain(f.severity);
    expect(f.culpritPid).toBe(p.pid);
    expect(f.title).toMatch(/of its 64 MiB memory limit/);
    expect(f.evidence).toContainEqual({ source: `${cg.dir}/memory.limit_in_bytes`, field: 'memory.limit_in_bytes', value: 64 * MiB });
  });

  it('records an OOM kill in a v1 memory cgroup (memory.oom_control oom_kill)', async () => {
    const cg = createV1Cgroup('memory', { 'memory.limit_in_bytes': String(32 * MiB) });
    const keeper = await startProcess('exec sleep 600');
    cg.addPid(keeper.pid);
    const hog = await startProcess(`sleep 0.3; ${allocator(100)}`);
    cg.addPid(hog.pid);
    await waitFor(() => /oom_kill [1-9]/.test(cg.read('memory.oom_control')), { timeoutMs: 15_000, what: 'the kernel to OOM-kill the allocator' });
    const { findings } = await liveDiagnosis();
    const f = findingForCgroup(findings, 'oom-kills-recorded', cg.path);
    expect(f.severity).toBe('warning');
    expect(f.evidence[0]).toMatchObject({ source: `${cg.dir}/memory.oom_control`, field: 'oom_kill' });
    expect(Number(f.evidence[0]?.value)).toBeGreaterThanOrEqual(1);
  });

  it('warns when a pids cgroup is close to pids.max', async () => {
    const cg = createV1Cgroup('pids', { 'pids.max': '10' });
    const p = await startProcess('sleep 0.3; for i in 1 2 3 4 5 6 7 8; do sleep 600 & done; wait');
    cg.addPid(p.pid);
    await waitFor(() => listProcesses().filter((q) => q.ppid === p.pid && q.comm === 'sleep').length === 8, { what: 'eight sleeps in the cgroup' });
    const { findings } = await liveDiagnosis();
    const f = findingForCgroup(findings, 'pids-near-limit', cg.path);
    expect(f.severity).toBe('warning');
    expect(f.evidence).toEqual([
      { source: `${cg.dir}/pids.current`, field: 'pids.current', value: 9 },
      { source: `${cg.dir}/pids.max`, field: 'pids.max', value: 10 },
    ]);
  });
});
