import { describe, expect, it } from 'vitest';
import { commandNameOf, judgesWithParser } from './argv.js';

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

describe('judgesWithParser', () => {
  it('is true for check and exec, after global options too', () => {
    expect(judgesWithParser(['check', '--', 'kill', '-9', '1'])).toBe(true);
    expect(judgesWithParser(['--proc-root', '/host/proc', 'exec', '--yes', '--', 'kill', '1'])).toBe(true);
  });

  it('is false for their help, for other commands, and for a check that is only an argument', () => {
    expect(judgesWithParser(['check', '--help'])).toBe(false);
    expect(judgesWithParser(['exec', '-h'])).toBe(false);
    expect(judgesWithParser(['diagnose', '--json'])).toBe(false);
    expect(judgesWithParser(['--model', 'check', 'snapshot'])).toBe(false);
    expect(judgesWithParser(['--', 'check'])).toBe(false);
  });
});
