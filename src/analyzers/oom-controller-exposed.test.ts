import { describe, expect, it } from 'vitest';
import { fakeHost, fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { oomControllerExposed } from './oom-controller-exposed.js';
import { runAnalyzer } from './testing.js';

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
