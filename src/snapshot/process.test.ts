import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withDetails } from './process.js';
import type { Snapshot } from './schema.js';
import { fakeProcess, fakeSnapshot } from './testing.js';

const dirs: string[] = [];
const target = (s: Snapshot) => s.processes.find((p) => p.pid === 4711);
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A /proc-like tree with one process 4711 started at tick 98765. */
function procTree(files: Record<string, string | null>): string {
  const root = mkdtempSync(join(tmpdir(), 'procdoc-details-'));
  dirs.push(root);
  mkdirSync(join(root, '4711'));
  writeFileSync(join(root, '4711/stat'), '4711 (sleep) S 1 4711 4711 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 98765 1000 25 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n');
  for (const [name, text] of Object.entries(files)) {
    if (text === null) mkdirSync(join(root, '4711', name));
    else writeFileSync(join(root, '4711', name), text);
  }
  return root;
}

describe('withDetails', () => {
  const snapshot = fakeSnapshot({ processes: [fakeProcess({ pid: 4711, startTime: 98765, wchan: null, oomScore: null, oomScoreAdj: null })] });

  it('reads wchan and the OOM scores of the pids asked', () => {
    const root = procTree({ wchan: 'hrtimer_nanosleep', oom_score: '667\n', oom_score_adj: '123\n' });
    expect(target(withDetails(snapshot, [4711], root))).toMatchObject({ wchan: 'hrtimer_nanosleep', oomScore: 667, oomScoreAdj: 123 });
  });

  it('leaves a process whose pid now has another start time as it was', () => {
    const root = procTree({ wchan: 'hrtimer_nanosleep' });
    const other = fakeSnapshot({ processes: [fakeProcess({ pid: 4711, startTime: 1, wchan: null })] });
    expect(target(withDetails(other, [4711], root))).toBe(target(other));
  });

  it("lists what it could not read among the snapshot's errors", () => {
    const root = procTree({ wchan: null, oom_score: '1\n', oom_score_adj: '0\n' });
    const detailed = withDetails(snapshot, [4711], root);
    expect(target(detailed)?.wchan).toBeNull();
    expect(detailed.errors.map((e) => e.path)).toContain(join(root, '4711/wchan'));
  });
});
