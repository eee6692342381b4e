import { describe, expect, it } from 'vitest';
import { fakeHost, fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import type { Process, Snapshot } from '../snapshot/schema.js';
import { oomControllerExposed, withSupervisorOomScores } from './oom-controller-exposed.js';
import { runAnalyzer } from './testing.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

describe('oom-controller-exposed', () => {
  const workers = [fakeProcess({ pid: 61, ppid: 60, oomScore: 100 }), fakeProcess({ pid: 62, ppid: 60, oomScore: 120 })];

  it('flags a supervisor with a higher oom_score than its workers and protects it with oom_score_adj', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 60, comm: 'master', oomScore: 400 }), ...workers], host: fakeHost({ meminfo: { MemTotal: 100, MemAvailable: 10 } }) });
    const [f] = runAnalyzer(oomControllerExposed, s);
    expect(f).toMatchObject({ code: 'oom-controller-exposed', severity: 'warning', culpritPid: 60 });
    expect(f?.remediation.map((r) => r.command)).toEqual(['choom -p 60 -n -500', 'choom -p 61 -n 500', 'choom -p 62 -n 500']);
  });

  it('is a latent risk (info) while memory is plentiful', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 60, oomScore: 400 }), ...workers] });
    expect(runAnalyzer(oomControllerExposed, s)[0]?.severity).toBe('info');
  });

  it('leaves protected supervisors and small ones alone', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 60, oomScore: 400, oomScoreAdj: -500 }), ...workers, fakeProcess({ pid: 70, oomScore: 5 }), fakeProcess({ pid: 71, ppid: 70, oomScore: 50 }), fakeProcess({ pid: 72, ppid: 70, oomScore: 60 })] });
    expect(runAnalyzer(oomControllerExposed, s)).toEqual([]);
  });
});

describe('withSupervisorOomScores (a snapshot that left the OOM scores unread)', () => {
  /** A reader of the scores `known` gives (null for the rest, as for an exited process), recording what it read in order. */
  function reader(known: Record<number, [number, number]>) {
    const reads: number[] = [];
    const read = (p: Process) => {
      reads.push(p.pid);
      const k = known[p.pid];
      return k === undefined ? null : { oomScore: k[0], oomScoreAdj: k[1] };
    };
    return { reads, read };
  }
  const unscored = { oomScore: null, oomScoreAdj: null };
  const worker = (pid: number, ppid: number, rss: number, over: Partial<Process> = {}) => fakeProcess({ pid, ppid, rss, ...unscored, ...over });
  const host = (): Snapshot =>
    fakeSnapshot({
      processes: [
        fakeProcess({ pid: 60, comm: 'master', ...unscored }),
        worker(61, 60, 1000),
        worker(62, 60, 2000),
        worker(63, 60, 9000, { state: 'Z' }),
        fakeProcess({ pid: 70, comm: 'pool', ...unscored }),
        worker(71, 70, 3000),
        worker(72, 70, 1000),
        worker(73, 70, 2000),
        fakeProcess({ pid: 80, comm: 'alone', ...unscored }),
        worker(81, 80, 1000),
      ],
    });

  it('reads every worker of an exposed supervisor, and finds what a full read finds', () => {
    const { reads, read } = reader({ 60: [700, 0], 61: [666, 0], 62: [667, 0], 70: [666, 0], 71: [666, 0] });
    const scored = withSupervisorOomScores(host(), DEFAULT_THRESHOLDS, read);
    // 80 has one worker, so it supervises nothing; the zombie is no worker; largest workers first.
    expect(reads).toEqual([60, 62, 61, 70, 71]);
    const [f] = runAnalyzer(oomControllerExposed, scored);
    expect(f).toMatchObject({ code: 'oom-controller-exposed', culpritPid: 60, pids: [60, 61, 62] });
    expect(scored.processes.find((p) => p.pid === 72)).toMatchObject(unscored);
  });

  it('stops at the first worker that scores as high as its supervisor: the pool of equals costs one read', () => {
    const { reads, read } = reader({ 60: [666, 0], 62: [666, 0], 70: [700, 0], 71: [650, 0], 73: [700, 0] });
    const scored = withSupervisorOomScores(host(), DEFAULT_THRESHOLDS, read);
    expect(reads).toEqual([60, 62, 70, 71, 73]);
    expect(runAnalyzer(oomControllerExposed, scored)).toEqual([]);
  });

  it('reads no worker of a supervisor protected by its oom_score_adj, and nothing when every score is known', () => {
    const { reads, read } = reader({ 60: [400, -500], 70: [0, 0] });
    withSupervisorOomScores(host(), DEFAULT_THRESHOLDS, read);
    expect(reads).toEqual([60, 70]);
    const full = fakeSnapshot({ processes: [fakeProcess({ pid: 60, oomScore: 400 }), fakeProcess({ pid: 61, ppid: 60, oomScore: 100 }), fakeProcess({ pid: 62, ppid: 60, oomScore: 120 })] });
    const again = reader({});
    expect(withSupervisorOomScores(full, DEFAULT_THRESHOLDS, again.read)).toBe(full);
    expect(again.reads).toEqual([]);
  });
});
