import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { sigtermIgnored } from './sigterm-ignored.js';
import { runAnalyzer } from './testing.js';

const signals = (ignored: string[], blocked: string[] = []) => ({ pending: [], shdPending: [], blocked, ignored, caught: [] });

describe('sigterm-ignored', () => {
  it('tells that a plain kill does nothing and offers signals that work', () => {
    const [f] = runAnalyzer(sigtermIgnored, fakeSnapshot({ processes: [fakeProcess({ pid: 110, comm: 'obstinate', signals: signals(['SIGTERM']) })] }));
    expect(f).toMatchObject({ code: 'sigterm-ignored', severity: 'info', culpritPid: 110 });
    expect(f?.remediation.map((r) => r.command)).toEqual(['kill -s INT 110', 'kill -s KILL 110']);
  });

  it('warns when systemctl stop of its unit will end in SIGKILL', () => {
    const owner = { unit: { name: 'app.service', manager: 'system' as const, userUid: null, slice: null }, container: null, supervisor: null };
    const deep = { fds: [{ fd: 0, target: '/dev/null', kind: 'file' as const, inode: null, mode: null }], fdCount: 1, smapsRollup: null, stack: null, io: null, limits: null, pidNs: null };
    const p = fakeProcess({ pid: 111, signals: signals([], ['SIGTERM']), owner, deep });
    const [f] = runAnalyzer(sigtermIgnored, fakeSnapshot({ processes: [p], units: [fakeUnit({ name: 'app.service' })] }));
    expect(f?.severity).toBe('warning');
    expect(f?.remediation[0]?.command).toBe('systemctl stop app.service');
  });

  it('leaves interactive shells, kernel threads, handlers, and signalfd readers that block SIGTERM alone', () => {
    const s = fakeSnapshot({
      processes: [
        fakeProcess({ pid: 112, comm: 'bash', ttyNr: 34816, signals: signals(['SIGTERM', 'SIGQUIT']) }),
        fakeProcess({ pid: 113, kernelThread: true, signals: signals(['SIGTERM']) }),
        fakeProcess({ pid: 114, signals: signals(['SIGPIPE']) }),
        fakeProcess({ pid: 115, comm: 'bash', signals: signals([], ['SIGTERM']) }),
        fakeProcess({
          pid: 116,
          comm: 'journald',
          signals: signals([], ['SIGTERM']),
          deep: { fds: [{ fd: 5, target: 'anon_inode:[signalfd]', kind: 'anon', inode: null, mode: null }], fdCount: 1, smapsRollup: null, stack: null, io: null, limits: null, pidNs: null },
        }),
      ],
    });
    expect(runAnalyzer(sigtermIgnored, s)).toEqual([]);
  });
});
