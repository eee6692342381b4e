import { ProcdocError } from '../errors.js';

/** Commander argument parsers that fail with a usage error a person can act on. */
export function parsePid(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new ProcdocError('usage', `"${value}" is not a process ID.`, { hint: 'Give a positive whole number, e.g. --pid 4711.' });
  }
  return n;
}

export function collectPids(value: string, previous: number[] = []): number[] {
  return [...previous, ...value.split(',').map((v) => parsePid(v))];
}

/** "300", "300ms", "2s", "1m", "30s" -> milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/.exec(value.trim());
  if (!m) {
    throw new ProcdocError('usage', `"${value}" is not a duration.`, { hint: 'Use milliseconds (300) or a unit: 300ms, 2s, 1m.' });
  }
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000);
}
