import type { Cgroup, Snapshot, Unit } from '../snapshot/schema.js';
import type { LimitSetting } from './acc.js';

/*
 * Cgroup limits as commands set them: the value written to a limit file, or given to
 * `systemctl set-property`, turned into what the snapshot reads back (Cgroup.memory.max,
 * .high, .pids.max, .cpu quota), so that exec can verify that the limit took.
 */

/** The limit files procdoc verifies, by name: the setting each sets, and how its value reads. */
const LIMIT_FILES: Record<string, { setting: LimitSetting; controller: 'memory' | 'pids' | 'cpu'; value: 'bytes' | 'count' | 'cpu.max' | 'quota' }> = {
  'memory.max': { setting: 'memory.max', controller: 'memory', value: 'bytes' },
  'memory.limit_in_bytes': { setting: 'memory.max', controller: 'memory', value: 'bytes' },
  'memory.high': { setting: 'memory.high', controller: 'memory', value: 'bytes' },
  'pids.max': { setting: 'pids.max', controller: 'pids', value: 'count' },
  'cpu.max': { setting: 'cpu.quota', controller: 'cpu', value: 'cpu.max' },
  'cpu.cfs_quota_us': { setting: 'cpu.quota', controller: 'cpu', value: 'quota' },
};

export type LimitFile = (typeof LIMIT_FILES)[string];

export function limitFile(name: string): LimitFile | undefined {
  return Object.hasOwn(LIMIT_FILES, name) ? LIMIT_FILES[name] : undefined;
}

/** The default CFS period (cpu.max, cpu.cfs_period_us) when the cgroup's own is unknown. */
const DEFAULT_PERIOD_US = 100_000;

const BINARY_SUFFIX: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50, E: 2 ** 60 };

/** "512M", "1G", "1048576" (the kernel's memparse and systemd's sizes, both powers of 1024) -> bytes; null when not a size. */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([KMGTPE])?$/i.exec(text.trim());
  if (!m) return null;
  return Math.floor(Number(m[1]) * (m[2] === undefined ? 1 : BINARY_SUFFIX[m[2].toUpperCase()]!));
}

/**
 * The limit a value written to a cgroup file sets, as the snapshot reads it back: bytes
 * (rounded down to whole pages, as the kernel keeps them), tasks, or CPU microseconds per
 * second; null for no limit; undefined when the value is not one the kernel accepts.
 * `periodUs`: the cgroup's CFS period, which a v1 quota is a share of.
 */
export function fileLimitValue(file: LimitFile, value: string, pageSize: number, periodUs: number | null): number | null | undefined {
  const v = value.trim();
  switch (file.value) {
    case 'bytes': {
      if (v === 'max' || v === '-1') return null;
      const bytes = parseSize(v);
      return bytes === null ? undefined : Math.floor(bytes / pageSize) * pageSize;
    }
    case 'count':
      return v === 'max' ? null : /^\d+$/.test(v) ? Number(v) : undefined;
    case 'quota': {
      if (v === '-1') return null;
      return /^\d+$/.test(v) ? perSecond(Number(v), periodUs ?? DEFAULT_PERIOD_US) : undefined;
    }
    case 'cpu.max': {
      const [quota, period] = v.split(/\s+/);
      const p = period === undefined ? (periodUs ?? DEFAULT_PERIOD_US) : /^\d+$/.test(period) ? Number(period) : NaN;
      if (Number.isNaN(p) || p === 0) return undefined;
      if (quota === 'max') return null;
      return quota !== undefined && /^\d+$/.test(quota) ? perSecond(Number(quota), p) : undefined;
    }
  }
}

function perSecond(quotaUs: number, periodUs: number): number {
  return Math.round((quotaUs * 1e6) / periodUs);
}

/** The systemd unit property that sets each setting, as systemctl show names it. */
const UNIT_PROPERTY: Record<LimitSetting, string> = {
  'memory.max': 'MemoryMax',
  'memory.high': 'MemoryHigh',
  'pids.max': 'TasksMax',
  'cpu.quota': 'CPUQuota',
};

/** The properties procdoc verifies, and the setting each sets: those above, and MemoryLimit= (cgroup v1's older name). */
const UNIT_PROPERTIES: Record<string, LimitSetting> = {
  ...Object.fromEntries(Object.entries(UNIT_PROPERTY).map(([setting, property]) => [property, setting as LimitSetting])),
  MemoryLimit: 'memory.max',
};

export function unitLimitSetting(property: string): LimitSetting | undefined {
  return Object.hasOwn(UNIT_PROPERTIES, property) ? UNIT_PROPERTIES[property] : undefined;
}

/**
 * The limit a `systemctl set-property` assignment sets, as systemctl show reports it:
 * bytes (MemoryMax=1G, 50% of the host's memory), tasks, or CPU microseconds per second
 * (CPUQuota=50%); null for none ("infinity", or empty, which resets it); undefined when
 * procdoc cannot compute it (TasksMax=10%, a share of a kernel limit) or systemd would
 * reject it.
 */
export function unitLimitValue(setting: LimitSetting, value: string, host: Snapshot['host']): number | null | undefined {
  const v = value.trim();
  if (v === '' || v === 'infinity') return null;
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(v);
  if (setting === 'cpu.quota') return percent ? Math.round(Number(percent[1]) * 10_000) : undefined;
  if (setting === 'pids.max') return /^\d+$/.test(v) ? Number(v) : undefined;
  if (percent) {
    const total = host.meminfo.MemTotal;
    return total === undefined ? undefined : Math.floor((total * Number(percent[1])) / 100);
  }
  return parseSize(v) ?? undefined;
}

/** The value of `setting` in a cgroup as the snapshot read it: null for none, undefined when not read. */
export function cgroupLimit(cgroup: Cgroup, setting: LimitSetting): number | null | undefined {
  switch (setting) {
    case 'memory.max':
      return cgroup.memory === null ? undefined : cgroup.memory.max;
    case 'memory.high':
      return cgroup.memory === null ? undefined : cgroup.memory.high;
    case 'pids.max':
      return cgroup.pids === null ? undefined : cgroup.pids.max;
    case 'cpu.quota': {
      const cpu = cgroup.cpu;
      if (cpu === null) return undefined;
      if (cpu.quotaUs === null) return null;
      return cpu.periodUs === null || cpu.periodUs === 0 ? undefined : perSecond(cpu.quotaUs, cpu.periodUs);
    }
  }
}

/** The property systemd shows for a setting, and its value in a unit as the snapshot holds it (undefined: not known). */
export function unitLimit(unit: Unit, setting: LimitSetting): { property: string; value: number | null | undefined } {
  const value = { 'memory.max': unit.memoryMax, 'memory.high': unit.memoryHigh, 'pids.max': unit.tasksMax, 'cpu.quota': unit.cpuQuotaPerSecUs }[setting];
  return { property: UNIT_PROPERTY[setting], value };
}

/** Whether a cgroup is the unit's own (…/name.service), not one it merely sits in (the root of a hierarchy systemd does not run). */
export function ownCgroup(cgroup: Cgroup, unit: string): boolean {
  return cgroup.path.endsWith(`/${unit}`);
}

/** The controller that enforces `setting`. */
export function controllerOf(setting: LimitSetting): 'memory' | 'pids' | 'cpu' {
  return setting === 'pids.max' ? 'pids' : setting === 'cpu.quota' ? 'cpu' : 'memory';
}

/** A limit for people: "512 MiB", "100 tasks", "50% of a CPU", "no limit". */
export function describeLimit(setting: LimitSetting, value: number | null): string {
  if (value === null) return 'no limit';
  if (setting === 'pids.max') return `${value} task${value === 1 ? '' : 's'}`;
  if (setting === 'cpu.quota') return `${Math.round(value / 100) / 100}% of a CPU`;
  const [size, unit] = value >= 2 ** 30 ? [value / 2 ** 30, 'GiB'] : value >= 2 ** 20 ? [value / 2 ** 20, 'MiB'] : [value, 'bytes'];
  return `${Number.isInteger(size) ? size : size.toFixed(1)} ${unit}`;
}
