import { describe, expect, test } from 'vitest';
import type { StatFields } from './parse.js';
import { applySamples, type LightSample } from './sample.js';
import { fakeProcess } from './testing.js';

const stat = (pid: number, ticks: number): StatFields => ({
  pid, comm: 'x', state: 'R', ppid: 1, pgid: pid, sid: pid, ttyNr: 0, tpgid: -1, flags: 0, minflt: 0, majflt: 0,
  utime: ticks, stime: 0, priority: 20, nice: 0, threads: 1, startTime: 5, vsize: 0, rssPages: 0, processor: 0, rtPriority: 0, policy: 0,
});
const entry = (pid: number, ticks: number, atMs: number) => [pid, { stat: stat(pid, ticks), atMs, rchar: null, wchar: null, anonymous: null, privateDirty: null }] as const;
const sample = (offsetMs: number, entries: ReturnType<typeof entry>[]): LightSample => ({ at: '', offsetMs, procs: new Map(entries), cgroups: new Map(), pressure: null });

describe('applySamples', () => {
  test('each process\'s CPU% is over the time between its own two reads, not between the passes\' starts', () => {
    const early = fakeProcess({ pid: 10, startTime: 5 });
    const late = fakeProcess({ pid: 11, startTime: 5 });
    // Both spin at one full CPU (100 ticks a second). The second is read 50 ms into the first
    // pass and right at the start of the second: its reads are 250 ms apart, not 300.
    applySamples(
      [early, late],
      [],
      [sample(0, [entry(10, 0, 0), entry(11, 0, 50)]), sample(300, [entry(10, 30, 300), entry(11, 25, 300)])],
      { cgroupFor: () => undefined },
      100,
    );
    expect(early.cpu).toMatchObject({ percent: 100, progressed: true });
    expect(late.cpu).toMatchObject({ percent: 100, progressed: true });
  });

  test('a process seen in one sample only has no CPU%; one that used no ticks made no progress', () => {
    const gone = fakeProcess({ pid: 12, startTime: 5 });
    const idle = fakeProcess({ pid: 13, startTime: 5 });
    applySamples([gone, idle], [], [sample(0, [entry(12, 0, 0), entry(13, 7, 1)]), sample(300, [entry(13, 7, 301)])], { cgroupFor: () => undefined }, 100);
    expect(gone.cpu).toBeNull();
    expect(idle.cpu).toMatchObject({ percent: 0, progressed: false });
  });
});
