import { describe, expect, test } from 'vitest';
import { parseSignal, signalName } from './signals.js';

describe('signal names', () => {
  test('each number has its one name, never an alias (IOT, CLD, POLL)', () => {
    expect([1, 6, 9, 15, 17, 19, 29, 31].map(signalName)).toEqual(['SIGHUP', 'SIGABRT', 'SIGKILL', 'SIGTERM', 'SIGCHLD', 'SIGSTOP', 'SIGIO', 'SIGSYS']);
    expect([0, 34, 37, 64, 65].map(signalName)).toEqual(['0', 'SIGRTMIN', 'SIGRTMIN+3', 'SIGRTMIN+30', 'signal 65']);
  });

  test('every name parses back to its number', () => {
    for (let n = 1; n <= 64; n++) if (n !== 32 && n !== 33) expect(parseSignal(signalName(n)), signalName(n)).toBe(n);
  });
});
