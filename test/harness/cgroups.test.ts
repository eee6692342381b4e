import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCgroupRegistry, createV1Cgroup, createV2Cgroup, removeAllCgroups, v1Mount, v2Mount } from '../support/cgroups.js';
import { readState, readStat, startProcess, stopAll, waitFor } from '../support/procs.js';

afterEach(async () => {
  await stopAll();
  await removeAllCgroups();
});
afterAll(removeAllCgroups);

function cgroupLine(pid: number, controller: string): string | undefined {
  return readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[1]?.split(',').includes(controller));
}

describe('createV1Cgroup', () => {
  it('makes a procdoc-test-* group that /proc/PID/cgroup shows for an added process', async () => {
    const cg = createV1Cgroup('pids');
    expect(cg.path).toMatch(/\/procdoc-test-[0-9a-f]{8}$/);
    expect(cg.dir).toBe(`${v1Mount('pids')}${cg.path}`);
    const s = await startProcess('exec sleep 600');
    cg.addPid(s.pid);
    expect(cgroupLine(s.pid, 'pids')).toMatch(new RegExp(`:pids:${cg.path}$`));
    expect(cg.pids()).toEqual([s.pid]);
  });

  it('applies memory.limit_in_bytes to a process, which the kernel OOM-kills when it goes over', async () => {
    const cg = createV1Cgroup('memory', { 'memory.limit_in_bytes': String(32 * 1024 * 1024) });
    expect(cg.read('memory.limit_in_bytes')).toBe(String(32 * 1024 * 1024));
    // Waits for a line on stdin, so it is in the group before it allocates; tail of an
    // endless line without newlines keeps growing its buffer.
    const s = await startProcess('read -r _; exec tail /dev/zero', {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    cg.addPid(s.pid);
    s.child.stdin?.end('go\n');
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => s.child.once('exit', (_code, sig) => resolve(sig)));
    expect(exit).toBe('SIGKILL');
    expect(Number(cg.read('memory.failcnt'))).toBeGreaterThan(0);
    expect(cg.read('memory.oom_control')).toMatch(/oom_kill [1-9]/);
  });

  it('puts a process of a frozen freezer group in state D, and thaw brings it back', async () => {
    const cg = createV1Cgroup('freezer');
    const s = await startProcess('exec sleep 600');
    await waitFor(() => readStat(s.pid)?.comm === 'sleep', { what: 'sleep' });
    cg.addPid(s.pid);
    await cg.freeze();
    expect(cg.read('freezer.state')).toBe('FROZEN');
    expect(readState(s.pid)).toBe('D');
    await cg.thaw();
    await waitFor(() => readState(s.pid) === 'S', { what: 'the thawed sleep to sleep again' });
  });

  it('copies cpuset.cpus and cpuset.mems from the parent so a process can join a new cpuset', async () => {
    const cg = createV1Cgroup('cpuset');
    expect(cg.read('cpuset.cpus')).not.toBe('');
    const s = await startProcess('exec sleep 600');
    cg.addPid(s.pid);
    expect(cgroupLine(s.pid, 'cpuset')).toMatch(new RegExp(`${cg.path}$`));
  });

  it('applies cpu.cfs_quota_us on the cpu controller wherever it is mounted', () => {
    const cg = createV1Cgroup('cpu', { 'cpu.cfs_quota_us': '10000' });
    expect(cg.read('cpu.cfs_quota_us')).toBe('10000');
  });

  it('says which file and value failed when a setting is rejected, and leaves no directory', () => {
    const probe = createV1Cgroup('pids');
    const base = dirname(probe.dir);
    const before = readdirSync(base).filter((n) => n.startsWith('procdoc-test-'));
    const mine = createCgroupRegistry();
    expect(() => mine.createV1Cgroup('pids', { 'pids.max': 'lots' })).toThrow(/Could not write "lots" to .*pids\.max: EINVAL/);
    expect(readdirSync(base).filter((n) => n.startsWith('procdoc-test-'))).toEqual(before);
  });
});

describe('remove', () => {
  it('kills what is left inside (thawing a frozen group first) and removes the directory', async () => {
    const mine = createCgroupRegistry();
    const cg = mine.createV1Cgroup('freezer');
    // Started outside the process registry: only the cgroup knows about it.
    const s = await startProcess('exec sleep 600');
    cg.addPid(s.pid);
    await cg.freeze();
    await mine.removeAllCgroups();
    expect(existsSync(cg.dir)).toBe(false);
    await waitFor(() => readState(s.pid) === undefined, { what: 'the frozen sleep to be gone' });
    await cg.remove(); // idempotent
  });

  it('removes sub-groups that a test made inside', async () => {
    const cg = createV1Cgroup('memory');
    mkdirSync(`${cg.dir}/child`);
    const s = await startProcess('exec sleep 600');
    writeFileSync(`${cg.dir}/child/cgroup.procs`, String(s.pid));
    expect(cgroupLine(s.pid, 'memory')).toMatch(new RegExp(`${cg.path}/child$`));
    await cg.remove();
    expect(existsSync(cg.dir)).toBe(false);
    await waitFor(() => readState(s.pid) === undefined, { what: 'the sleep in the sub-group to be gone' });
  });
});

describe('createV2Cgroup', () => {
  it('makes a group in the v2 hierarchy whose freeze the kernel puts in force, and remove() thaws, kills by PID and removes it', async () => {
    const cg = createV2Cgroup();
    expect(cg.dir).toBe(`${v2Mount()}${cg.path}`);
    const s = await startProcess('exec sleep 600');
    cg.addPid(s.pid);
    expect(readFileSync(`/proc/${s.pid}/cgroup`, 'utf8')).toContain(`0::${cg.path}\n`);
    await cg.freeze();
    expect(readFileSync(`${cg.dir}/cgroup.events`, 'utf8')).toContain('frozen 1');
    await cg.remove();
    expect(existsSync(cg.dir)).toBe(false);
    expect(readState(s.pid) ?? 'gone').toMatch(/^(gone|Z)$/);
  });
});
