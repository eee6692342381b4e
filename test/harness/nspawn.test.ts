import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootSystemd, projectRoot, stopAllContainers, type SystemdContainer } from '../support/nspawn.js';
import { readState, readStat, startProcess, stopAll, waitFor } from '../support/procs.js';

afterAll(async () => {
  await stopAllContainers();
  await stopAll();
});

/** Directories named after the machine left in any cgroup hierarchy root. */
function cgroupsOf(name: string): string[] {
  return ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']
    .filter((root) => existsSync(root))
    .flatMap((root) => readdirSync(root).filter((n) => n.includes(name)));
}

describe('bootSystemd', () => {
  let c: SystemdContainer;
  const marker = join(tmpdir(), `procdoc-host-marker-${process.pid}`);

  beforeAll(async () => {
    writeFileSync(marker, 'host');
    c = await bootSystemd();
  });
  afterAll(() => rmSync(marker, { force: true }));

  it('boots a systemd that reports running or degraded, as PID 1 of its own namespace', async () => {
    expect(readStat(c.leaderPid)).toMatchObject({ comm: 'systemd', ppid: c.nspawnPid });
    const state = await c.run(['systemctl', 'is-system-running']);
    expect(['running', 'degraded']).toContain(state.stdout);
    const inside = await c.run(['cat', '/proc/1/comm']);
    expect(inside.stdout).toBe('systemd');
    // Written to the report: how long a boot takes on this machine.
    console.log(`bootSystemd: ${c.name} running after ${c.bootMs} ms`);
    expect(c.bootMs).toBeGreaterThan(0);
  });

  it('runs commands with their output and exit status', async () => {
    const result = await c.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(result).toEqual({ stdout: 'out', stderr: 'err', exitCode: 3 });
    const piped = await c.run(['cat'], { input: 'fed' });
    expect(piped.stdout).toBe('fed');
  });

  it('sees the project read-only at the same path, so procdoc can run inside', async () => {
    const ls = await c.run(['test', '-f', join(projectRoot, 'package.json')]);
    expect(ls.exitCode).toBe(0);
    const write = await c.run(['touch', join(projectRoot, 'procdoc-should-not-exist')]);
    expect(write.exitCode).not.toBe(0);
    const node = await c.run(['node', '-e', 'console.log(process.version)']);
    expect(node.stdout).toBe(process.version);
  });

  it('keeps the host /tmp out of reach: neither sees the other', async () => {
    const look = await c.run(['ls', '-A', '/tmp']);
    expect(look.stdout).not.toContain('procdoc-host-marker');
    await c.run(['sh', '-c', 'echo inside > /tmp/procdoc-from-container']);
    // tmpfiles cleanup of the container's /tmp must not touch the host's.
    await c.run(['systemd-tmpfiles', '--clean']);
    expect(readFileSync(marker, 'utf8')).toBe('host');
    expect(existsSync(join(tmpdir(), 'procdoc-from-container'))).toBe(false);
  });

  it('runs a Restart=always unit whose MainPID respawns after it is killed', async () => {
    await c.systemdRun('procdoc-respawn', ['sleep', '600'], { Restart: 'always', RestartSec: '100ms' });
    const before = await c.show('procdoc-respawn.service');
    expect(before).toMatchObject({ ActiveState: 'active', NRestarts: '0', Restart: 'always' });
    const firstPid = Number(before['MainPID']);
    expect(firstPid).toBeGreaterThan(1);
    const hostFirst = c.hostPid(firstPid);
    expect(hostFirst).toBeDefined();
    expect(readStat(hostFirst ?? -1)?.comm).toBe('sleep');

    await c.run(['kill', '-9', String(firstPid)]);
    const after = await waitFor(
      async () => {
        const show = await c.show('procdoc-respawn.service');
        return show['NRestarts'] === '1' && show['ActiveState'] === 'active' ? show : undefined;
      },
      { timeoutMs: 10_000, what: 'procdoc-respawn.service to be restarted' },
    );
    expect(Number(after['MainPID'])).not.toBe(firstPid);
    expect(readState(hostFirst ?? -1)).toBeUndefined();
  });

  it('puts a run() command in a unit of the container with scope: true', async () => {
    const plain = await c.run(['cat', '/proc/self/cgroup']);
    expect(plain.stdout).toContain('/..');
    const scoped = await c.run(['cat', '/proc/self/cgroup'], { scope: true });
    expect(scoped.stdout).toMatch(/:\/system\.slice\/run-\w+\.scope$/m);
  });

  it('rejects a bad machine name with a clear message', async () => {
    await expect(bootSystemd({ name: 'no spaces/please' })).rejects.toThrow(/Invalid machine name/);
  });

  it('stop() powers off, and leaves no process, cgroup, log or propagate directory behind', async () => {
    const { nspawnPid, leaderPid, name, logFile } = c;
    const respawned = c.hostPid(Number((await c.show('procdoc-respawn.service'))['MainPID']));
    await c.stop();
    for (const pid of [nspawnPid, leaderPid, respawned ?? -1]) expect(readState(pid)).toBeUndefined();
    expect(cgroupsOf(name)).toEqual([]);
    expect(existsSync(logFile)).toBe(false);
    expect(existsSync(`/run/systemd/nspawn/propagate/${name}`)).toBe(false);
    await c.stop(); // idempotent
  });
});

describe('cleanup when a test does not stop its container', () => {
  it('powers off the container once the owning process is gone', async () => {
    const owner = await startProcess('exec sleep 600');
    const c = await bootSystemd({ ownerPid: owner.pid });
    await owner.stop();
    await waitFor(() => readState(c.leaderPid) === undefined && readState(c.nspawnPid) === undefined, {
      timeoutMs: 30_000,
      what: 'the orphaned container to be powered off by its sentinel',
    });
    await waitFor(() => cgroupsOf(c.name).length === 0, { timeoutMs: 10_000, what: 'its cgroups to be removed' });
    await c.stop();
  });

  it('stop() still kills the container and removes its cgroups after nspawn was SIGKILLed', async () => {
    const c = await bootSystemd();
    process.kill(c.nspawnPid, 'SIGKILL');
    await waitFor(() => readState(c.nspawnPid) === undefined, { what: 'nspawn to be gone' });
    // Without nspawn, the container's systemd lives on until stop() kills it.
    expect(readStat(c.leaderPid)?.comm).toBe('systemd');
    await c.stop();
    expect(readState(c.leaderPid)).toBeUndefined();
    expect(cgroupsOf(c.name)).toEqual([]);
    expect(existsSync(`/run/systemd/nspawn/propagate/${c.name}`)).toBe(false);
  });
});
