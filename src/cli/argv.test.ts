import { describe, expect, it } from 'vitest';
import { commandNameOf, readsLiveProc } from './argv.js';

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

describe('readsLiveProc', () => {
  it('is true for the commands that read the live /proc', () => {
    for (const name of ['snapshot', 'diagnose', 'pipeline', 'check', 'exec', 'ask']) expect(readsLiveProc([name])).toBe(true);
  });

  it('is false for saved snapshots, help, and anything else', () => {
    expect(readsLiveProc(['diagnose', '--from', 'host.json'])).toBe(false);
    expect(readsLiveProc(['check', '--from=host.json', '--', 'kill', '1'])).toBe(false);
    expect(readsLiveProc(['snapshot', '--help'])).toBe(false);
    expect(readsLiveProc(['--version'])).toBe(false);
    expect(readsLiveProc(['frobnicate'])).toBe(false);
  });
});
