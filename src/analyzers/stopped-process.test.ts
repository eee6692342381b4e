import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { stoppedProcess } from './stopped-process.js';
import { runAnalyzer } from './testing.js';

describe('stopped-process', () => {
  it('warns about a stopped process that no shell will resume, and resumes its group', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 300, state: 'T', wchan: 'do_signal_stop', comm: 'rsync' })] });
    const [f] = runAnalyzer(stoppedProcess, s);
    expect(f).toMatchObject({ code: 'stopped-process', severity: 'warning', pids: [300] });
    expect(f?.remediation[0]?.command).toBe('kill -s CONT -- -300');
  });

  it('treats a job stopped at an interactive shell as expected job control', () => {
    const shell = fakeProcess({ pid: 400, comm: 'bash', ttyNr: 34816, tty: 'pts/0', sid: 400, pgid: 400, tpgid: 400 });
    const job = fakeProcess({ pid: 401, ppid: 400, comm: 'vim', state: 'T', ttyNr: 34816, tty: 'pts/0', sid: 400, pgid: 401, tpgid: 400, wchan: 'do_signal_stop' });
    const [f] = runAnalyzer(stoppedProcess, fakeSnapshot({ processes: [shell, job] }));
    expect(f?.severity).toBe('info');
    expect(f?.summary).toMatch(/fg/);
  });

  it('ignores traced (t) processes and running ones', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 500, state: 't' }), fakeProcess({ pid: 501, state: 'R' })] });
    expect(runAnalyzer(stoppedProcess, s)).toEqual([]);
  });
});
