import { describe, expect, it } from 'vitest';
import { ProcdocError } from '../errors.js';
import { parseSnapshot } from './load.js';
import { fakeProcess, fakeSnapshot } from './testing.js';

function failure(text: string): ProcdocError {
  try {
    parseSnapshot(text, 'snap.json');
  } catch (error) {
    if (error instanceof ProcdocError) return error;
    throw error;
  }
  throw new Error('parseSnapshot accepted bad input');
}

describe('parseSnapshot', () => {
  it('accepts a valid snapshot', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 42 })] });
    expect(parseSnapshot(JSON.stringify(s), 'snap.json').processes).toHaveLength(2);
  });

  it('says what to do with a file that is not JSON', () => {
    const e = failure('{"kind": ');
    expect(e.code).toBe('snapshot-invalid');
    expect(e.message).toMatch(/snap.json is not valid JSON/);
    expect(e.hint).toMatch(/procdoc snapshot -o FILE/);
  });

  it('rejects JSON that is not a snapshot', () => {
    expect(failure('{"findings": []}').message).toMatch(/not a procdoc snapshot/);
  });

  it('names the version it reads when the file is of another version', () => {
    const s = { ...fakeSnapshot(), schemaVersion: 2 };
    expect(failure(JSON.stringify(s)).message).toMatch(/schema version 2; this procdoc reads version 1/);
  });

  it('says when schemaVersion is missing or not a number, rather than naming it as a version', () => {
    const without: Partial<ReturnType<typeof fakeSnapshot>> = fakeSnapshot();
    delete without.schemaVersion;
    expect(failure(JSON.stringify(without)).message).toBe('snap.json has no "schemaVersion"; this procdoc reads version 1.');
    expect(failure(JSON.stringify({ ...fakeSnapshot(), schemaVersion: '1' })).message).toBe('snap.json has "schemaVersion": "1", not a number; this procdoc reads version 1.');
  });

  it('rejects a snapshot of no processes: every /proc lists at least its reader', () => {
    const e = failure(JSON.stringify({ ...fakeSnapshot(), processes: [] }));
    expect(e.message).toMatch(/processes: a snapshot lists at least one process/);
  });

  it('points at the fields that do not match the schema', () => {
    const s = fakeSnapshot({ processes: [fakeProcess({ pid: 42 })] }) as unknown as { processes: { state: unknown }[] };
    s.processes[1]!.state = 7;
    const e = failure(JSON.stringify(s));
    expect(e.message).toMatch(/processes\.1\.state/);
  });
});
