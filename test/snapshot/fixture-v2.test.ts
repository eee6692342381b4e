import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../src/snapshot/query.js';
import { SnapshotSchema } from '../../src/snapshot/schema.js';
import { takeSnapshot } from '../../src/snapshot/take.js';

// A cgroup v2 host with systemd, a docker container and a user manager: this machine is
// hybrid without systemd, so the tree under fixtures/hosts/v2-host stands in for it
// (made by fixtures/hosts/make-v2-host.mjs).
const HOST = join(import.meta.dirname, '../../fixtures/hosts/v2-host');

async function fixture() {
  const s = await takeSnapshot({ procRoot: join(HOST, 'proc'), sysRoot: join(HOST, 'sys'), deep: false, deepPids: [], sampleMs: 0, serviceManager: false });
  return { s, index: indexSnapshot(s) };
}

describe('snapshot of a cgroup v2 host (fixture tree)', () => {
  it('reads the host: v2 mode, CPUs, PSI, hostname, kernel', async () => {
    const { s } = await fixture();
    expect(SnapshotSchema.safeParse(s).success).toBe(true);
    expect(s.host).toMatchObject({ hostname: 'web-01', kernel: '6.8.0-45-generic', cgroupMode: 'v2', cpus: 4, initSystem: 'systemd' });
    expect(s.host.pressure?.memory?.full?.avg10).toBe(12);
    expect(s.errors).toEqual([]);
  });

  it('reads a service cgroup: memory limit, high, OOM kills, CPU quota and throttling, pids, PSI', async () => {
    const { s, index } = await fixture();
    const worker = s.processes.find((p) => p.pid === 501)!;
    const memory = index.cgroupFor(worker, 'memory')!;
    expect(memory.id).toBe('2:/system.slice/nginx.service');
    expect(memory.memory).toMatchObject({ current: 503316480, max: 536870912, high: 483183820, events: { oom: 2, oomKill: 2, max: 57 } });
    expect(index.cgroupFor(worker, 'cpu')?.cpu).toMatchObject({ quotaUs: 50000, periodUs: 100000, nrThrottled: 4800, throttledUs: 360000000 });
    expect(index.cgroupFor(worker, 'pids')?.pids).toEqual({ current: 3, max: 4 });
    expect(memory.pressure?.memory?.some.avg10).toBe(35);
  });

  it('names owners: systemd units, the docker container and its init, a user-manager unit', async () => {
    const { s } = await fixture();
    const by = (pid: number) => s.processes.find((p) => p.pid === pid)!;
    expect(by(500).owner.unit).toMatchObject({ name: 'nginx.service', manager: 'system', slice: 'system.slice' });
    expect(by(902).owner.container).toEqual({ runtime: 'docker', id: 'f3a1c0de'.repeat(8) });
    expect(by(902).owner.supervisor).toMatchObject({ kind: 'tini', pid: 901 });
    expect(by(901).namespaceInit).toBe(true);
    expect(by(1510).owner.unit).toMatchObject({ name: 'syncthing.service', manager: 'user', userUid: 1000 });
    expect(by(1500).owner.unit).toMatchObject({ name: 'user@1000.service', manager: 'system' });
    expect(by(1510).user).toBe('alice');
  });

  it('parses odd comm names, zombies and kernel threads', async () => {
    const { s } = await fixture();
    const by = (pid: number) => s.processes.find((p) => p.pid === pid)!;
    expect(by(1600)).toMatchObject({ comm: 'my (odd) name', tty: 'pts/0' });
    expect(by(502)).toMatchObject({ state: 'Z', argv: [] });
    expect(by(87)).toMatchObject({ kernelThread: true, argv: [], state: 'I' });
  });
});
