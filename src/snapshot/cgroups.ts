import { join } from 'node:path';
import type { Cgroup, CgroupMode, Pressure } from './schema.js';
import { parseColonValues, parseKeyValues, parseLimit, parsePsi } from './parse.js';
import type { FsReader } from './read.js';
import { cgroupId } from './query.js';

export interface CgroupLayout {
  mode: CgroupMode;
  /** Absolute directory of the v2 hierarchy, or null. */
  v2Dir: string | null;
  /** v1 hierarchy key ("cpu,cpuacct", "memory", "name=systemd") -> absolute directory. */
  v1Dirs: Map<string, string>;
}

const V1_NAMED: Record<string, string> = { systemd: 'name=systemd' };

/**
 * Finds the hierarchies from the layout under SYS/fs/cgroup rather than from mountinfo,
 * so a fixture tree or a host /sys mounted into a container is read the same way.
 * v2: cgroup.controllers at the top. Hybrid: v1 directories plus "unified". v1: only v1.
 */
export function detectCgroupLayout(reader: FsReader, sysRoot: string): CgroupLayout {
  const base = join(sysRoot, 'fs/cgroup');
  const v1Dirs = new Map<string, string>();
  if (reader.text(join(base, 'cgroup.controllers'), undefined, true) !== null) {
    return { mode: 'v2', v2Dir: base, v1Dirs };
  }
  const entries = reader.dir(base, undefined, true) ?? [];
  let unified: string | null = null;
  for (const name of entries) {
    if (name === 'unified') {
      if (reader.text(join(base, name, 'cgroup.controllers'), undefined, true) !== null) unified = join(base, name);
      continue;
    }
    // Skip the symlinks "cpu" -> "cpu,cpuacct": the real directory carries the key.
    const dir = join(base, name);
    if (reader.isSymlink(dir)) continue;
    // Its existence marks a hierarchy; reading it would make the kernel list every pid.
    if (!reader.exists(join(dir, 'cgroup.procs'))) continue;
    v1Dirs.set(V1_NAMED[name] ?? name, dir);
  }
  if (v1Dirs.size === 0 && unified === null) return { mode: 'v1', v2Dir: null, v1Dirs };
  return { mode: unified !== null ? 'hybrid' : 'v1', v2Dir: unified, v1Dirs };
}

/** The directory of a cgroup path in a hierarchy, with a v1 key matched loosely ("cpu,cpuacct" vs separate mounts). */
function v1Dir(layout: CgroupLayout, hierarchy: string): string | undefined {
  return layout.v1Dirs.get(hierarchy) ?? layout.v1Dirs.get(hierarchy.split(',')[0] ?? '');
}

function readPressure(reader: FsReader, dir: string): Pressure | null {
  const read = (name: string) => {
    const text = reader.text(join(dir, `${name}.pressure`), undefined, true);
    return text === null ? null : parsePsi(text);
  };
  const pressure = { cpu: read('cpu'), memory: read('memory'), io: read('io') };
  return pressure.cpu === null && pressure.memory === null && pressure.io === null ? null : pressure;
}

function num(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
}

/**
 * A v2 cgroup's freezer: cgroup.freeze is what was asked of this cgroup itself, and the
 * "frozen" key of cgroup.events the state in force, which an ancestor's freeze sets too.
 * Asked but not yet in force is FREEZING. null where there is no cgroup.freeze (the root).
 */
export function v2Freezer(freeze: string | null, events: string | null): Cgroup['freezer'] {
  if (freeze === null) return null;
  const self = freeze.trim() === '1';
  const inForce = events === null ? undefined : parseKeyValues(events).get('frozen');
  const frozen = inForce === undefined ? self : inForce === 1;
  return { state: frozen ? 'FROZEN' : self ? 'FREEZING' : 'THAWED', self };
}

/**
 * Reads one v2 cgroup, or null if it is gone. Controllers absent from cgroup.controllers
 * leave their part null. `nprocs` is its member count, which the caller takes from the
 * processes' own cgroup files: reading cgroup.procs would make the kernel list every
 * member (all of them, at the root).
 */
export function readV2Cgroup(reader: FsReader, layout: CgroupLayout, path: string, nprocs: number | null): Cgroup | null {
  if (layout.v2Dir === null) return null;
  const dir = join(layout.v2Dir, path);
  if (!reader.exists(dir)) return null;
  const opt = (file: string) => reader.text(join(dir, file), undefined, true);
  // At the root, cgroup.controllers lists what is available; the root has no limit files.
  const controllers = (opt('cgroup.controllers') ?? '').trim().split(/\s+/).filter(Boolean);
  const has = (c: string) => controllers.includes(c);

  let memory: Cgroup['memory'] = null;
  const memCurrent = opt('memory.current');
  if (has('memory') || memCurrent !== null) {
    const events = opt('memory.events');
    const ev = events === null ? null : parseKeyValues(events);
    const stat = opt('memory.stat');
    memory = {
      current: num(memCurrent),
      max: parseLimit(opt('memory.max')),
      high: parseLimit(opt('memory.high')),
      peak: num(opt('memory.peak')),
      swapCurrent: num(opt('memory.swap.current')),
      swapMax: parseLimit(opt('memory.swap.max')),
      anon: stat === null ? null : (parseKeyValues(stat).get('anon') ?? null),
      events:
        ev === null
          ? null
          : { low: ev.get('low') ?? 0, high: ev.get('high') ?? 0, max: ev.get('max') ?? 0, oom: ev.get('oom') ?? 0, oomKill: ev.get('oom_kill') ?? 0 },
      failcnt: null,
      oomControl: null,
    };
  }

  let cpu: Cgroup['cpu'] = null;
  const cpuStatText = opt('cpu.stat');
  if (has('cpu') || cpuStatText !== null) {
    const stat = cpuStatText === null ? new Map<string, number>() : parseKeyValues(cpuStatText);
    const [quota, period] = (opt('cpu.max') ?? '').trim().split(/\s+/);
    cpu = {
      quotaUs: quota === undefined || quota === '' || quota === 'max' ? null : Number(quota),
      periodUs: period === undefined ? null : Number(period),
      weight: num(opt('cpu.weight')),
      shares: null,
      usageUs: stat.get('usage_usec') ?? null,
      nrPeriods: stat.get('nr_periods') ?? null,
      nrThrottled: stat.get('nr_throttled') ?? null,
      throttledUs: stat.get('throttled_usec') ?? null,
      sample: null,
    };
  }

  const pidsCurrent = opt('pids.current');
  const pids = pidsCurrent === null ? null : { current: num(pidsCurrent), max: parseLimit(opt('pids.max')) };

  const freezer = v2Freezer(opt('cgroup.freeze'), opt('cgroup.events'));

  return {
    id: cgroupId(2, path),
    version: 2,
    path,
    controllers,
    nprocs,
    memory,
    cpu,
    pids,
    freezer,
    pressure: readPressure(reader, dir),
  };
}

/** Reads one cgroup of a v1 hierarchy, for the controllers that hierarchy carries; `nprocs` as for v2. */
export function readV1Cgroup(reader: FsReader, layout: CgroupLayout, hierarchy: string, path: string, nprocs: number | null): Cgroup | null {
  const base = v1Dir(layout, hierarchy);
  if (base === undefined) return null;
  const dir = join(base, path);
  if (!reader.exists(dir)) return null;
  const opt = (file: string) => reader.text(join(dir, file), undefined, true);
  const controllers = hierarchy.split(',');
  const has = (c: string) => controllers.includes(c);

  let memory: Cgroup['memory'] = null;
  if (has('memory')) {
    const oom = opt('memory.oom_control');
    const oomKv = oom === null ? null : parseKeyValues(oom);
    const stat = opt('memory.stat');
    const st = stat === null ? null : parseKeyValues(stat);
    const failcnt = num(opt('memory.failcnt'));
    const oomKill = oomKv?.get('oom_kill') ?? null;
    memory = {
      current: num(opt('memory.usage_in_bytes')),
      max: parseLimit(opt('memory.limit_in_bytes')),
      // v1 has no memory.high; the soft limit is the closest thing but is not throttling.
      high: null,
      peak: num(opt('memory.max_usage_in_bytes')),
      swapCurrent: null,
      swapMax: null,
      anon: st === null ? null : (st.get('rss') ?? st.get('total_rss') ?? null),
      // v1 counts: failcnt = times the limit was hit ("max"), oom_kill from oom_control.
      events:
        oomKv === null
          ? null
          : { low: 0, high: 0, max: failcnt ?? 0, oom: oomKv.get('under_oom') === 1 ? 1 : (oomKill ?? 0), oomKill: oomKill ?? 0 },
      failcnt,
      oomControl: oomKv === null ? null : { oomKillDisable: oomKv.get('oom_kill_disable') === 1, underOom: oomKv.get('under_oom') === 1, oomKill },
    };
  }

  let cpu: Cgroup['cpu'] = null;
  if (has('cpu') || has('cpuacct')) {
    const stat = parseKeyValues(opt('cpu.stat') ?? '');
    // With cpu and cpuacct mounted apart, usage lives in the cpuacct hierarchy at the same path.
    const acct = has('cpuacct') ? null : layout.v1Dirs.get('cpuacct');
    const usageNs = num(opt('cpuacct.usage') ?? (acct ? reader.text(join(acct, path, 'cpuacct.usage'), undefined, true) : null));
    const quota = num(opt('cpu.cfs_quota_us'));
    cpu = {
      quotaUs: quota === null || quota < 0 ? null : quota,
      periodUs: num(opt('cpu.cfs_period_us')),
      weight: null,
      shares: num(opt('cpu.shares')),
      usageUs: usageNs === null ? null : usageNs / 1000,
      nrPeriods: stat.get('nr_periods') ?? null,
      nrThrottled: stat.get('nr_throttled') ?? null,
      // v1 throttled_time is in nanoseconds.
      throttledUs: stat.has('throttled_time') ? stat.get('throttled_time')! / 1000 : null,
      sample: null,
    };
  }

  const pids = has('pids') ? { current: num(opt('pids.current')), max: parseLimit(opt('pids.max')) } : null;
  const freezerState = has('freezer') ? opt('freezer.state')?.trim() : undefined;
  const selfFreezing = has('freezer') ? opt('freezer.self_freezing')?.trim() : undefined;
  const freezer: Cgroup['freezer'] =
    freezerState === 'FROZEN' || freezerState === 'FREEZING' || freezerState === 'THAWED'
      ? { state: freezerState, ...(selfFreezing === '0' || selfFreezing === '1' ? { self: selfFreezing === '1' } : {}) }
      : null;

  return {
    id: cgroupId(1, path, hierarchy),
    version: 1,
    path,
    controllers,
    nprocs,
    memory,
    cpu,
    pids,
    freezer,
    pressure: null,
  };
}

/** Only the hierarchies whose numbers procdoc uses; the rest (devices, net_cls…) are not read. */
export const V1_READ = ['memory', 'cpu', 'cpuacct', 'pids', 'freezer'];

/** Host meminfo in bytes. */
export function parseMeminfo(text: string): Record<string, number> {
  return Object.fromEntries(parseColonValues(text));
}
