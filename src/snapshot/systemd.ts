import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import type { Snapshot, Unit } from './schema.js';
import { parseLimit } from './parse.js';
import { FsReader } from './read.js';

const PROPERTIES = [
  'Id',
  'Description',
  'LoadState',
  'ActiveState',
  'SubState',
  'Restart',
  'RestartUSec',
  'KillMode',
  'KillSignal',
  'MainPID',
  'ControlGroup',
  'NRestarts',
  'OOMScoreAdjust',
  'MemoryMax',
  'MemoryHigh',
  'TasksMax',
  'CPUQuotaPerSecUSec',
  'FragmentPath',
];

/** "100ms", "1min 30s", "infinity" -> microseconds. */
export function parseTimespan(text: string | undefined): number | null {
  if (text === undefined || text === '' || text === 'infinity') return null;
  const units: Record<string, number> = { us: 1, usec: 1, ms: 1e3, msec: 1e3, s: 1e6, sec: 1e6, min: 60e6, h: 3600e6, d: 86400e6 };
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(/([\d.]+)\s*([a-z]+)?/g)) {
    matched = true;
    total += Number(m[1]) * (units[m[2] ?? 's'] ?? 1e6);
  }
  return matched ? total : null;
}

/** Parses `systemctl show` output (blocks of Key=Value separated by blank lines). */
export function parseSystemctlShow(text: string, manager: 'system' | 'user', userUid: number | null): Unit[] {
  const units: Unit[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const kv = new Map<string, string>();
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
    }
    const name = kv.get('Id');
    if (!name) continue;
    const numOrNull = (key: string): number | null => {
      const v = kv.get(key);
      if (v === undefined || v === '' || v === '[not set]') return null;
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    };
    const mainPid = numOrNull('MainPID');
    units.push({
      name,
      manager,
      userUid,
      type: name.slice(name.lastIndexOf('.') + 1),
      description: kv.get('Description') ?? null,
      loadState: kv.get('LoadState') ?? null,
      activeState: kv.get('ActiveState') ?? null,
      subState: kv.get('SubState') ?? null,
      restart: kv.get('Restart') ?? null,
      restartUsec: parseTimespan(kv.get('RestartUSec')),
      killMode: kv.get('KillMode') ?? null,
      killSignal: numOrNull('KillSignal'),
      mainPid: mainPid === 0 ? null : mainPid,
      controlGroup: kv.get('ControlGroup') || null,
      nRestarts: numOrNull('NRestarts'),
      oomScoreAdjust: numOrNull('OOMScoreAdjust'),
      memoryMax: kv.get('MemoryMax') === 'infinity' ? null : parseLimit(kv.get('MemoryMax') ?? null),
      memoryHigh: kv.get('MemoryHigh') === 'infinity' ? null : parseLimit(kv.get('MemoryHigh') ?? null),
      tasksMax: kv.get('TasksMax') === 'infinity' ? null : parseLimit(kv.get('TasksMax') ?? null),
      cpuQuotaPerSecUs: parseTimespan(kv.get('CPUQuotaPerSecUSec')),
      fragmentPath: kv.get('FragmentPath') || null,
    });
  }
  return units;
}

/**
 * The snapshot with these system units added as systemctl reports them, for those it does
 * not list yet: a snapshot asks only about units that own processes, and a command may act
 * on a stopped unit, or on a name that is no unit at all. The same snapshot when nothing is
 * missing or the host's init is not systemd. Only for a snapshot of the live system.
 */
export function withSystemUnits(snapshot: Snapshot, names: readonly string[]): Snapshot {
  const known = new Set(snapshot.units.map((u) => u.name));
  const missing = [...new Set(names)].filter((name) => !known.has(name));
  if (missing.length === 0 || snapshot.host.initSystem !== 'systemd') return snapshot;
  const reader = new FsReader();
  const units = querySystemUnits(missing, reader);
  return { ...snapshot, units: [...snapshot.units, ...units], errors: [...snapshot.errors, ...reader.errors()] };
}

/**
 * Asks the system service manager about the units the snapshot saw, in one call.
 * Returns [] (and notes why) when there is no systemd to ask.
 */
export function querySystemUnits(names: readonly string[], reader: FsReader, timeoutMs = 3000): Unit[] {
  if (names.length === 0) return [];
  // Required here, not imported: loading child_process costs every snapshot a few ms, and most ask nothing.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof ChildProcess;
  const result = spawnSync('systemctl', ['show', '--no-pager', `--property=${PROPERTIES.join(',')}`, '--', ...names], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, SYSTEMD_PAGER: '', LC_ALL: 'C' },
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    reader.note({ path: 'systemctl show', code, message: code === 'ENOENT' ? 'systemctl is not installed' : `systemctl did not answer (${code})` });
    return [];
  }
  if (result.status !== 0) {
    const first = (result.stderr || '').trim().split('\n')[0] ?? '';
    reader.note({ path: 'systemctl show', code: `exit ${result.status ?? 'signal'}`, message: first || 'systemctl failed' });
    return [];
  }
  return parseSystemctlShow(result.stdout, 'system', null);
}
