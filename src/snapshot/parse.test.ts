import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  colonValue,
  parseColonValues,
  decodeSignalMask,
  parseCmdline,
  parseLimit,
  parseLocks,
  parseLimits,
  parseProcCgroup,
  parsePsi,
  parseStack,
  parseStat,
  statusFields,
  ttyName,
} from './parse.js';

describe('parseStat', () => {
  it('takes comm from the first "(" to the last ")" so spaces, parentheses and newlines survive', () => {
    const text = '4711 (a) b (c\nd)) S 1 4711 4711 34816 4711 4194304 0 0 0 0 12 34 0 0 20 0 3 0 98765 1000 25 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n';
    const stat = parseStat(text);
    expect(stat).toMatchObject({ pid: 4711, comm: 'a) b (c\nd)', state: 'S', ppid: 1, pgid: 4711, sid: 4711, ttyNr: 34816, utime: 12, stime: 34, threads: 3, startTime: 98765, rssPages: 25, processor: 1 });
  });

  it('returns null for text that is not a stat line', () => {
    expect(parseStat('garbage')).toBeNull();
    expect(parseStat('12 (x) S 1')).toBeNull();
  });
});

describe('decodeSignalMask', () => {
  it('decodes SigIgn bits to names (bit n-1 is signal n)', () => {
    // SIGTERM (15) -> bit 14 = 0x4000; SIGPIPE (13) -> 0x1000; SIGCHLD (17) -> 0x10000
    expect(decodeSignalMask('0000000000015000')).toEqual(['SIGPIPE', 'SIGTERM', 'SIGCHLD']);
  });
  it('names real-time signals', () => {
    expect(decodeSignalMask('0000000200000000')).toEqual(['SIGRTMIN']);
    expect(decodeSignalMask('8000000000000000')).toEqual(['SIGRTMAX']);
  });
  it('gives nothing for an empty mask', () => {
    expect(decodeSignalMask('0000000000000000')).toEqual([]);
  });
});

describe('parseCmdline', () => {
  it('splits NUL-separated argv', () => {
    expect(parseCmdline(Buffer.from('sleep\x00600\x00'))).toEqual({ argv: ['sleep', '600'], binary: false });
  });
  it('keeps an empty argument', () => {
    expect(parseCmdline(Buffer.from('a\x00\x00b\x00')).argv).toEqual(['a', '', 'b']);
  });
  it('gives no argv for an empty cmdline (kernel thread, zombie)', () => {
    expect(parseCmdline(Buffer.alloc(0))).toEqual({ argv: [], binary: false });
  });
  it('flags bytes that are not UTF-8 as binary', () => {
    expect(parseCmdline(Buffer.from([0xff, 0xfe, 0x00])).binary).toBe(true);
  });
  it('flags a rewritten cmdline without a final NUL', () => {
    expect(parseCmdline(Buffer.from('nginx: worker process'))).toEqual({ argv: ['nginx: worker process'], binary: true });
  });
});

describe('parseProcCgroup', () => {
  it('reads the hybrid layout: v1 hierarchies and the v2 path', () => {
    const text = '9:name=systemd:/system.slice/cron.service\n4:memory:/job\n2:cpu,cpuacct:/\n0::/system.slice/cron.service\n';
    expect(parseProcCgroup(text)).toEqual({
      v2: '/system.slice/cron.service',
      v1: { 'name=systemd': '/system.slice/cron.service', memory: '/job', 'cpu,cpuacct': '/' },
    });
  });
  it('reads a pure v2 host', () => {
    expect(parseProcCgroup('0::/user.slice\n')).toEqual({ v2: '/user.slice', v1: {} });
  });
});

describe('parsePsi', () => {
  it('reads some and full lines', () => {
    const psi = parsePsi('some avg10=1.50 avg60=2.00 avg300=0.10 total=12345\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
    expect(psi).toEqual({ some: { avg10: 1.5, avg60: 2, avg300: 0.1, totalUs: 12345 }, full: { avg10: 0, avg60: 0, avg300: 0, totalUs: 0 } });
  });
  it('accepts cpu pressure without a full line (older kernels)', () => {
    expect(parsePsi('some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n')?.full).toBeNull();
  });
});

describe('parseLimit', () => {
  it('treats "max" and v1 "unlimited" as no limit', () => {
    expect(parseLimit('max\n')).toBeNull();
    expect(parseLimit('9223372036854771712\n')).toBeNull();
    expect(parseLimit('104857600\n')).toBe(104857600);
  });
});

describe('parseLimits', () => {
  it('reads soft and hard open-file limits', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max open files            1024                 524288               files     ',
      'Max processes             unlimited            unlimited            processes ',
    ].join('\n');
    expect(parseLimits(text)).toEqual({ nofile: { soft: 1024, hard: 524288 }, nproc: { soft: null, hard: null } });
  });
});

describe('parseStack and ttyName', () => {
  it('keeps the function names of a kernel stack', () => {
    expect(parseStack('[<0>] pipe_read+0x2e0/0x450\n[<0>] vfs_read+0x1/0x2\n')).toEqual(['pipe_read', 'vfs_read']);
  });
  it('names pseudo-terminals and consoles', () => {
    expect(ttyName(34816)).toBe('pts/0');
    expect(ttyName(34817 + 256 * 0)).toBe('pts/1');
    expect(ttyName(1025)).toBe('tty1');
    expect(ttyName(0)).toBeNull();
  });
});

describe('statusFields', () => {
  const text = 'Name:\tsleep\nUid:\t0\t0\t0\t0\nNSpid:\t4711\t1\nSigIgn:\t0000000000004000\n';
  it('finds the fields procdoc reads, trimmed, in any order', () => {
    expect(statusFields(text)).toEqual({ Uid: '0\t0\t0\t0', NSpid: '4711\t1', SigIgn: '0000000000004000' });
    expect(statusFields('Name:\tx\nSigIgn:\t1\nUid:\t7\n')).toEqual({ Uid: '7', SigIgn: '1' });
  });
  it('does not match a key that is the tail of another, and leaves out missing ones', () => {
    expect(statusFields('Name:\tx\nXNSpid:\t5\n')).toEqual({});
  });
});

describe('parseLocks', () => {
  it('reads holders and blocked waiters of file locks', () => {
    const text = '1: FLOCK  ADVISORY  WRITE 11630 fe:00:2146933 0 EOF\n1: -> FLOCK  ADVISORY  WRITE 11633 fe:00:2146933 0 EOF\n2: OFDLCK ADVISORY  READ  -1 00:06:1028 0 EOF\n';
    expect(parseLocks(text)).toEqual([
      { id: 1, kind: 'FLOCK', mode: 'ADVISORY', access: 'WRITE', pid: 11630, device: 'fe:00', inode: 2146933, blocked: false },
      { id: 1, kind: 'FLOCK', mode: 'ADVISORY', access: 'WRITE', pid: 11633, device: 'fe:00', inode: 2146933, blocked: true },
      { id: 2, kind: 'OFDLCK', mode: 'ADVISORY', access: 'READ', pid: -1, device: '00:06', inode: 1028, blocked: false },
    ]);
  });
});

describe('colonValue', () => {
  const smaps = '55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:                1000 kB\nPss:                 600 kB\nPss_Anon:            200 kB\nSwapPss:               7 kB\n';
  it('reads a key at the start of a line, not inside another key, kB in bytes', () => {
    expect(colonValue(smaps, 'Pss')).toBe(600 * 1024);
    expect(colonValue(smaps, 'Pss_Anon')).toBe(200 * 1024);
    expect(colonValue(smaps, 'SwapPss')).toBe(7 * 1024);
    expect(colonValue('rchar: 12\nwchar: 34\n', 'rchar')).toBe(12);
    expect(colonValue('rchar: 12\nwchar: 34', 'wchar')).toBe(34);
  });
  it('is undefined for a missing key or a value that is no number', () => {
    expect(colonValue(smaps, 'Swap')).toBeUndefined();
    expect(colonValue('Rss: n/a\n', 'Rss')).toBeUndefined();
  });
  it('agrees with parseColonValues on this process\'s real io and smaps_rollup', () => {
    for (const file of ['io', 'smaps_rollup']) {
      const text = readFileSync(`/proc/self/${file}`, 'latin1');
      const all = parseColonValues(text);
      expect(all.size).toBeGreaterThan(5);
      for (const [key, value] of all) expect([file, key, colonValue(text, key)]).toEqual([file, key, value]);
    }
  });
});
