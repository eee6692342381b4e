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
