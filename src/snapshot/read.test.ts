import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsReader } from './read.js';

/** A reader that failed to read `n` missing files of one kind, numbered from `from`. */
function failing(n: number, from: number): FsReader {
  const reader = new FsReader();
  for (let i = from; i < from + n; i++) expect(reader.text(`/nonexistent-procdoc/${i}/stat`)).toBeNull();
  return reader;
}

describe('FsReader errors', () => {
  it('lists the first 40 failures and counts the rest by kind', () => {
    const errors = failing(50, 0).errors();
    expect(errors).toHaveLength(41);
    expect(errors[40]).toMatchObject({ path: '/nonexistent-procdoc/*/stat ENOENT', code: 'ENOENT', message: '10 more like /nonexistent-procdoc/40/stat not listed' });
  });

  it("merges another reader's failures (a worker thread's) into its list and counts", () => {
    const main = failing(30, 0);
    main.merge(failing(50, 100).recorded());
    const errors = main.errors();
    expect(errors.filter((e) => e.message.endsWith('not listed'))).toEqual([
      // 30 + 50 failures: 40 listed; 40 counted, of which 30 the other reader counted itself.
      { path: '/nonexistent-procdoc/*/stat ENOENT', code: 'ENOENT', message: '40 more like /nonexistent-procdoc/110/stat not listed' },
    ]);
    expect(errors).toHaveLength(41);
    expect(errors[30]?.path).toBe('/nonexistent-procdoc/100/stat');
  });
});

describe('FsReader.textInBackground', () => {
  it('reads a whole file off this thread, however long, and records a failure as text() does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'procdoc-read-'));
    try {
      // Longer than its 256 KiB buffer, and not a multiple of it.
      const long = Array.from({ length: 30_000 }, (_, i) => `${i}: POSIX ADVISORY WRITE ${i} 08:01:${i} 0 EOF`).join('\n');
      writeFileSync(join(dir, 'locks'), long, 'latin1');
      const reader = new FsReader();
      expect(long.length).toBeGreaterThan(256 * 1024 * 2);
      expect(await reader.textInBackground(join(dir, 'locks'))).toBe(long);
      expect(await reader.textInBackground(join(dir, 'missing'), true)).toBeNull();
      expect(await reader.textInBackground(dir)).toBeNull();
      expect(reader.errors()).toEqual([{ path: dir, code: 'EISDIR', message: 'read failed (EISDIR)' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('FsReader.fdCount', () => {
  it("counts a process's open descriptors from /proc in one stat(), and counts nothing in a fixture tree", () => {
    const reader = new FsReader();
    // This process's own count, as /proc lists it (the listing opens one descriptor of its own while it reads).
    const listed = readdirSync(`/proc/${process.pid}/fd`).length;
    expect(Math.abs((reader.fdCount('/proc', `/proc/${process.pid}/fd`) ?? 0) - listed)).toBeLessThanOrEqual(1);
    expect(reader.fdCount('/proc', '/proc/4194303/fd')).toBeNull();
    const tree = mkdtempSync(join(tmpdir(), 'procdoc-fdcount-'));
    try {
      mkdirSync(join(tree, '42/fd'), { recursive: true });
      for (const fd of ['0', '1', '2']) writeFileSync(join(tree, '42/fd', fd), '');
      // A directory on disk has a size of its own, not a count of descriptors.
      expect(new FsReader().fdCount(tree, join(tree, '42/fd'))).toBeNull();
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
