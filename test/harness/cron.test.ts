import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCron } from '../support/cron.js';
import { listProcesses, readStat, readState, stopAll } from '../support/procs.js';

const out = mkdtempSync(join(tmpdir(), 'procdoc-crontest-'));
afterAll(async () => {
  await stopAll();
  rmSync(out, { recursive: true, force: true });
});

describe('startCron', () => {
  it('runs the job under the real cron daemon within a minute or two, and stop() leaves nothing', async () => {
    const marker = join(out, 'ran');
    const cron = await startCron(`echo ran >> ${marker}; exec sleep 600`);
    expect(readStat(cron.cronPid)?.comm).toBe('cron');
    // Another cron on the host is left alone, and ours is not one of them.
    expect(cron.otherCronPids).not.toContain(cron.cronPid);
    // Only our job file is in the daemon's /etc/cron.d; the host's is untouched.
    const inside = readdirSync(`/proc/${cron.cronPid}/root/etc/cron.d`);
    expect(inside).toEqual([cron.jobFile]);
    expect(readdirSync('/etc/cron.d')).not.toContain(cron.jobFile);

    const shellPid = await cron.waitForJob();
    expect(readFileSync(marker, 'utf8')).toBe('ran\n');
    const job = readStat(shellPid);
    expect(job?.comm).toBe('sleep');
    // The job's parent is the fork of the daemon that cron makes for each job.
    const fork = readStat(job?.ppid ?? -1);
    expect(fork).toMatchObject({ comm: 'cron', ppid: cron.cronPid });

    const tree = [cron.cronPid, fork?.pid ?? -1, shellPid];
    await cron.stop();
    for (const pid of tree) expect(readState(pid)).toBeUndefined();
    expect(listProcesses().filter((p) => p.comm === 'cron' && p.pid === cron.cronPid)).toEqual([]);
    const jobDirs = readdirSync(tmpdir()).filter((n) => existsSync(join(tmpdir(), n, 'cron.d', cron.jobFile)));
    expect(jobDirs).toEqual([]);
  }, 150_000);

  it('rejects a multi-line job with a clear message', async () => {
    await expect(startCron('echo a\necho b')).rejects.toThrow(/single line/);
  });

  it('removes job directories left by a run that died before stop()', async () => {
    const stale = mkdtempSync(join(tmpdir(), 'procdoc-cron-'));
    mkdirSync(join(stale, 'cron.d'));
    // pid_max is at most 2^22: this owner cannot exist.
    writeFileSync(join(stale, 'owner'), '99999999 1\n');
    const cron = await startCron('sleep 600');
    expect(existsSync(stale)).toBe(false);
    await cron.stop();
  });
});
