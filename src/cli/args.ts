import { ProcdocError } from '../errors.js';

/** Commander argument parsers that fail with a usage error a person can act on. */
export function parsePid(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new ProcdocError('usage', `"${value}" is not a process ID.`, { hint: 'Give a positive whole number, e.g. 4711.' });
  }
  return n;
}

export function collectPids(value: string, previous: number[] = []): number[] {
  return [...previous, ...value.split(',').map((v) => parsePid(v))];
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds: a number in `bare` units, or amounts with units, one or
 * several ("300ms", "2s", "1m30s", "1.5min", "1h").
 */
function durationMs(value: string, bare: 'ms' | 's', example: string): number {
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * UNIT_MS[bare]!);
  let total = 0;
  let at = 0;
  const part = /(\d+(?:\.\d+)?)\s*(ms|min|h|m|s)\s*/y;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (m === null) {
      throw new ProcdocError('usage', `"${value}" is not a duration.`, { hint: `Use ${bare === 'ms' ? 'milliseconds' : 'seconds'} (${example}) or units: 300ms, 2s, 1m30s, 1h.` });
    }
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = part.lastIndex;
  }
  if (text === '') throw new ProcdocError('usage', 'An empty duration.', { hint: `Use ${bare === 'ms' ? 'milliseconds' : 'seconds'} (${example}) or units: 300ms, 2s, 1m30s.` });
  return Math.round(total);
}

/** A sampling interval (--sample): "300" (milliseconds), "300ms", "2s", "1m" -> milliseconds. */
export function parseDuration(value: string): number {
  return durationMs(value, 'ms', '300');
}

/** A window to watch (--for): "30" (seconds), "30s", "1m30s", "500ms" -> milliseconds. */
export function parseWindow(value: string): number {
  return durationMs(value, 's', '30');
}
