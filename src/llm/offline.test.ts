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

  it('"is it safe to kill X?" says what X is: who runs it (and starts it again), and the children a signal to it leaves running', () => {
    const index = indexSnapshot(host());
    // As the validator names them: every PID on the command line is a target.
    const judge = (command: string): Verdict => ({
      command,
      decision: 'confirm',
      rules: [{ id: 'state-change', decision: 'confirm', message: 'This sends SIGTERM.' }],
      alternatives: [],
      targets: command.split(' ').slice(1).map((pid) => ({ pid: Number(pid), startTime: 0, comm: null, unit: null })),
    });
    const safe = (question: string) => answerOffline({ intent: parseQuestion(question, index), index, findings: [], pipelineReports: [], check: judge }).answer;
    const shell = safe('is it safe to kill 10?');
    expect(shell.summary).toMatch(/^Only with care: it needs confirmation: `kill 10`\.\n {2}state-change \(confirm\): This sends SIGTERM\./);
    expect(shell.rootCause).toBe(
      'bash (10), S (bash): nothing manages it beyond its parent systemd (1); its 2 children (python3 (11), python3 (12)) are not signalled with it: they keep running, adopted by PID 1 or a subreaper.',
    );
    expect(shell.evidence).toEqual(['P10.state', 'P10.ppid']);
    // Its zombie child is no child that keeps running.
    expect(safe('is it safe to kill 13?').rootCause).toBe('nginx (13), S (nginx): the system unit nginx.service runs it and starts it again (Restart=always); it has no children.');
    expect(safe('is it safe to kill 13?').evidence).toEqual(['P13.state', 'P13.ppid', 'P13.unit']);
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

  it('a supervisor that does not restart what it runs is not said to: cron runs jobs, a plain PID 1 only reaps', () => {
    const owned = (kind: 'cron' | 'init', pid: number, comm: string) => ({ unit: null, container: null, supervisor: { kind, pid, comm } });
    const snapshot = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 1, ppid: 0, comm: 'process_api' }),
        fakeProcess({ pid: 30, comm: 'cron', owner: owned('init', 1, 'process_api') }),
        fakeProcess({ pid: 31, ppid: 30, comm: 'backup', owner: owned('cron', 30, 'cron') }),
        fakeProcess({ pid: 40, comm: 'app', owner: owned('init', 1, 'process_api') }),
      ],
    });
    expect(ask('who manages 31?', snapshot).answer.rootCause).toBe('Cron (30) started it as a job: killing it ends this run, and the next runs start on schedule; signals reach it directly.');
    expect(ask('who manages 40?', snapshot).answer.rootCause).toBe('It descends from PID 1 process_api (1), which reaps it but does not restart it; signals reach it directly.');
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
