import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import { pid1WithoutHandler } from './pid1-without-handler.js';
import { runAnalyzer } from './testing.js';

const signals = (caught: string[]) => ({ pending: [], shdPending: [], blocked: [], ignored: [], caught });

describe('pid1-without-handler', () => {
  it('warns about a container init without a SIGTERM handler', () => {
    const init = fakeProcess({ pid: 120, comm: 'node', namespaceInit: true, nspid: [120, 1], signals: signals(['SIGINT']), owner: { unit: null, supervisor: null, container: { runtime: 'docker', id: 'abcdef0123456789' } } });
    const child = fakeProcess({ pid: 121, ppid: 120, nspid: [121, 7] });
    const [f] = runAnalyzer(pid1WithoutHandler, fakeSnapshot({ processes: [init, child] }));
    expect(f).toMatchObject({ code: 'pid1-without-handler', severity: 'warning', culpritPid: 120, pids: [120, 121] });
    expect(f?.summary).toMatch(/docker run --init/);
  });

  it('leaves inits that handle SIGTERM, and our own PID 1, alone', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 1, ppid: 0, signals: signals([]) }), fakeProcess({ pid: 130, namespaceInit: true, signals: signals(['SIGTERM']) })] });
    expect(runAnalyzer(pid1WithoutHandler, s)).toEqual([]);
  });
});
