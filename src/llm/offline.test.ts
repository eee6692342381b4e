import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../context/intent.js';
import { indexSnapshot } from '../snapshot/query.js';
import { fakeCgroup, fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import type { Verdict } from '../validator/verdict.js';
import { answerOffline } from './offline.js';

const allowAll = (command: string): Verdict => ({ command, decision: 'allow', rules: [], alternatives: [], targets: [] });
const cpu = (percent: number) => ({ percent, quotaPercent: null, progressed: true, ioDelta: null });

function ask(question: string, snapshot = host()) {
  const index = indexSnapshot(snapshot);
  return answerOffline({ intent: parseQuestion(question, index), index, findings: [], pipelineReports: [], check: allowAll });
}

function host() {
  return fakeSnapshot({
    processes: [
      fakeProcess({ pid: 10, comm: 'bash', argv: ['bash'] }),
      fakeProcess({ pid: 11, ppid: 10, comm: 'python3', argv: ['python3', 'train.py'], cpu: cpu(95), rss: 500 * 2 ** 20 }),
      fakeProcess({ pid: 12, ppid: 10, comm: 'python3', argv: ['python3', 'idle.py'], cpu: cpu(2) }),
      fakeProcess({ pid: 13, comm: 'nginx', cpu: cpu(40), owner: { unit: { name: 'nginx.service', manager: 'system', userUid: null, slice: 'system.slice' }, container: null, supervisor: null } }),
      fakeProcess({ pid: 14, ppid: 13, comm: 'worker', state: 'Z', argv: [] }),
    ],
    units: [fakeUnit({ name: 'nginx.service', mainPid: 13, restart: 'always', nRestarts: 4 })],
    cgroups: [fakeCgroup({ path: '/' })],
  });
}

describe('answerOffline', () => {
  it('filters top CPU by name and threshold, with parents', () => {
    const { answer } = ask('all python processes over 80% CPU with their parents');
    expect(answer.pids).toEqual([11, 10]);
    expect(answer.summary).toMatch(/python3 \(11\) 95\.0% CPU.*parent bash \(10\)/);
    expect(answer.summary).not.toMatch(/\(12\)/);
  });

  it('names the unit and its Restart= policy for who-manages', () => {
    const { answer } = ask('who manages nginx?');
    expect(answer.summary).toMatch(/nginx \(13\) is managed by the system unit nginx\.service; Restart=always/);
    expect(answer.evidence).toEqual(expect.arrayContaining(['P13.unit', 'U:nginx.service.Restart', 'U:nginx.service.NRestarts']));
  });

  it('groups zombies by parent and proposes signalling the parent', () => {
    const { answer } = ask('any zombies?');
    expect(answer.summary).toMatch(/1 zombie \(worker \(14\)\) of nginx \(13\)/);
    expect(answer.commands.map((c) => c.command)).toEqual(['kill -s CHLD 13']);
  });

  it('says when a PID in the question is not in the snapshot', () => {
    const { answer } = ask('why is pid 4242 stuck?');
    expect(answer.summary).toMatch(/PID 4242 is not in the snapshot/);
  });

  it('asked why a missing PID is stuck, says that first; what is stuck elsewhere comes after, as such', () => {
    const stopped = fakeSnapshot({ processes: [fakeProcess({ pid: 20, comm: 'rsync', state: 'T' })] });
    const { answer } = ask('why is pid 99999 stuck?', stopped);
    expect(answer.summary.startsWith('PID 99999 is not in the snapshot')).toBe(true);
    expect(answer.summary).toMatch(/Stuck elsewhere on this host:\nrsync \(20\)/);
    expect(answer.rootCause).toBe('PID 99999 is not in the snapshot, so nothing can be said of it.');
  });

  it('"is it safe to kill -9 python3?": kill takes PIDs, so the named processes\' PIDs are judged', () => {
    const judged: string[] = [];
    const index = indexSnapshot(host());
    const { answer } = answerOffline({
      intent: parseQuestion('is it safe to kill -9 python3?', index),
      index,
      findings: [],
      pipelineReports: [],
      check: (command) => (judged.push(command), allowAll(command)),
    });
    expect(judged[0]).toBe('kill -9 11 12');
    expect(answer.summary).toMatch(/^Yes, it is safe: `kill -9 11 12` \(kill takes PIDs: `kill -9 python3` judged as the processes it names\)\./);
  });

  it('who manages a supervised process: the supervisor, not "nothing manages it"', () => {
    const supervised = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 30, comm: 'supervisord' }),
        fakeProcess({ pid: 31, ppid: 30, comm: 'worker', owner: { unit: null, container: null, supervisor: { kind: 'supervisord', pid: 30, comm: 'supervisord' } } }),
      ],
    });
    const { answer } = ask('who manages 31?', supervised);
    expect(answer.summary).toMatch(/worker \(31\) is managed by the supervisord supervisor supervisord \(30\)/);
    expect(answer.rootCause).toBe('The supervisord supervisor supervisord (30) may start it again: stop or change it there rather than with kill.');
  });

  it('top CPU lists only processes that used CPU over the sample, even when asked for more', () => {
    const { answer } = ask('top 10 processes by cpu');
    expect(answer.pids).toEqual([11, 13, 12]);
    const idle = fakeSnapshot({ processes: [fakeProcess({ pid: 40, comm: 'sleep', cpu: cpu(0) })] });
    expect(ask('top 3 processes by cpu', idle).answer.summary).toBe('No process was found using CPU over the sample.');
  });

  it('flags questions outside its families as needing an LLM', () => {
    expect(ask('tell me a story').needsLlm).toBe(true);
    expect(ask('what is using the most memory').needsLlm).toBe(false);
  });

  it('a process runnable when read but idle over the sample is not called busy', () => {
    const snapshot = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 20, comm: 'sleep', state: 'R', cpu: { percent: 0, quotaPercent: null, progressed: false, ioDelta: null } }),
        fakeProcess({ pid: 21, comm: 'spin', state: 'R', cpu: cpu(97) }),
      ],
    });
    expect(ask('why is pid 20 slow?', snapshot).answer.summary).toMatch(/sleep \(20\) was runnable \(R\) when read but used no CPU during the sample: it is neither busy nor known to be blocked/);
    expect(ask('why is pid 21 slow?', snapshot).answer.summary).toMatch(/spin \(21\) is running at 97% of a CPU: it is busy, not blocked/);
  });
});
