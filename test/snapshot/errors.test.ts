import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { takeSnapshot } from '../../src/snapshot/take.js';

const root = mkdtempSync(join(tmpdir(), 'procdoc-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('what a snapshot could not read', () => {
  it('lists an unreadable /proc/locks (read off the main thread) among its errors', async () => {
    // A tree whose one process has vanished and whose locks "file" is a directory: reading it fails with EISDIR.
    mkdirSync(join(root, 'proc/locks'), { recursive: true });
    mkdirSync(join(root, 'proc/4242'), { recursive: true });
    mkdirSync(join(root, 'sys/fs/cgroup'), { recursive: true });
    const s = await takeSnapshot({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), deep: false, deepPids: [], sampleMs: 0, serviceManager: false });
    expect(s.locks).toEqual([]);
    expect(s.errors).toContainEqual({ path: join(root, 'proc/locks'), code: 'EISDIR', message: 'read failed (EISDIR)' });
  });

  it('refuses a --proc-root that lists no processes, rather than report a healthy host of none', async () => {
    const notProc = join(root, 'not-proc');
    mkdirSync(join(notProc, 'etc'), { recursive: true });
    await expect(takeSnapshot({ procRoot: notProc, sysRoot: join(root, 'sys'), deep: false, deepPids: [], sampleMs: 0, serviceManager: false })).rejects.toMatchObject({
      code: 'proc-unreadable',
      message: `${notProc} lists no processes: it is not a /proc tree.`,
    });
    // diagnose: unknown (3), as monitoring expects of "could not diagnose"; snapshot and pipeline: error (1).
    for (const [command, status] of [[['diagnose'], 3], [['snapshot', '--json'], 1], [['pipeline'], 1]] as const) {
      const io = memoryIo();
      expect(await main(['--proc-root', notProc, '--sys-root', join(root, 'sys'), ...command], io), `${command[0]}: ${io.out}${io.err}`).toBe(status);
      expect(io.err).toContain('it is not a /proc tree');
      expect(io.out).toBe('');
    }
  });

  it('-o - writes the JSON to standard output; a path that cannot be written is refused, saying why', async () => {
    const fixture = ['--proc-root', 'fixtures/hosts/v2-host/proc', '--sys-root', 'fixtures/hosts/v2-host/sys'];
    const dash = memoryIo();
    expect(await main([...fixture, 'snapshot', '-o', '-'], dash), dash.err).toBe(0);
    expect((JSON.parse(dash.out) as { kind: string }).kind).toBe('procdoc-snapshot');
    expect(existsSync('-')).toBe(false);
    const cases: [string, string][] = [
      [join(root, 'no-such-dir', 'x.json'), 'its directory does not exist'],
      [root, 'it is a directory'],
    ];
    for (const [path, why] of cases) {
      const io = memoryIo();
      expect(await main([...fixture, 'snapshot', '-o', path], io)).toBe(2);
      expect(io.err).toContain(`Cannot write ${path}: ${why}.`);
      expect(io.out).toBe('');
    }
  });
});
