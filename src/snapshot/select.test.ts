import { describe, expect, it } from 'vitest';
import { pipelineMembers, selectDeepPids } from './select.js';
import { fakeProcess } from './testing.js';

/** A shell pipeline `producer | consumer` in group 100, the consumer waiting on its pipe. */
const pipeline = [
  fakeProcess({ pid: 100, ppid: 50, pgid: 100, comm: 'producer', state: 'S', wchan: 'hrtimer_nanosleep' }),
  fakeProcess({ pid: 101, ppid: 50, pgid: 100, comm: 'consumer', state: 'S', wchan: 'pipe_read' }),
];
/** A pool of 300 idle workers in one group (a prefork server): nothing waits on a pipe. */
const pool = Array.from({ length: 300 }, (_, i) => fakeProcess({ pid: 1000 + i, ppid: 999, pgid: 999, comm: 'worker', state: 'S', wchan: 'ep_poll' }));
const leader = fakeProcess({ pid: 999, ppid: 1, pgid: 999, comm: 'master', state: 'S', wchan: 'do_select' });
const stopped = fakeProcess({ pid: 70, ppid: 1, pgid: 70, comm: 'vim', state: 'T', wchan: 'do_signal_stop' });
const shell = fakeProcess({ pid: 50, ppid: 1, pgid: 50, comm: 'bash', state: 'S', wchan: 'do_wait' });
const all = [shell, ...pipeline, leader, ...pool, stopped];

describe('pipelineMembers', () => {
  it('takes every member of a group where one waits on a pipe, and D or T processes', () => {
    expect([...pipelineMembers(all, [])].sort((a, b) => a - b)).toEqual([70, 100, 101]);
  });

  it('leaves out a large group of idle workers, whose I/O would be read twice a sample for nothing', () => {
    const members = pipelineMembers(all, []);
    expect(pool.some((p) => members.has(p.pid))).toBe(false);
    expect(members.has(leader.pid)).toBe(false);
  });

  it('takes a named process with its whole group and its parent', () => {
    const members = pipelineMembers(all, [1005]);
    expect(pool.every((p) => members.has(p.pid))).toBe(true);
    expect(members.has(999)).toBe(true);
  });
});

describe('selectDeepPids', () => {
  it('reads what pipeline analysis looks at, plus parents of zombies and top consumers', () => {
    const zombie = fakeProcess({ pid: 80, ppid: 50, pgid: 50, comm: 'defunct', state: 'Z' });
    const big = fakeProcess({ pid: 90, ppid: 1, pgid: 90, comm: 'java', state: 'S', rss: 8 * 2 ** 30 });
    const deep = selectDeepPids([...all, zombie, big], []);
    for (const pid of pipelineMembers(all, [])) expect(deep.has(pid)).toBe(true);
    expect(deep.has(50)).toBe(true);
    expect(deep.has(90)).toBe(true);
  });

  it('reads the fds of a process that blocks SIGTERM, however small: they tell whether a signalfd takes it', () => {
    const signals = { pending: [], shdPending: [], blocked: ['SIGTERM'], ignored: [], caught: [] };
    const blocker = fakeProcess({ pid: 95, ppid: 1, pgid: 95, comm: 'daemon', rss: 4096, signals });
    const big = Array.from({ length: 12 }, (_, i) => fakeProcess({ pid: 200 + i, ppid: 1, pgid: 200 + i, rss: 2 ** 30 }));
    expect(selectDeepPids([...all, ...big, blocker], []).has(95)).toBe(true);
    expect(selectDeepPids([...all, ...big, { ...blocker, signals: { ...signals, blocked: ['SIGINT'] } }], []).has(95)).toBe(false);
  });
});
