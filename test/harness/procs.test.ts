import { afterAll, describe, expect, it } from 'vitest';
import {
  createProcessRegistry,
  listProcesses,
  readNsPids,
  readStat,
  readState,
  readStatus,
  startPidNamespace,
  startProcess,
  startStopped,
  startTermIgnorer,
  startZombie,
  stopAll,
  waitFor,
  WaitTimeoutError,
} from '../support/procs.js';

afterAll(stopAll);

/** Live (non-zombie) processes in a process group or session. */
function liveIn(id: number): number[] {
  return listProcesses()
    .filter((p) => (p.pgid === id || p.sid === id) && p.state !== 'Z')
    .map((p) => p.pid);
}

describe('startProcess', () => {
  it('runs the script as leader of a new session and process group', async () => {
    const s = await startProcess('exec sleep 600');
    const stat = await waitFor(() => (readStat(s.pid)?.comm === 'sleep' ? readStat(s.pid) : undefined), {
      what: 'sleep to run',
    });
    expect(s.pgid).toBe(s.pid);
    expect(stat.pgid).toBe(s.pid);
    expect(stat.sid).toBe(s.pid);
    await s.stop();
  });

  it('resolves a script that is one exec once bash has become the program, not before', async () => {
    // Many starts in a row: bash's exec takes a moment, and a start that resolved before it would show comm bash.
    for (let i = 0; i < 10; i++) {
      const s = await startProcess(i % 2 === 0 ? 'exec sleep 600' : 'exec -a "renamed sleep" sleep 600');
      expect(readStat(s.pid)?.comm).toBe('sleep');
      await s.stop();
    }
  });

  it('stop() kills the whole group, including children that outlive the shell', async () => {
    const s = await startProcess('sleep 600 & sleep 600 & wait');
    await waitFor(() => liveIn(s.pgid).length === 3, { what: 'bash and two sleeps' });
    await s.stop();
    expect(liveIn(s.pgid)).toEqual([]);
    expect(readState(s.pid)).toBeUndefined();
  });

  it('stop() also kills a descendant that moved to its own session', async () => {
    const s = await startProcess('setsid sleep 600 & wait');
    const escaped = await waitFor(
      () => listProcesses().find((p) => p.ppid === s.pid && p.comm === 'sleep' && p.sid !== s.pid)?.pid,
      { what: 'a setsid sleep' },
    );
    await s.stop();
    expect(readState(escaped)).toBeUndefined();
  });

  it('stop() is idempotent and stopAll() of a separate registry kills only its own processes', async () => {
    const mine = createProcessRegistry();
    const a = await mine.startProcess('exec sleep 600');
    const other = await startProcess('exec sleep 600');
    await mine.stopAll();
    await a.stop();
    expect(readState(a.pid)).toBeUndefined();
    expect(readState(other.pid)).toBe('S');
    await other.stop();
  });

  it('passes environment and stdio through', async () => {
    const s = await startProcess('echo "$PROCDOC_HARNESS"', { env: { PROCDOC_HARNESS: 'hello' }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    s.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => out.includes('hello'), { what: 'the echoed variable' });
    expect(out.trim()).toBe('hello');
    await s.stop();
  });
});

describe('startZombie', () => {
  it('leaves an unreaped child in state Z under a live parent', async () => {
    const z = await startZombie();
    expect(readState(z.zombiePid)).toBe('Z');
    expect(readStat(z.zombiePid)?.ppid).toBe(z.parentPid);
    expect(readState(z.parentPid)).toBe('S');
    await z.stop();
    // Once the parent dies, init reaps the orphaned zombie.
    await waitFor(() => readState(z.zombiePid) === undefined, { what: 'the zombie to be reaped' });
    expect(readState(z.parentPid)).toBeUndefined();
  });
});

describe('startStopped', () => {
  it('gives a process in state T that stop() still kills', async () => {
    const s = await startStopped();
    expect(readStat(s.pid)).toMatchObject({ comm: 'sleep', state: 'T' });
    await s.stop();
    expect(readState(s.pid)).toBeUndefined();
  });
});

describe('startTermIgnorer', () => {
  it('gives a process that really survives SIGTERM', async () => {
    const s = await startTermIgnorer();
    const sigIgn = BigInt(`0x${readStatus(s.pid)?.['SigIgn'] ?? '0'}`);
    expect(sigIgn & (1n << 14n)).toBe(1n << 14n);
    process.kill(s.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(readState(s.pid)).toBe('S');
    await s.stop();
    expect(readState(s.pid)).toBeUndefined();
  });
});

describe('startPidNamespace', () => {
  it('finds the host PID of the namespace init, whose NSpid ends in 1', async () => {
    const ns = await startPidNamespace();
    const nspids = readNsPids(ns.initPid);
    expect(nspids?.[0]).toBe(ns.initPid);
    expect(nspids?.at(-1)).toBe(1);
    expect(readStat(ns.initPid)).toMatchObject({ comm: 'bash', ppid: ns.unsharePid });
    expect(readStat(ns.unsharePid)?.comm).toBe('unshare');
    await ns.stop();
    expect(readState(ns.initPid)).toBeUndefined();
    expect(readState(ns.unsharePid)).toBeUndefined();
  });

  it('gives an init that SIGTERM from the host does not kill (no handler installed)', async () => {
    const ns = await startPidNamespace();
    process.kill(ns.initPid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(readState(ns.initPid)).toBe('S');
    await ns.stop();
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 1 })).resolves.toBe(3);
  });

  it('times out with a message naming what it waited for and the last error', async () => {
    const failing = waitFor(
      () => {
        throw new Error('not yet');
      },
      { timeoutMs: 30, intervalMs: 5, what: 'the moon' },
    );
    await expect(failing).rejects.toThrow(WaitTimeoutError);
    await expect(failing).rejects.toThrow(/30 ms waiting for the moon \(last error: not yet\)/);
  });
});
