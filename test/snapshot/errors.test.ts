import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { takeSnapshot } from '../../src/snapshot/take.js';

const root = mkdtempSync(join(tmpdir(), 'procdoc-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('what a snapshot could not read', () => {
  it('lists an unreadable /proc/locks (read off the main thread) among its errors', async () => {
    // A tree with no processes whose locks "file" is a directory: reading it fails with EISDIR.
    mkdirSync(join(root, 'proc/locks'), { recursive: true });
    mkdirSync(join(root, 'sys/fs/cgroup'), { recursive: true });
    const s = await takeSnapshot({ procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), deep: false, deepPids: [], sampleMs: 0, serviceManager: false });
    expect(s.locks).toEqual([]);
    expect(s.errors).toContainEqual({ path: join(root, 'proc/locks'), code: 'EISDIR', message: 'read failed (EISDIR)' });
  });
});
