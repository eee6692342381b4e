import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { readState, startStopped, stopAll } from '../support/procs.js';

/*
 * exec signals PIDs of this machine, so it must judge against this machine's own view of
 * its processes: /proc, or a view of it that shows procdoc as itself. A fixture tree, or a
 * host's /proc seen from another PID namespace, names other processes by the same numbers.
 */

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/procdoc.js');
const HOST = join(ROOT, 'fixtures/hosts/v2-host');

let work: string;

function auditEvents(): string[] {
  const file = join(work, 'state', 'procdoc', 'audit.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { event: string }).event);
}

/** Runs `sh -c script` under unshare with the given flags; bounded, and its children die with it. */
function unshared(flags: string[], script: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync('unshare', [...flags, '--propagation', 'private', '--kill-child', 'sh', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env, XDG_STATE_HOME: join(work, 'state') },
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'procdoc-procroot-'));
});
afterEach(async () => {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
});
afterAll(stopAll);

describe('exec refuses a --proc-root that is not this machine\'s live view', () => {
  test('a fixture tree that holds a real PID: refused as bad usage, and the real process is not signalled', async () => {
    const target = await startStopped();
    // The fixture host, plus the stopped process's own files under its real PID: judged
    // against this tree, kill -CONT is a plain confirm.
    const proc = join(work, 'proc');
    cpSync(join(HOST, 'proc'), proc, { recursive: true });
    mkdirSync(join(proc, String(target.pid)));
    for (const f of ['stat', 'status', 'cmdline', 'cgroup', 'wchan', 'oom_score_adj']) {
      writeFileSync(join(proc, String(target.pid), f), readFileSync(`/proc/${target.pid}/${f}`));
    }
    const io = memoryIo({ env: { XDG_STATE_HOME: join(work, 'state') } });
    const code = await main(['--proc-root', proc, '--sys-root', join(HOST, 'sys'), 'exec', '--yes', '--', 'kill', '-CONT', String(target.pid)], io);
    expect(code, io.err).toBe(2);
    expect(io.err).toContain(`procdoc: --proc-root ${proc}: exec runs the command on this machine, but ${proc} has no self entry`);
    expect(readState(target.pid)).toBe('T');
    expect(auditEvents()).toEqual([]);
  });

  test('a host\'s /proc seen from another PID namespace (as from a container): refused, naming the namespace', async () => {
    const target = await startStopped();
    const hostProc = join(work, 'host-proc');
    mkdirSync(hostProc);
    // In a new PID and mount namespace: the host's /proc bound at hostProc, the namespace's own at /proc.
    const r = unshared(
      ['--pid', '--fork', '--mount'],
      `mount --bind /proc "$HOSTPROC" && mount -t proc proc /proc && exec node "$CLI" --proc-root "$HOSTPROC" exec --yes -- kill -CONT "$TARGET"`,
      { HOSTPROC: hostProc, CLI, TARGET: String(target.pid) },
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^procdoc: --proc-root ${hostProc}: exec runs the command on this machine, but ${hostProc}/self is PID \\d+, and procdoc is PID \\d+ here: it is the /proc of another PID namespace`));
    expect(readState(target.pid)).toBe('T');
    expect(auditEvents()).toEqual([]);
  });

  test('a bind mount of our own /proc shows procdoc as itself: accepted, and the command runs and is verified', async () => {
    const target = await startStopped();
    const bound = join(work, 'bound-proc');
    mkdirSync(bound);
    const r = unshared(['--mount'], `mount --bind /proc "$BOUND" && exec node "$CLI" --proc-root "$BOUND" exec --yes -- kill -CONT "$TARGET"`, {
      BOUND: bound,
      CLI,
      TARGET: String(target.pid),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`✓ PID ${target.pid} (sleep) resumed`);
    expect(readState(target.pid)).not.toBe('T');
    expect(auditEvents()).toEqual(['decision', 'result', 'verified']);
  });
});
