import { beforeAll, describe, expect, test } from 'vitest';
import type { Cgroup } from '../snapshot/schema.js';
import { fakeCgroup, fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { loadValidator, type Validator } from './index.js';

// Commands that set a cgroup limit, by file or through systemd: what check says, and the
// effect it hands exec to verify (verify.ts checks it; test/executor has it live).

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const memory = (current: number, max: number | null): Cgroup['memory'] => ({ current, max, high: null, peak: null, swapCurrent: null, swapMax: null, anon: null, events: null, failcnt: null, oomControl: null });
const svc = (name: string) => ({ unit: { name, manager: 'system' as const, userUid: null, slice: 'system.slice' }, container: null, supervisor: null });

/** A hybrid host: v1 memory, cpu and pids hierarchies beside a v2 mount; a job in /jobs/a of each, and a systemd unit. */
function host() {
  return fakeSnapshot({
    host: {
      cgroupMode: 'hybrid',
      cgroupV2Mount: '/sys/fs/cgroup/unified',
      cgroupV1Mounts: { memory: '/sys/fs/cgroup/memory', 'cpu,cpuacct': '/sys/fs/cgroup/cpu,cpuacct', pids: '/sys/fs/cgroup/pids' },
    },
    processes: [
      fakeProcess({ pid: 1, ppid: 0, comm: 'systemd' }),
      fakeProcess({ pid: 40, comm: 'job', cgroup: { v2: '/jobs/a', v1: { memory: '/jobs/a', 'cpu,cpuacct': '/jobs/a', pids: '/jobs/a' } } }),
      fakeProcess({ pid: 41, comm: 'job', cgroup: { v2: '/jobs/a', v1: { memory: '/jobs/a', 'cpu,cpuacct': '/jobs/a', pids: '/jobs/a' } } }),
      fakeProcess({ pid: 60, comm: 'web', owner: svc('web.service'), cgroup: { v2: '/system.slice/web.service', v1: { memory: '/system.slice/web.service' } } }),
    ],
    cgroups: [
      fakeCgroup({ path: '/jobs/a', version: 1, controllers: ['memory'], memory: memory(300 * 2 ** 20, 512 * 2 ** 20) }),
      fakeCgroup({ id: '1:cpu,cpuacct:/jobs/a', path: '/jobs/a', version: 1, controllers: ['cpu', 'cpuacct'], cpu: { quotaUs: 20_000, periodUs: 50_000, weight: null, shares: 1024, usageUs: null, nrPeriods: null, nrThrottled: null, throttledUs: null, sample: null } }),
      fakeCgroup({ path: '/system.slice/web.service', version: 1, controllers: ['memory'], memory: memory(700 * 2 ** 20, null) }),
    ],
    units: [fakeUnit({ name: 'web.service', mainPid: 60, activeState: 'active', subState: 'running' })],
  });
}

describe('writing a cgroup limit file', () => {
  test('a v1 memory limit: confirmed, with the effect on the cgroup and the processes in it', () => {
    const analysis = validator.analyze('echo 768M | tee /sys/fs/cgroup/memory/jobs/a/memory.limit_in_bytes', host());
    expect(analysis.verdict.decision).toBe('confirm');
    expect(analysis.effects).toEqual([{ kind: 'limit', setting: 'memory.max', expected: 768 * 2 ** 20, cgroup: { id: '1:memory:/jobs/a', path: '/jobs/a', file: 'memory.limit_in_bytes' }, unit: null, pids: [40, 41] }]);
    expect(analysis.verdict.rules[0]?.message).toMatch(/Sets memory\.limit_in_bytes of cgroup \/sys\/fs\/cgroup\/memory\/jobs\/a to 768M: limits take effect at once \(a limit below/);
  });

  test('a memory limit below what the cgroup uses says what the kernel will do, v1 and v2 apart', () => {
    const v1 = validator.check('echo 100M > /sys/fs/cgroup/memory/jobs/a/memory.limit_in_bytes', host());
    expect(v1.rules[0]?.message).toMatch(/the cgroup uses 300 MiB now, more than that: the kernel reclaims its memory at once, and refuses the write \(EBUSY\) if it cannot get under it\.$/);
    const v2host = fakeSnapshot({
      processes: [fakeProcess({ pid: 40, comm: 'job', cgroup: { v2: '/jobs/a', v1: {} } })],
      cgroups: [fakeCgroup({ path: '/jobs/a', memory: memory(300 * 2 ** 20, null) })],
    });
    expect(validator.check('echo 100M > /sys/fs/cgroup/jobs/a/memory.max', v2host).rules[0]?.message).toMatch(/more than that: the kernel reclaims its memory at once, and OOM-kills in it if that is not enough\.$/);
    expect(validator.check('echo 100M > /sys/fs/cgroup/jobs/a/memory.high', v2host).rules[0]?.message).toMatch(/more than that: the kernel reclaims its memory at once and throttles it\.$/);
  });

  test('a v1 CPU quota is a share of the cgroup\'s own period; pids.max and cpu.max too', () => {
    const quota = validator.analyze('echo 40000 > /sys/fs/cgroup/cpu,cpuacct/jobs/a/cpu.cfs_quota_us', host());
    expect(quota.effects).toMatchObject([{ kind: 'limit', setting: 'cpu.quota', expected: 800_000, cgroup: { id: '1:cpu,cpuacct:/jobs/a' } }]);
    expect(validator.analyze('echo max > /sys/fs/cgroup/pids/jobs/a/pids.max', host()).effects).toMatchObject([{ setting: 'pids.max', expected: null, cgroup: { id: '1:pids:/jobs/a' } }]);
    expect(validator.analyze("echo '50000 100000' > /sys/fs/cgroup/unified/jobs/a/cpu.max", host()).effects).toMatchObject([{ setting: 'cpu.quota', expected: 500_000, cgroup: { id: '2:/jobs/a' }, pids: [40, 41] }]);
  });

  test('no effect where there is nothing to verify against: a value the kernel rejects, one not in the command, a file outside the mounts', () => {
    expect(validator.analyze('echo lots > /sys/fs/cgroup/memory/jobs/a/memory.limit_in_bytes', host()).effects).toEqual([]);
    expect(validator.analyze('cat /tmp/v > /sys/fs/cgroup/memory/jobs/a/memory.limit_in_bytes', host()).effects).toEqual([]);
    // A v1 file name under the v2 mount does not exist there.
    expect(validator.analyze('echo 1G > /sys/fs/cgroup/unified/jobs/a/memory.limit_in_bytes', host()).effects).toEqual([]);
    expect(validator.analyze('echo 1G > /sys/fs/cgroup/memory/jobs/a/memory.soft_limit_in_bytes', host()).effects).toEqual([]);
  });
});

describe('systemctl set-property', () => {
  test('the unit is the first word after the verb, the rest are assignments; each limit is an effect exec verifies', () => {
    const analysis = validator.analyze('systemctl set-property --runtime web.service MemoryMax=1G CPUQuota=50% TasksMax=64 Nice=5', host());
    expect(analysis.verdict.decision).toBe('confirm');
    expect(analysis.verdict.rules.map((r) => r.message)).toEqual([
      'systemctl set-property web.service (now active/running, main PID 60): the service manager sets MemoryMax=1G CPUQuota=50% TasksMax=64 Nice=5 on the unit and its cgroup at once, until the next reboot (--runtime).',
    ]);
    expect(analysis.effects).toEqual([
      { kind: 'unit', unit: 'web.service', manager: 'system', verb: 'set-property' },
      { kind: 'limit', setting: 'memory.max', expected: 2 ** 30, cgroup: null, unit: 'web.service', pids: [60] },
      { kind: 'limit', setting: 'cpu.quota', expected: 500_000, cgroup: null, unit: 'web.service', pids: [60] },
      { kind: 'limit', setting: 'pids.max', expected: 64, cgroup: null, unit: 'web.service', pids: [60] },
    ]);
    // No assignment is taken for a unit name any more.
    expect(JSON.stringify(analysis)).not.toContain('MemoryMax=1G.service');
  });

  test('without --runtime the setting outlives a reboot; a memory limit under the unit\'s use is called out', () => {
    const message = validator.check('systemctl set-property web MemoryMax=512M', host()).rules[0]?.message;
    expect(message).toMatch(/and keeps it across reboots \(a drop-in file under \/etc\/systemd\/system\.control\)\. The unit uses 700 MiB now, more than MemoryMax=512M: the kernel reclaims its memory at once and OOM-kills in it if that is not enough\.$/);
  });

  test('a unit whose processes sit in a root cgroup (a controller systemd does not run) is not said to use the root\'s memory', () => {
    const snapshot = host();
    const web = snapshot.processes.find((p) => p.pid === 60)!;
    web.cgroup = { v2: '/system.slice/web.service', v1: { memory: '/' } };
    snapshot.cgroups.push(fakeCgroup({ path: '/', version: 1, controllers: ['memory'], memory: memory(5 * 2 ** 30, null) }));
    expect(validator.check('systemctl set-property web MemoryMax=512M', snapshot).rules[0]?.message).toMatch(/\(a drop-in file under \/etc\/systemd\/system\.control\)\.$/);
  });

  test('no assignment, or a word that is not one, cannot be judged', () => {
    expect(validator.check('systemctl set-property web.service', host()).rules.map((r) => r.id)).toEqual(['unparseable']);
    const bad = validator.check('systemctl set-property web.service MemoryMax=1G other.service', host());
    expect(bad.rules.map((r) => r.id)).toEqual(['unparseable']);
    expect(bad.rules[0]?.message).toContain('"other.service" is not one');
  });

  test('bind and mount-image take one unit too; their paths are no units', () => {
    const bind = validator.analyze('systemctl bind web.service /srv/data /var/lib/web', host());
    expect(bind.effects).toEqual([{ kind: 'unit', unit: 'web.service', manager: 'system', verb: 'bind' }]);
    expect(JSON.stringify(bind.verdict)).not.toContain('/srv/data.service');
  });

  test('a critical unit is still refused', () => {
    const snapshot = fakeSnapshot({ processes: [fakeProcess({ pid: 1, ppid: 0, comm: 'systemd' }), fakeProcess({ pid: 600, comm: 'sshd', owner: svc('ssh.service') })] });
    expect(validator.check('systemctl set-property ssh.service MemoryMax=10M', snapshot).rules.map((r) => r.id)).toEqual(['critical-unit-action']);
  });
});
