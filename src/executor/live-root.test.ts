import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { procRootView } from './live-root.js';

const stat = (pid: number, start: number) => `${pid} (a (b) c) S 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 1 1 18446744073709551615\n`;

let dir: string;
let self: { pid: number; statPath: string };

/** A tree laid out like /proc whose self is `link`, with PID `pid` started at `start`. */
function tree(link: string | null, pid: number, start: number): string {
  const root = join(dir, 'proc');
  mkdirSync(join(root, String(pid)), { recursive: true });
  writeFileSync(join(root, String(pid), 'stat'), stat(pid, start));
  if (link !== null) symlinkSync(link, join(root, 'self'));
  return root;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'procdoc-liveroot-'));
  self = { pid: 4242, statPath: join(dir, 'own-stat') };
  writeFileSync(self.statPath, stat(4242, 777));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('procRootView', () => {
  test('/proc is live, however it is spelt', () => {
    expect(procRootView('/proc', self)).toEqual({ live: true });
    expect(procRootView('/proc/', self)).toEqual({ live: true });
  });

  test('a tree whose self is procdoc with procdoc\'s start time is live (a bind of our /proc)', () => {
    expect(procRootView(tree('4242', 4242, 777), self)).toEqual({ live: true });
  });

  test('a tree without self is a fixture tree, not live', () => {
    const root = tree(null, 4242, 777);
    expect(procRootView(root, self)).toEqual({ live: false, why: `${root} has no self entry: it is not a live /proc (a fixture tree, or a copy?)` });
  });

  test('a self that is another PID is another PID namespace', () => {
    const root = tree('31337', 31337, 777);
    expect(procRootView(root, self)).toMatchObject({ live: false, why: expect.stringContaining(`${root}/self is PID 31337, and procdoc is PID 4242 here: it is the /proc of another PID namespace`) as string });
  });

  test('our PID with another start time is not us', () => {
    const root = tree('4242', 4242, 778);
    expect(procRootView(root, self)).toEqual({ live: false, why: `${root}/4242/stat has start time 778, and procdoc's own is 777: it is not this machine's live /proc` });
  });

  test('our own start time unreadable: not live (fail closed)', () => {
    rmSync(self.statPath);
    expect(procRootView(tree('4242', 4242, 777), self)).toMatchObject({ live: false });
  });

  test('this process\'s own /proc, reached through a symlink to it, is live', () => {
    const link = join(dir, 'via-link');
    symlinkSync('/proc', link);
    expect(procRootView(link, { pid: process.pid, statPath: '/proc/self/stat' })).toEqual({ live: true });
  });
});
