import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { bootSystemd, projectRoot, stopAllContainers, type SystemdContainer } from '../support/nspawn.js';

// A real systemd (booted in systemd-nspawn) with a Restart=always unit; procdoc runs
// inside the container, where systemctl answers, as it would on a systemd host.
const CLI = join(projectRoot, 'bin/procdoc.js');
let box: SystemdContainer;

beforeAll(async () => {
  box = await bootSystemd();
  await box.systemdRun('demo.service', ['sleep', '1000'], { Restart: 'always', RestartSec: '100ms' });
}, 120_000);

afterAll(async () => {
  await stopAllContainers();
}, 60_000);

async function snapshotInside(): Promise<Snapshot> {
  const r = await box.run(['node', CLI, 'snapshot', '--json', '--sample', '0'], { scope: true });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Snapshot;
}

describe('snapshot under a real systemd', () => {
  it('names the unit that owns a service process, with Restart= and MainPID from systemctl', async () => {
    const show = await box.show('demo.service');
    const mainPid = Number(show.MainPID);
    expect(mainPid).toBeGreaterThan(1);
    const s = await snapshotInside();
    expect(s.host.initSystem).toBe('systemd');
    const main = s.processes.find((p) => p.pid === mainPid);
    expect(main?.comm).toBe('sleep');
    expect(main?.owner.unit).toMatchObject({ name: 'demo.service', manager: 'system', slice: 'system.slice' });
    expect(main?.owner.supervisor).toMatchObject({ kind: 'systemd', pid: 1 });
    const unit = s.units.find((u) => u.name === 'demo.service');
    expect(unit).toMatchObject({ restart: 'always', mainPid, activeState: 'active', subState: 'running', killMode: 'control-group' });
  });

  it('sees the respawn after the main process is killed: new MainPID, NRestarts up', async () => {
    const before = await box.show('demo.service');
    await box.run(['kill', '-9', before.MainPID!]);
    const deadline = Date.now() + 15_000;
    let after = before;
    while (Date.now() < deadline) {
      after = await box.show('demo.service');
      if (after.MainPID !== before.MainPID && after.MainPID !== '0' && after.ActiveState === 'active') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const s = await snapshotInside();
    const unit = s.units.find((u) => u.name === 'demo.service');
    expect(unit?.mainPid).toBe(Number(after.MainPID));
    expect(unit?.mainPid).not.toBe(Number(before.MainPID));
    expect(unit?.nRestarts).toBeGreaterThan(Number(before.NRestarts ?? 0));
  });
});
