import { describe, expect, it } from 'vitest';
import { commandNameOf } from './main.js';

describe('commandNameOf', () => {
  it('skips global options and their values', () => {
    expect(commandNameOf(['--proc-root', '/host/proc', '--no-color', 'diagnose', '--json'])).toBe('diagnose');
    expect(commandNameOf(['--model', 'snapshot', 'check', '--', 'kill', '1'])).toBe('check');
  });

  it('finds none before --, or in options alone', () => {
    expect(commandNameOf(['--', 'snapshot'])).toBeUndefined();
    expect(commandNameOf(['--version'])).toBeUndefined();
  });
});
