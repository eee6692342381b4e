import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
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
  }, 180_000);
});
