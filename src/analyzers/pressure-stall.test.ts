import { describe, expect, it } from 'vitest';
import type { Pressure, Psi } from '../snapshot/schema.js';
import { fakeCgroup, fakeSnapshot } from '../snapshot/testing.js';
import { pressureStall } from './pressure-stall.js';
import { runAnalyzer } from './testing.js';

const line = (avg10: number, avg60: number, avg300: number) => ({ avg10, avg60, avg300, totalUs: 0 });
const psi = (some: [number, number, number], full: [number, number, number] = [0, 0, 0]): Psi => ({ some: line(...some), full: line(...full) });
const pressure = (over: Partial<Pressure>): Pressure => ({ cpu: psi([0, 0, 0]), memory: psi([0, 0, 0]), io: psi([0, 0, 0]), ...over });

describe('pressure-stall', () => {
  it('reports sustained memory pressure of one cgroup (v2 per-cgroup PSI)', () => {
    const cg = fakeCgroup({ path: '/system.slice/db.service', pressure: pressure({ memory: psi([15, 12, 8], [3, 2, 1]) }) });
    const [f, ...rest] = runAnalyzer(pressureStall, fakeSnapshot({ cgroups: [fakeCgroup({ path: '/' }), cg] }));
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ code: 'pressure-stall', severity: 'warning', cgroups: ['/system.slice/db.service'] });
    expect(f?.evidence[0]).toEqual({ source: '/sys/fs/cgroup/system.slice/db.service/memory.pressure', field: 'some avg60', value: 12 });
  });

  it('ignores a spike: high avg10 with a low minute average', () => {
    const s = fakeSnapshot({ host: { pressure: pressure({ io: psi([90, 10, 2]) }) } });
    expect(runAnalyzer(pressureStall, s)).toEqual([]);
  });

  it('does not call ordinary CPU contention a stall', () => {
    const s = fakeSnapshot({ host: { pressure: pressure({ cpu: psi([60, 57, 28]) }) } });
    expect(runAnalyzer(pressureStall, s)).toEqual([]);
  });

  it('with a sampled window, needs every sample over the line', () => {
    const host = pressure({ io: psi([40, 40, 30]) });
    const point = (avg10: number, offsetMs: number) => ({ at: '', offsetMs, processes: [], cgroups: [], pressure: pressure({ io: psi([avg10, 40, 30]) }) });
    const steady = { ...fakeSnapshot({ host: { pressure: host } }), series: [point(40, 0), point(45, 1000), point(50, 2000)] };
    const dip = { ...steady, series: [point(40, 0), point(3, 1000), point(50, 2000)] };
    expect(runAnalyzer(pressureStall, steady)).toHaveLength(1);
    expect(runAnalyzer(pressureStall, dip)).toEqual([]);
  });
});
