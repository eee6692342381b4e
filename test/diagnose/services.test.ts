import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DiagnoseJsonSchema } from '../../src/analyzers/contract.js';
import { startCron } from '../support/cron.js';
import { bootSystemd, projectRoot, stopAllContainers } from '../support/nspawn.js';
import { stopAll, waitFor } from '../support/procs.js';
import { startTtyReaderJob } from '../support/pty.js';
import { findingFor, liveDiagnosis } from './live.js';

afterEach(async () => {
  await stopAll();
});
afterAll(async () => {
  await stopAllContainers();
});

describe('diagnose with a terminal and a service manager', () => {
  it('treats a background job stopped by SIGTTIN at an interactive shell as job control, not a fault', async () => {
    const job = await startTtyReaderJob();
    const { findings } = await liveDiagnosis();
    const f = findingFor(findings, 'stopped-process', job.readerPid);
    expect(f.severity).toBe('info');
    expect(f.summary).toMatch(/`fg`/);
    // The interactive shell ignores SIGTERM by design: not a finding.
    expect(findings.some((x) => x.code === 'sigterm-ignored' && x.pids.includes(job.shellPid))).toBe(false);
  });

  it('inside a real systemd, says a unit that keeps restarting is not fixed by kill', { timeout: 120_000 }, async () => {
    const cli = join(projectRoot, 'bin/procdoc.js');
    expect(existsSync(join(projectRoot, 'dist/cli/main.js')), 'run `npm run build` first: the container runs the built CLI').toBe(true);
    const box = await bootSystemd();
    await box.systemdRun('flaky.service', ['/bin/sh', '-c', 'sleep 2; exit 1'], { Restart: 'always', RestartSec: '500ms' });
    await waitFor(async () => Number((await box.show('flaky.service')).NRestarts ?? 0) >= 1, { timeoutMs: 30_000, intervalMs: 500, what: 'flaky.service to be restarted' });
    const r = await box.run(['node', cli, 'diagnose', '--json', '--sample', '0'], { timeoutMs: 60_000 });
    expect([1, 2]).toContain(r.exitCode);
    const report = DiagnoseJsonSchema.parse(JSON.parse(r.stdout));
    const f = report.findings.find((x) => x.code === 'respawning-service' && x.units.includes('flaky.service'));
    expect(f, `findings: ${report.findings.map((x) => x.code).join(', ')}; stderr: ${r.stderr}`).toBeDefined();
    expect(f?.evidence).toContainEqual(expect.objectContaining({ source: 'systemctl show flaky.service', field: 'Restart', value: 'always' }));
    expect(f?.remediation.map((x) => x.command)).toContain('systemctl stop flaky.service');
  });

  it('suggests limits for a long-running job of the real cron daemon', { timeout: 200_000 }, async () => {
    const cron = await startCron('sleep 600');
    const jobPid = await cron.waitForJob(150_000);
    // "Long-running" defaults to an hour; the job here has run for seconds.
    const { findings } = await liveDiagnosis({ thresholds: { cronJobMaxAgeSeconds: 0 } });
    const f = findingFor(findings, 'unbounded-cron-job', jobPid);
    expect(f).toMatchObject({ severity: 'warning', culpritPid: jobPid });
    expect(f.summary).toMatch(/started by cron/);
    expect(f.remediation[0]?.command).toMatch(/^systemd-run --scope -p MemoryMax=\d+[MG] -p CPUQuota=50% -- sh -c 'sleep 600'$/);
    // With the default threshold, a job this young is not a finding.
    const young = await liveDiagnosis();
    expect(young.findings.some((x) => x.code === 'unbounded-cron-job')).toBe(false);
    await cron.stop();
  });
});
