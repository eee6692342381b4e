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
