import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
});
