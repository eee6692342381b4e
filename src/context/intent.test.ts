import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../snapshot/query.js';
import { fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { parseQuestion } from './intent.js';

const index = indexSnapshot(
  fakeSnapshot({
    processes: [
      fakeProcess({ pid: 300, comm: 'python3', argv: ['python3', 'x.py'] }),
      fakeProcess({ pid: 400, comm: 'nginx' }),
    ],
    units: [fakeUnit({ name: 'nginx.service', mainPid: 400 })],
  }),
);

describe('parseQuestion', () => {
  it.each([
    ['all python processes over 80% CPU with their parents', 'top-cpu'],
    ['what is using the most memory?', 'top-memory'],
    ['why is 300 stuck?', 'stuck'],
    ['are there zombies?', 'zombies'],
    ['did anything get OOM killed?', 'oom'],
    ['is anything throttled or under pressure?', 'pressure'],
    ['who manages nginx?', 'who-manages'],
    ['is it safe to kill 400?', 'safe'],
    ['show me the tree of 300', 'tree'],
    ['what is wrong with this machine?', 'overview'],
    ['write me a poem about kernels', 'unknown'],
  ])('%s -> %s', (q, family) => {
    expect(parseQuestion(q, index).family).toBe(family);
  });

  it('reads names, thresholds and the parents flag', () => {
    const i = parseQuestion('all python processes over 80% CPU with their parents', index);
    expect(i.names).toEqual(['python']);
    expect(i.threshold).toEqual({ metric: 'cpu', op: '>', value: 80, percent: true });
    expect(i.withParents).toBe(true);
    expect(i.pids).toEqual([]);
  });

  it('does not take the N of "top N" for a PID', () => {
    expect(parseQuestion('top 300 processes by cpu', index).pids).toEqual([]);
  });

  it('takes a number right after a running program\'s name for its argument, not a PID, unless it is that program\'s PID', () => {
    expect(parseQuestion('why is the python3 1000 job hung?', index)).toMatchObject({ pids: [], missingPids: [], names: ['python3'] });
    expect(parseQuestion('why is nginx 400 slow?', index).pids).toEqual([400]);
    expect(parseQuestion('why is python3 pid 1000 hung?', index).missingPids).toEqual([1000]);
    expect(parseQuestion('is it safe to kill 400?', index).pids).toEqual([400]);
  });

  it('reads the command to check', () => {
    expect(parseQuestion('is it safe to run `kill -9 400`?', index).command).toBe('kill -9 400');
  });

  it('tells existing pids from missing ones', () => {
    const i = parseQuestion('why is pid 400 and pid 98765 slow', index);
    expect(i.pids).toEqual([400]);
    expect(i.missingPids).toEqual([98765]);
  });
});
