import { describe, expect, it } from 'vitest';
import { fakeCgroup, fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { cgroupFrozen } from './cgroup-frozen.js';
import { runAnalyzer } from './testing.js';

const v2 = (path: string, self = true) => fakeCgroup({ path, version: 2, controllers: [], freezer: { state: 'FROZEN', self } });

describe('cgroup-frozen', () => {
  it('groups the processes a v2 freezer holds asleep by cgroup, and offers the thaw', () => {
    const s = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 10, comm: 'backup', state: 'S', cgroup: { v2: '/jobs/backup', v1: {} } }),
        fakeProcess({ pid: 11, comm: 'gzip', state: 'R', cgroup: { v2: '/jobs/backup', v1: {} } }),
        fakeProcess({ pid: 12, comm: 'free', state: 'S', cgroup: { v2: '/jobs/other', v1: {} } }),
      ],
      cgroups: [v2('/jobs/backup'), fakeCgroup({ path: '/jobs/other', version: 2, controllers: [], freezer: { state: 'THAWED', self: false } })],
    });
    const findings = runAnalyzer(cgroupFrozen, s);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'cgroup-frozen', severity: 'warning', pids: [10, 11], cgroups: ['/jobs/backup'], title: '2 processes frozen in cgroup /jobs/backup' });
    expect(findings[0]?.remediation.map((r) => r.command)).toEqual(['echo 0 > /sys/fs/cgroup/jobs/backup/cgroup.freeze']);
    expect(findings[0]?.summary).toMatch(/look asleep \(state S\/R\) but run no code at all until it is thawed\. A signal they handle waits/);
  });

  it('thaws a paused container through its runtime, a unit through systemctl, and names no write when an ancestor froze it', () => {
    const owner = fakeProcess({ pid: 1 }).owner;
    const paused = fakeProcess({ pid: 20, state: 'S', cgroup: { v2: '/docker/abc', v1: {} }, owner: { ...owner, container: { runtime: 'docker', id: 'abcdef0123456789' } } });
    expect(runAnalyzer(cgroupFrozen, fakeSnapshot({ processes: [paused], cgroups: [v2('/docker/abc')] }))[0]?.remediation.map((r) => r.command)).toEqual(['docker unpause abcdef012345']);
    const service = fakeProcess({ pid: 21, state: 'S', cgroup: { v2: '/system.slice/job.service', v1: {} } });
    const unitHost = fakeSnapshot({ processes: [service], cgroups: [v2('/system.slice/job.service')], units: [fakeUnit({ name: 'job.service', controlGroup: '/system.slice/job.service' })] });
    expect(runAnalyzer(cgroupFrozen, unitHost)[0]?.remediation.map((r) => r.command)).toEqual(['systemctl thaw job.service']);
    const child = fakeProcess({ pid: 22, state: 'S', cgroup: { v2: '/jobs/a/b', v1: {} } });
    const f = runAnalyzer(cgroupFrozen, fakeSnapshot({ processes: [child], cgroups: [v2('/jobs/a/b', false)] }))[0];
    expect(f?.summary).toContain('(frozen by an ancestor cgroup), so ');
    expect(f?.summary).toContain('looks asleep (state S) but runs no code at all until it is thawed. A signal it handles waits for the thaw too; only SIGKILL, or a signal with no handler that ends it, acts now.');
    expect(f?.remediation).toEqual([]);
  });

  it('leaves D-state processes (a v1 freezer\'s, uninterruptible-io reports them), zombies and kernel threads alone', () => {
    const s = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 30, state: 'D', cgroup: { v2: null, v1: { freezer: '/t' } } }),
        fakeProcess({ pid: 31, state: 'Z', cgroup: { v2: '/jobs/x', v1: {} } }),
        fakeProcess({ pid: 32, state: 'S', kernelThread: true, cgroup: { v2: '/jobs/x', v1: {} } }),
      ],
      cgroups: [fakeCgroup({ path: '/t', version: 1, controllers: ['freezer'], freezer: { state: 'FROZEN' } }), v2('/jobs/x')],
    });
    expect(runAnalyzer(cgroupFrozen, s)).toEqual([]);
  });
});
