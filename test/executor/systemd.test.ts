import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bootSystemd, stopAllContainers, type SystemdContainer } from '../support/nspawn.js';
import { waitFor } from '../support/procs.js';

// A real systemd in a throw-away container (test/support/nspawn.ts); procdoc runs inside it
// from the read-only bind of this tree (dist/ must be built: npm test builds first).

const PROCDOC = ['node', `${process.cwd()}/bin/procdoc.js`];
const ENV = { XDG_STATE_HOME: '/tmp/procdoc-state', NO_COLOR: '1' };
let c: SystemdContainer;

async function mainPid(): Promise<number> {
  return Number((await c.show('demo.service')).MainPID);
}

beforeAll(async () => {
  c = await bootSystemd();
  await c.systemdRun('demo.service', ['/bin/sleep', 'infinity'], { Restart: 'always', RestartSec: '200ms' });
  await waitFor(async () => (await mainPid()) > 0, { timeoutMs: 15_000, what: 'demo.service to have a main PID' });
}, 120_000);
afterAll(stopAllContainers, 60_000);

describe('a Restart=always unit under a real systemd', () => {
  test('kill -9 <MainPID> is denied, with systemctl restart as the alternative', async () => {
    const pid = await mainPid();
    const r = await c.run([...PROCDOC, 'check', '--json', '--', 'kill', '-9', String(pid)], { env: ENV, scope: true, timeoutMs: 60_000 });
    expect(r.exitCode, r.stderr).toBe(20);
    const verdict = JSON.parse(r.stdout) as { decision: string; rules: { id: string; message: string }[]; alternatives: string[]; targets: { pid: number; unit: string | null }[] };
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules[0]?.id).toBe('sigkill-on-managed-unit');
    expect(verdict.rules[0]?.message).toMatch(/Restart=always would start it again anyway/);
    expect(verdict.alternatives).toContain('systemctl restart demo.service');
    expect(verdict.targets).toMatchObject([{ pid, unit: 'demo.service' }]);
  });

  test('on a container of 600 processes, where check reads only what it looks up, the verdict is the same', async () => {
    // 600 sleeps in a unit of their own: above ON_DEMAND_MIN_PROCESSES, so check judges
    // kill -9 <MainPID> on the processes it looks up (judgeLive), with the unit asked of systemd.
    await c.systemdRun('crowd.service', ['/bin/sh', '-c', 'for i in $(seq 600); do sleep infinity & done; wait'], {});
    try {
      const count = async () => Number((await c.run(['sh', '-c', 'ls /proc | grep -c "^[0-9]"'])).stdout.trim());
      await waitFor(async () => (await count()) > 600, { timeoutMs: 30_000, what: '600 sleeps in crowd.service' });
      const pid = await mainPid();
      const r = await c.run([...PROCDOC, 'check', '--json', '--', 'kill', '-9', String(pid)], { env: ENV, scope: true, timeoutMs: 60_000 });
      expect(r.exitCode, r.stderr).toBe(20);
      const verdict = JSON.parse(r.stdout) as { rules: { id: string; message: string }[]; alternatives: string[]; targets: { pid: number; unit: string | null }[] };
      expect(verdict.rules.map((x) => x.id)).toEqual(['sigkill-on-managed-unit']);
      expect(verdict.rules[0]?.message).toMatch(/Restart=always would start it again anyway/);
      expect(verdict.alternatives).toContain('systemctl restart demo.service');
      expect(verdict.targets).toMatchObject([{ pid, unit: 'demo.service' }]);
      // A command on a unit goes through every process (the unit's members): read whole.
      const stop = await c.run([...PROCDOC, 'check', '--json', '--', 'systemctl', 'stop', 'crowd.service'], { env: ENV, scope: true, timeoutMs: 60_000 });
      expect(stop.exitCode, stop.stderr).toBe(10);
      const targets = (JSON.parse(stop.stdout) as { targets: { comm: string; unit: string | null }[] }).targets;
      // The first twenty of the unit's processes are listed.
      expect(targets).toHaveLength(20);
      expect(targets.every((t) => t.unit === 'crowd.service' && (t.comm === 'sleep' || t.comm === 'sh'))).toBe(true);
    } finally {
      await c.run(['systemctl', 'stop', 'crowd.service']);
    }
  }, 120_000);

  test('exec --yes of the alternative runs it and verifies a new MainPID', async () => {
    const before = await mainPid();
    const r = await c.run([...PROCDOC, 'exec', '--yes', '--', 'systemctl', 'restart', 'demo.service'], { env: ENV, scope: true, timeoutMs: 90_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`✓ demo.service restarted: demo.service is active with a new main PID \\d+ \\(was ${before}\\)`));
    expect(await mainPid()).not.toBe(before);
    const audit = await c.run(['cat', '/tmp/procdoc-state/procdoc/audit.jsonl']);
    const events = audit.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events).toEqual(['decision', 'result', 'verified']);
  });

  test('exec --yes of kill -TERM <MainPID>: the process exits and systemd respawns it (NRestarts goes up)', async () => {
    const before = await c.show('demo.service');
    const r = await c.run([...PROCDOC, 'exec', '--yes', '--', 'kill', '-TERM', before.MainPID!], { env: ENV, scope: true, timeoutMs: 90_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ PID \d+ \(sleep\) exited/);
    expect(r.stderr).toMatch(new RegExp(`✓ demo.service restarted: .*NRestarts ${before.NRestarts} → ${Number(before.NRestarts) + 1}`));
    const after = await c.show('demo.service');
    expect(Number(after.NRestarts)).toBeGreaterThan(Number(before.NRestarts));
    expect(after.MainPID).not.toBe(before.MainPID);
  });
});

describe('systemctl set-property under a real systemd', () => {
  test('check reads the unit and its assignments apart; exec runs it, systemd records the limits, and the check finds the kernel not enforcing them here', async () => {
    await c.systemdRun('limited.service', ['/bin/sleep', 'infinity'], {});
    try {
      await waitFor(async () => Number((await c.show('limited.service')).MainPID) > 0, { timeoutMs: 15_000, what: 'limited.service to have a main PID' });
      const command = ['systemctl', 'set-property', '--runtime', 'limited.service', 'MemoryMax=100M', 'TasksMax=50'];
      const checked = await c.run([...PROCDOC, 'check', '--json', '--', ...command], { env: ENV, scope: true, timeoutMs: 60_000 });
      expect(checked.exitCode, checked.stderr).toBe(10);
      const rules = (JSON.parse(checked.stdout) as { rules: { message: string }[] }).rules;
      expect(rules).toHaveLength(1);
      expect(rules[0]?.message).toMatch(/^systemctl set-property limited\.service \(now active\/running, main PID \d+\): the service manager sets MemoryMax=100M TasksMax=50 on the unit and its cgroup at once, until the next reboot \(--runtime\)\.$/);

      const r = await c.run([...PROCDOC, 'exec', '--yes', '--json', '--', ...command], { env: ENV, scope: true, timeoutMs: 90_000 });
      const show = await c.show('limited.service');
      expect([show.MemoryMax, show.TasksMax]).toEqual(['104857600', '50']);
      // nspawn mounts this host's v1 controller hierarchies read-only in the container, and the
      // unit's processes stay in their root cgroups: systemd records the limits, nothing enforces them.
      const outcome = JSON.parse(r.stdout) as { result: { exitCode: number }; checks: { what: string; ok: boolean | null; detail: string }[] };
      expect(outcome.result.exitCode).toBe(0);
      expect(outcome.checks.map(({ what, ok }) => ({ what, ok }))).toEqual([
        { what: 'limited.service memory.max set to 100 MiB', ok: false },
        { what: 'limited.service pids.max set to 50 tasks', ok: false },
      ]);
      expect(outcome.checks[0]?.detail).toMatch(/^systemd records MemoryMax=100 MiB, but the unit's processes are in 1:memory:\/, not a memory cgroup of its own: this systemd does not run the memory controller for it/);
      expect(outcome.checks[1]?.detail).toMatch(/^systemd records TasksMax=50 tasks, but the unit's processes are in 1:pids:\/, not a pids cgroup of its own/);
      expect(r.exitCode).toBe(1);
    } finally {
      await c.run(['systemctl', 'stop', 'limited.service']);
    }
  }, 120_000);
});

describe('units with no processes under a real systemd', () => {
  /** Installs a unit file in the container (its root is a throw-away tmpfs) without starting it. */
  async function installUnit(name: string, execStart: string): Promise<void> {
    const unit = `[Service]\nExecStart=${execStart}\n`;
    const w = await c.run(['sh', '-c', `cat > /etc/systemd/system/${name}`], { input: unit });
    expect(w.exitCode, w.stderr).toBe(0);
    const reload = await c.run(['systemctl', 'daemon-reload']);
    expect(reload.exitCode, reload.stderr).toBe(0);
    expect((await c.show(name)).ActiveState).toBe('inactive');
  }

  test('check of systemctl start names the state of a stopped unit, and denies a unit systemd does not know', async () => {
    await installUnit('procdoc-idle.service', '/bin/sleep infinity');
    type Verdict = { decision: string; rules: { id: string; message: string }[] };
    const stopped = await c.run([...PROCDOC, 'check', '--json', '--', 'systemctl', 'start', 'procdoc-idle.service'], { env: ENV, scope: true, timeoutMs: 60_000 });
    expect(stopped.exitCode, stopped.stderr).toBe(10);
    const v = JSON.parse(stopped.stdout) as Verdict;
    expect(v.rules.find((r) => r.id === 'state-change')?.message).toMatch(/procdoc-idle\.service \(now inactive\/dead\): the service manager starts the unit/);
    const unknown = await c.run([...PROCDOC, 'check', '--json', '--', 'systemctl', 'start', 'procdoc-nonesuch.service'], { env: ENV, scope: true, timeoutMs: 60_000 });
    // A unit systemd does not know is denied as not found, as a missing PID is (systemctl start would fail).
    expect(unknown.exitCode, unknown.stderr).toBe(20);
    const u = JSON.parse(unknown.stdout) as Verdict;
    expect(u.rules.find((r) => r.id === 'target-not-found')?.message).toMatch(/^systemd knows no unit procdoc-nonesuch\.service: `systemctl start procdoc-nonesuch\.service` fails and nothing starts\./);
  });

  test('exec --yes systemctl start of a stopped unit verifies that it is active', async () => {
    await installUnit('procdoc-stopped.service', '/bin/sleep infinity');
    const r = await c.run([...PROCDOC, 'exec', '--yes', '--', 'systemctl', 'start', 'procdoc-stopped.service'], { env: ENV, scope: true, timeoutMs: 90_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const now = await c.show('procdoc-stopped.service');
    expect(now.ActiveState).toBe('active');
    expect(r.stderr).toMatch(new RegExp(`✓ procdoc-stopped.service active: now active/running, main PID ${now.MainPID}`));
  });

  test('exec --yes systemctl start of a unit that fails to start reports the failure', async () => {
    await installUnit('procdoc-broken.service', '/bin/false');
    const r = await c.run([...PROCDOC, 'exec', '--yes', '--', 'systemctl', 'start', 'procdoc-broken.service'], { env: ENV, scope: true, timeoutMs: 90_000 });
    expect((await c.show('procdoc-broken.service')).ActiveState).toBe('failed');
    // The command itself succeeded (systemctl queued the start); the effect did not happen.
    expect(r.stderr).toMatch(/✗ procdoc-broken.service active: now failed\//);
    expect(r.exitCode).not.toBe(0);
  });
});
