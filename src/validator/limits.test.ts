import { describe, expect, test } from 'vitest';
import { fakeCgroup, fakeHost } from '../snapshot/testing.js';
import { cgroupLimit, describeLimit, fileLimitValue, limitFile, parseSize, unitLimitValue } from './limits.js';

const file = (name: string) => {
  const f = limitFile(name);
  if (f === undefined) throw new Error(`${name} is not a limit file`);
  return f;
};

describe('limit values as commands write them', () => {
  test('sizes are powers of 1024, as the kernel and systemd read them', () => {
    expect(parseSize('1048576')).toBe(2 ** 20);
    expect(parseSize('512M')).toBe(512 * 2 ** 20);
    expect(parseSize('1g')).toBe(2 ** 30);
    expect(parseSize('1.5G')).toBe(1.5 * 2 ** 30);
    expect(parseSize('lots')).toBeNull();
    expect(parseSize('-1')).toBeNull();
  });

  test('a memory limit reads back in whole pages; max and -1 are no limit; junk is no value', () => {
    expect(fileLimitValue(file('memory.max'), '1000000\n', 4096, null)).toBe(999_424);
    expect(fileLimitValue(file('memory.limit_in_bytes'), '64M', 4096, null)).toBe(64 * 2 ** 20);
    expect(fileLimitValue(file('memory.max'), 'max', 4096, null)).toBeNull();
    expect(fileLimitValue(file('memory.limit_in_bytes'), '-1', 4096, null)).toBeNull();
    expect(fileLimitValue(file('memory.high'), 'a lot', 4096, null)).toBeUndefined();
  });

  test('pids.max is a count or max', () => {
    expect(fileLimitValue(file('pids.max'), '200', 4096, null)).toBe(200);
    expect(fileLimitValue(file('pids.max'), 'max', 4096, null)).toBeNull();
    expect(fileLimitValue(file('pids.max'), '-3', 4096, null)).toBeUndefined();
  });

  test('a CPU quota is microseconds per second: cpu.max with or without its period, a v1 quota over the cgroup period', () => {
    expect(fileLimitValue(file('cpu.max'), '50000 100000', 4096, null)).toBe(500_000);
    expect(fileLimitValue(file('cpu.max'), '20000', 4096, 50_000)).toBe(400_000);
    expect(fileLimitValue(file('cpu.max'), 'max 100000', 4096, null)).toBeNull();
    expect(fileLimitValue(file('cpu.max'), '50000 0', 4096, null)).toBeUndefined();
    expect(fileLimitValue(file('cpu.cfs_quota_us'), '25000', 4096, 100_000)).toBe(250_000);
    expect(fileLimitValue(file('cpu.cfs_quota_us'), '25000', 4096, null)).toBe(250_000);
    expect(fileLimitValue(file('cpu.cfs_quota_us'), '-1', 4096, null)).toBeNull();
  });

  test('files that set no limit procdoc verifies are not limit files', () => {
    expect(limitFile('memory.current')).toBeUndefined();
    expect(limitFile('cgroup.procs')).toBeUndefined();
    expect(limitFile('toString')).toBeUndefined();
  });
});

describe('limit values as systemctl set-property gives them', () => {
  const host = fakeHost({ meminfo: { MemTotal: 8 * 2 ** 30 } });

  test('memory: sizes, a share of the host memory, infinity or empty for none', () => {
    expect(unitLimitValue('memory.max', '1G', host)).toBe(2 ** 30);
    expect(unitLimitValue('memory.high', '25%', host)).toBe(2 * 2 ** 30);
    expect(unitLimitValue('memory.max', 'infinity', host)).toBeNull();
    expect(unitLimitValue('memory.max', '', host)).toBeNull();
    expect(unitLimitValue('memory.max', 'huge', host)).toBeUndefined();
  });

  test('CPUQuota is a percentage of one CPU; TasksMax a count (a percentage is the kernel\'s to resolve)', () => {
    expect(unitLimitValue('cpu.quota', '50%', host)).toBe(500_000);
    expect(unitLimitValue('cpu.quota', '150%', host)).toBe(1_500_000);
    expect(unitLimitValue('cpu.quota', '0.5', host)).toBeUndefined();
    expect(unitLimitValue('pids.max', '300', host)).toBe(300);
    expect(unitLimitValue('pids.max', '10%', host)).toBeUndefined();
  });
});

describe('limits as a snapshot reads them', () => {
  test('from the cgroup, per setting; a quota as microseconds per second; undefined where the controller was not read', () => {
    const cg = fakeCgroup({
      path: '/a',
      memory: { current: 10, max: 2 ** 20, high: null, peak: null, swapCurrent: null, swapMax: null, anon: null, events: null, failcnt: null, oomControl: null },
      cpu: { quotaUs: 50_000, periodUs: 100_000, weight: null, shares: null, usageUs: null, nrPeriods: null, nrThrottled: null, throttledUs: null, sample: null },
    });
    expect(cgroupLimit(cg, 'memory.max')).toBe(2 ** 20);
    expect(cgroupLimit(cg, 'memory.high')).toBeNull();
    expect(cgroupLimit(cg, 'cpu.quota')).toBe(500_000);
    expect(cgroupLimit(cg, 'pids.max')).toBeUndefined();
  });

  test('described for people', () => {
    expect(describeLimit('memory.max', 64 * 2 ** 20)).toBe('64 MiB');
    expect(describeLimit('memory.max', 1.5 * 2 ** 20)).toBe('1.5 MiB');
    expect(describeLimit('memory.max', 4096)).toBe('4096 bytes');
    expect(describeLimit('memory.max', 1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(describeLimit('pids.max', 50)).toBe('50 tasks');
    expect(describeLimit('cpu.quota', 250_000)).toBe('25% of a CPU');
    expect(describeLimit('cpu.quota', null)).toBe('no limit');
  });
});
