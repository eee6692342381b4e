import { describe, expect, it } from 'vitest';
import { parseDuration, parsePid, parseWindow } from './args.js';

describe('durations', () => {
  it('--sample: a bare number is milliseconds; units may be combined', () => {
    expect(parseDuration('300')).toBe(300);
    expect(parseDuration('300ms')).toBe(300);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2min')).toBe(120_000);
  });

  it('--for: a bare number is seconds, as a window is counted', () => {
    expect(parseWindow('30')).toBe(30_000);
    expect(parseWindow('30s')).toBe(30_000);
    expect(parseWindow('500ms')).toBe(500);
    expect(parseWindow('1m 30s')).toBe(90_000);
    expect(parseWindow('1h')).toBe(3_600_000);
  });

  it('refuses what is not a duration, with the unit a bare number would have', () => {
    for (const bad of ['soon', '', '1x', '1m30', 's', '-5s', '1m30sx']) {
      expect(() => parseWindow(bad), bad).toThrow(/duration/);
    }
    expect(() => parseWindow('soon')).toThrow(expect.objectContaining({ hint: 'Use seconds (30) or units: 300ms, 2s, 1m30s, 1h.' }) as Error);
    expect(() => parseDuration('soon')).toThrow(expect.objectContaining({ hint: 'Use milliseconds (300) or units: 300ms, 2s, 1m30s, 1h.' }) as Error);
  });

  it('process ids: positive whole numbers only', () => {
    expect(parsePid('4711')).toBe(4711);
    for (const bad of ['0', '-1', 'abc', '1.5', '99999999999999999999']) expect(() => parsePid(bad), bad).toThrow(/is not a process ID/);
  });
});
