import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot, fakeUnit } from '../snapshot/testing.js';
import { runAnalyzer, sampled } from './testing.js';
import { zombieUnreaped } from './zombie-unreaped.js';

describe('zombie-unreaped', () => {
  const parent = fakeProcess({ pid: 100, comm: 'worker-pool', signals: { pending: [], shdPending: [], blocked: [], ignored: [], caught: [] } });
  const zombie = (pid: number) => fakeProcess({ pid, ppid: 100, comm: 'job', state: 'Z', argv: [], cpu: sampled(0, false) });

  it('blames the parent, never the zombie, when zombies outlive the sample', () => {
    const [f, ...rest] = runAnalyzer(zombieUnreaped, fakeSnapshot({ processes: [parent, zombie(101), zombie(102)] }));
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ code: 'zombie-unreaped', severity: 'warning', culpritPid: 100, pids: [101, 102] });
    expect(f?.summary).toMatch(/cannot be killed/);
    expect(f?.remediation.map((r) => r.command)).toEqual(['kill -s CHLD 100', 'kill -s TERM 100']);
    expect(f?.remediation.some((r) => r.command.includes('101'))).toBe(false);
  });

  it('restarts a unit-owned parent through its unit', () => {
    const owned = { ...parent, owner: { unit: { name: 'pool.service', manager: 'system' as const, userUid: null, slice: 'system.slice' }, container: null, supervisor: null } };
    const [f] = runAnalyzer(zombieUnreaped, fakeSnapshot({ processes: [owned, zombie(101)], units: [fakeUnit({ name: 'pool.service' })] }));
    expect(f?.remediation.map((r) => r.command)).toContain('systemctl restart pool.service');
    expect(f?.units).toEqual(['pool.service']);
  });

  it('is only information when a single sample saw the zombie', () => {
    const [f] = runAnalyzer(zombieUnreaped, fakeSnapshot({ processes: [parent, { ...zombie(101), cpu: null }] }));
    expect(f?.severity).toBe('info');
  });

  it('is critical when zombies pile up', () => {
    const many = Array.from({ length: 5 }, (_, i) => zombie(200 + i));
    const [f] = runAnalyzer(zombieUnreaped, fakeSnapshot({ processes: [parent, ...many] }), { zombiesCritical: 5 });
    expect(f?.severity).toBe('critical');
  });

  it('finds nothing without zombies', () => {
    expect(runAnalyzer(zombieUnreaped, fakeSnapshot({ processes: [parent] }))).toEqual([]);
  });
});
