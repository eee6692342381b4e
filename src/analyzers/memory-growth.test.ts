import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../snapshot/schema.js';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { memoryGrowth } from './memory-growth.js';
import { runAnalyzer } from './testing.js';

const MiB = 2 ** 20;
const point = (offsetMs: number, rss: number): SeriesPoint => ({
  at: '', offsetMs, cgroups: [], pressure: null,
  processes: [{ pid: 80, startTime: 1080, state: 'S', utime: 0, stime: 0, rss, anonymous: null, privateDirty: null, rchar: null, wchar: null }],
});

describe('memory-growth', () => {
  const base = fakeSnapshot({ processes: [fakeProcess({ pid: 80, comm: 'leaky' })] });

  it('warns about memory that grows in every sample of the window', () => {
    const s = { ...base, series: [point(0, 100 * MiB), point(1000, 120 * MiB), point(2000, 140 * MiB), point(3000, 160 * MiB)] };
    const [f] = runAnalyzer(memoryGrowth, s);
    expect(f).toMatchObject({ code: 'memory-growth', severity: 'warning', culpritPid: 80 });
    expect(f?.title).toBe('leaky (80) grew by 60 MiB in 3 s (1.2 GiB/min)');
  });

  it('says nothing from one snapshot, a step, or memory that goes up and down', () => {
    expect(runAnalyzer(memoryGrowth, base)).toEqual([]);
    const wobble = { ...base, series: [point(0, 100 * MiB), point(1000, 180 * MiB), point(2000, 120 * MiB), point(3000, 160 * MiB)] };
    expect(runAnalyzer(memoryGrowth, wobble)).toEqual([]);
    const small = { ...base, series: [point(0, 100 * MiB), point(1000, 101 * MiB), point(2000, 102 * MiB)] };
    expect(runAnalyzer(memoryGrowth, small)).toEqual([]);
  });
});
