import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInPty, startTtyReaderJob } from '../support/pty.js';
import { listProcesses, readState, readStat, readWchan, stopAll, waitFor } from '../support/procs.js';

afterAll(stopAll);

describe('runInPty', () => {
  it('runs the script with a pseudo-terminal as its controlling tty', async () => {
    const s = await runInPty('exec sleep 600');
    const sleep = await waitFor(() => listProcesses().find((p) => p.ppid === s.pid && p.comm === 'sleep'), {
      what: 'sleep under script',
    });
    // tty_nr is non-zero only with a controlling terminal; the pty session is its own.
    expect(sleep.ttyNr).not.toBe(0);
    expect(sleep.sid).not.toBe(s.pid);
    await s.stop();
    expect(readState(sleep.pid)).toBeUndefined();
  });

  it('runs the script with bash even when $SHELL names another shell, so a Ctrl-C its child catches does not end it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'procdoc-pty-'));
    const saved = process.env['SHELL'];
    // CI may run with SHELL unset or /bin/sh: script(1) would then use dash, which kills
    // itself after its child caught SIGINT, and the line after the child never runs.
    process.env['SHELL'] = '/bin/sh';
    try {
      const child = `process.on('SIGINT', () => (process.exitCode = 130)); process.stderr.write('ready'); setTimeout(() => undefined, 30000).unref(); process.stdin.resume(); process.on('SIGINT', () => process.stdin.pause());`;
      const s = await runInPty(`node -e ${JSON.stringify(child)} 2>${dir}/err; echo "$? $BASH_VERSION" >${dir}/rc`);
      await waitFor(() => existsSync(`${dir}/err`) && readFileSync(`${dir}/err`, 'utf8') === 'ready', { what: 'the child to be ready' });
      s.child.stdin?.write('\u0003');
      const rc = await waitFor(() => (existsSync(`${dir}/rc`) ? readFileSync(`${dir}/rc`, 'utf8').trim() || undefined : undefined), { what: 'the line after the child' });
      expect(rc).toMatch(/^130 5\./);
      await s.stop();
    } finally {
      if (saved === undefined) delete process.env['SHELL'];
      else process.env['SHELL'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('startTtyReaderJob', () => {
  it('leaves a background reader stopped by SIGTTIN (state T in do_signal_stop) behind a foreground job', async () => {
    const job = await startTtyReaderJob();
    const reader = readStat(job.readerPid);
    const foreground = readStat(job.foregroundPid);
    expect(reader?.state).toBe('T');
    expect(readWchan(job.readerPid)).toBe('do_signal_stop');
    // The reader is a background group of the shell's session; the foreground group owns the tty.
    expect(reader?.sid).toBe(job.shellPid);
    expect(reader?.pgid).toBe(job.readerPid);
    expect(reader?.tpgid).toBe(foreground?.pgid);
    expect(foreground?.pgid).not.toBe(reader?.pgid);
    await job.stop();
    for (const pid of [job.pid, job.shellPid, job.readerPid, job.foregroundPid]) expect(readState(pid)).toBeUndefined();
  });
});
