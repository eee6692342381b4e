import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import { startProcess, stopAll, waitFor } from '../support/procs.js';
import { listProcesses } from '../support/proc-fs.js';

const COUNT = 10_000;

afterAll(async () => {
  await stopAll();
}, 120_000);

describe('snapshot at scale', () => {
  it(`reads a host with ${COUNT} extra processes, every one of them`, async () => {
    // One group of sleeps, started by one shell so the whole lot is killed by group.
    const group = await startProcess(`for i in $(seq ${COUNT}); do sleep 900 & done; exec sleep 900`);
    // Ten thousand are killed fastest as one group; dying (and being reaped by PID 1)
    // takes them a while, so wait for that before the registry checks each one.
    onTestFinished(async () => {
      process.kill(-group.pgid, 'SIGKILL');
      await waitFor(() => !listProcesses().some((p) => p.pgid === group.pgid && p.pid !== group.pid && p.state !== 'Z'), {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: `the ${COUNT} sleeps to die`,
      });
    });
    await waitFor(() => listProcesses().filter((p) => p.pgid === group.pgid).length > COUNT, {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: `${COUNT} sleeps to start`,
    });
    const s = await takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], sampleMs: 200, serviceManager: false });
    const ours = s.processes.filter((p) => p.pgid === group.pgid);
    expect(ours.length).toBeGreaterThan(COUNT);
    expect(ours.every((p) => p.comm === 'sleep' && p.cpu !== null)).toBe(true);
    // The deep tier stays selective: the group is idle sleeps, not a stuck pipeline.
    expect(s.processes.filter((p) => p.deep !== null).length).toBeLessThan(100);

    // procdoc check on this host: a named PID is judged on the processes it looks up
    // (judgeLive in rounds), a process group against every process; both name the right targets.
    const one = ours.find((p) => p.pid !== group.pid)!;
    const check = async (...command: string[]) => {
      const io = memoryIo();
      const code = await main(['check', '--json', '--', ...command], io);
      return { code, verdict: JSON.parse(io.out) as { targets: Array<{ pid: number; startTime: number; comm: string }>; rules: Array<{ id: string }> } };
    };
    const named = await check('kill', '-9', String(one.pid));
    expect(named.code).toBe(10);
    expect(named.verdict.targets).toEqual([{ pid: one.pid, startTime: one.startTime, comm: 'sleep', unit: null }]);
    expect(named.verdict.rules.map((r) => r.id)).toEqual(['sigkill-before-sigterm']);
    const wholeGroup = await check('kill', '--', `-${group.pgid}`);
    expect(wholeGroup.verdict.targets.length).toBeGreaterThan(COUNT);
  }, 180_000);
});
