import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ON_DEMAND_MIN_PROCESSES } from '../../src/cli/commands/check.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { listProcesses, readStat, startProcess, startThreaded, startZombie, stopAll, waitFor, exitedDetail } from '../support/procs.js';

/*
 * exec on a host above ON_DEMAND_MIN_PROCESSES: its two judgements read only what they
 * look up (judgeLive), the effect is still verified, PID reuse still refused, and a
 * SIGCHLD is verified against every child of its target.
 */

const CROWD = 600;
let stateDir: string;

async function exec(...args: string[]): Promise<{ code: number; out: { kind: string; reason?: string; checks?: { what: string; ok: boolean | null }[] }; err: string }> {
  const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
  const code = await main(['exec', '--json', ...args], io);
  return { code, out: JSON.parse(io.out) as never, err: io.err };
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'procdoc-large-'));
  const crowd = await startProcess(`for i in $(seq ${CROWD}); do sleep 600 & done; wait`);
  await waitFor(() => listProcesses().filter((p) => p.pgid === crowd.pgid).length > CROWD, { timeoutMs: 60_000, intervalMs: 200, what: `${CROWD} sleeps` });
  expect(listProcesses().length).toBeGreaterThan(ON_DEMAND_MIN_PROCESSES);
}, 90_000);

afterAll(async () => {
  await stopAll();
  rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe(`exec on a host of more than ${ON_DEMAND_MIN_PROCESSES} processes`, () => {
  test('kill -TERM of a named PID runs and is verified: the process exited', async () => {
    const target = await startProcess('exec sleep 600');
    const r = await exec('--yes', '--', 'kill', '-TERM', String(target.pid));
    expect(r.code, r.err).toBe(0);
    expect(r.out.kind).toBe('ran');
    expect(r.out.checks).toEqual([{ what: `PID ${target.pid} (sleep) exited`, ok: true, detail: expect.stringMatching(exitedDetail(target.pid, 'sleep')) as string }]);
  });

  test('kill -TERM of a thread id is a confirm about its process, and ends that whole process: verified', async () => {
    const target = await startThreaded();
    const r = await exec('--yes', '--', 'kill', '-TERM', String(target.tid));
    expect(r.code, r.err).toBe(0);
    expect(r.out.kind).toBe('ran');
    expect(r.out.checks).toEqual([{ what: `PID ${target.pid} (node) exited`, ok: true, detail: expect.stringMatching(exitedDetail(target.pid, 'node')) as string }]);
  });

  test('an expected PID (--expect) that now has another start time is refused, and nothing runs', async () => {
    const target = await startProcess('exec sleep 600');
    // Another process, which the command does not name: it is read all the same.
    const other = await startProcess('exec sleep 600');
    const start = readStat(other.pid)!.starttime;
    const r = await exec('--yes', '--expect', `${other.pid}:${start + 1}`, '--', 'kill', '-TERM', String(target.pid));
    expect(r.code).toBe(1);
    expect(r.out).toMatchObject({ kind: 'refused', reason: 'pid-reused' });
    expect(readStat(target.pid)?.state).toBe('S');
  });

  test('SIGCHLD to the parent of a zombie is verified against its children', async () => {
    const z = await startZombie();
    const r = await exec('--yes', '--', 'kill', '-s', 'CHLD', String(z.parentPid));
    expect(r.out.kind).toBe('ran');
    // The parent (a sleep) never calls wait(): the zombie is still there after the wait for it.
    expect(r.out.checks).toEqual([expect.objectContaining({ what: `zombies of PID ${z.parentPid} (sleep) reaped`, ok: false })]);
  }, 30_000);
});
