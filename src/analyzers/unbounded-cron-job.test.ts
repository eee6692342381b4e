import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { runAnalyzer } from './testing.js';
import { unboundedCronJob } from './unbounded-cron-job.js';

describe('unbounded-cron-job', () => {
  const cron = fakeProcess({ pid: 150, comm: 'cron', argv: ['/usr/sbin/cron'] });
  const fork = fakeProcess({ pid: 151, ppid: 150, comm: 'cron', argv: ['/usr/sbin/CRON'] });
  const job = (startedAt: string) => fakeProcess({ pid: 152, ppid: 151, pgid: 152, comm: 'sh', argv: ['/bin/sh', '-c', 'backup.sh --all'], startedAt });
  const worker = fakeProcess({ pid: 153, ppid: 152, pgid: 152, comm: 'backup.sh', rss: 200 * 2 ** 20 });

  it('suggests a scope with limits for a long-running job with no cgroup limits', () => {
    const [f] = runAnalyzer(unboundedCronJob, fakeSnapshot({ processes: [cron, fork, job('2025-12-31T20:00:00.000Z'), worker] }));
    expect(f).toMatchObject({ code: 'unbounded-cron-job', severity: 'warning', culpritPid: 152, pids: [152, 153] });
    expect(f?.remediation[0]?.command).toBe("systemd-run --scope -p MemoryMax=512M -p CPUQuota=50% -- sh -c 'backup.sh --all'");
  });

  it('leaves short jobs and the cron daemon alone', () => {
    expect(runAnalyzer(unboundedCronJob, fakeSnapshot({ processes: [cron, fork, job('2026-01-01T00:59:00.000Z'), worker] }))).toEqual([]);
  });
});
