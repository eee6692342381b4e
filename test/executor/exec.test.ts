import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { AuditRecordSchema } from '../../src/executor/contract.js';
import { executeCommand, type Answer, type AuditRecord, type ExecDeps } from '../../src/executor/index.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import { loadValidator, type Validator } from '../../src/validator/index.js';
import { createV1Cgroup, createV2Cgroup, removeAllCgroups } from '../support/cgroups.js';
import { descendantsOf } from '../support/proc-fs.js';
import { listProcesses, readState, readStat, startProcess, startStopped, startTermIgnorer, startThreaded, stopAll, waitFor, exitedDetail, type Started } from '../support/procs.js';
import { runInPty } from '../support/pty.js';

let validator: Validator;
let stateDir: string;

const live = () => takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], sampleMs: 0, serviceManager: true });

function deps(overrides: Partial<ExecDeps> = {}): ExecDeps & { out: string[]; asked: number } {
  const out: string[] = [];
  const d = {
    validator,
    takeSnapshot: live,
    confirm: (): Promise<Answer> => {
      d.asked++;
      return Promise.resolve('no-terminal');
    },
    now: () => new Date(),
    auditPath: join(stateDir, 'procdoc', 'audit.jsonl'),
    uid: 0,
    onStdout: (c: string) => void out.push(c),
    onStderr: (c: string) => void out.push(c),
    progress: () => undefined,
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    out,
    asked: 0,
    ...overrides,
  };
  return d;
}

/** A live process whose argv[0] is `marker`. */
function running(marker: string): boolean {
  return listProcesses().some((s) => {
    try {
      return readFileSync(`/proc/${s.pid}/cmdline`, 'utf8').startsWith(marker);
    } catch {
      return false;
    }
  });
}

function audit(): AuditRecord[] {
  const file = join(stateDir, 'procdoc', 'audit.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => AuditRecordSchema.parse(JSON.parse(l)));
}

beforeAll(async () => {
  validator = await loadValidator();
});
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'procdoc-exec-'));
});
afterEach(async () => {
  await removeAllCgroups();
  await stopAll();
  rmSync(stateDir, { recursive: true, force: true });
});
afterAll(async () => {
  await removeAllCgroups();
  await stopAll();
});

describe('procdoc exec (executor)', () => {
  test('a denied command never runs, and the refusal is audited', async () => {
    const outcome = await executeCommand({ command: 'kill -9 1', yes: true, timeoutMs: 5000 }, deps());
    expect(outcome.kind).toBe('refused');
    expect(audit().map((r) => [r.event, r.event === 'refused' ? r.reason : null])).toEqual([['refused', 'deny']]);
  });

  test('a confirm verdict without a yes is declined (the prompt is asked once)', async () => {
    const p = await startProcess('exec sleep 600');
    const d = deps();
    const outcome = await executeCommand({ command: `kill -TERM ${p.pid}`, yes: false, timeoutMs: 5000 }, d);
    expect(outcome).toMatchObject({ kind: 'refused', reason: 'declined' });
    expect(d.asked).toBe(1);
    expect(readStat(p.pid)?.state).not.toBe('Z');
  });

  test('--yes runs a confirmed kill without a shell, verifies the target is gone, and audits decision, result and check', async () => {
    const p = await startProcess('exec sleep 600');
    const outcome = await executeCommand({ command: ['kill', '-TERM', String(p.pid)], yes: true, timeoutMs: 10_000, settleMs: 5000 }, deps());
    expect(outcome.kind).toBe('ran');
    if (outcome.kind !== 'ran') return;
    expect(outcome.plan).toEqual({ mode: 'argv', file: 'kill', args: ['-TERM', String(p.pid)] });
    expect(outcome.result.exitCode).toBe(0);
    expect(outcome.checks).toEqual([{ what: `PID ${p.pid} (sleep) exited`, ok: true, detail: expect.stringMatching(exitedDetail(p.pid, 'sleep')) as string }]);
    const records = audit();
    expect(records.map((r) => r.event)).toEqual(['decision', 'result', 'verified']);
    expect(records[0]).toMatchObject({ event: 'decision', decision: 'confirm', confirmedBy: 'flag', mode: 'argv' });
  });

  test('kill given a thread id ends the whole process it belongs to, and exec verifies that process is gone', async () => {
    const t = await startThreaded();
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    const code = await main(['exec', '--yes', '--json', '--', 'kill', '-TERM', String(t.tid)], io);
    expect(code, io.err).toBe(0);
    const out = JSON.parse(io.out) as { kind: string; checks: unknown[] };
    expect(out.kind).toBe('ran');
    expect(out.checks).toEqual([{ what: `PID ${t.pid} (node) exited`, ok: true, detail: expect.stringMatching(exitedDetail(t.pid, 'node')) as string }]);
    const decision = audit().find((r) => r.event === 'decision');
    expect(decision?.event === 'decision' ? decision.rules.map((r) => r.id) : []).toContain('target-thread');
  });

  test('--expect takes a thread id with the thread\'s own start time: held, it runs; another start time is refused as a reused id', async () => {
    const t = await startThreaded();
    const started = readStat(t.tid)?.starttime;
    expect(started).toBeGreaterThan(0);
    const held = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--json', '--expect', `${t.tid}:${started}`, '--', 'kill', '-CONT', String(t.pid)], held), held.err).toBe(0);
    expect((JSON.parse(held.out) as { kind: string }).kind).toBe('ran');

    const other = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--json', '--expect', `${t.tid}:${started! + 1}`, '--', 'kill', '-CONT', String(t.pid)], other)).toBe(1);
    const refused = JSON.parse(other.out) as { kind: string; reason: string; message: string };
    expect(refused).toMatchObject({ kind: 'refused', reason: 'pid-reused' });
    expect(refused.message).toBe(`Thread ${t.tid} (of PID ${t.pid}) is another thread now (start time ${started}, was ${started! + 1}): the thread expected exited and its id was reused. Nothing was run; check again.`);
  });

  test('exec --json: stdout is the JSON document alone; the command\'s own output goes to stderr', async () => {
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--json', '--', 'echo', 'hello from the command'], io), io.err).toBe(0);
    expect((JSON.parse(io.out) as { kind: string }).kind).toBe('ran');
    expect(io.err).toContain('hello from the command');
  });

  test('a target whose parent does not reap it has exited all the same: verified, a zombie now', async () => {
    const parent = await startProcess('sleep 600 & exec sleep 601');
    const child = await waitFor(() => listProcesses().find((p) => p.ppid === parent.pid && p.comm === 'sleep')?.pid, { timeoutMs: 5000, what: 'the child sleep' });
    const outcome = await executeCommand({ command: ['kill', '-TERM', String(child)], yes: true, timeoutMs: 10_000, settleMs: 5000 }, deps());
    expect(readStat(child)?.state).toBe('Z');
    expect(outcome.kind === 'ran' ? outcome.checks : outcome).toEqual([
      { what: `PID ${child} (sleep) exited`, ok: true, detail: `PID ${child} (sleep) has exited (a zombie until its parent, PID ${parent.pid}, reaps it).` },
    ]);
  });

  test('the effect is verified on snapshots of only what it concerns (observe), where the CLI gives one', async () => {
    const p = await startProcess('exec sleep 600');
    const asked: [readonly number[], readonly string[]][] = [];
    const observe = (pids: readonly number[], units: readonly string[]) => {
      asked.push([pids, units]);
      return takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: [], sampleMs: 0, serviceManager: true, pids: new Set(pids) });
    };
    const outcome = await executeCommand({ command: ['kill', '-TERM', String(p.pid)], yes: true, timeoutMs: 10_000, settleMs: 5000 }, deps({ observe }));
    expect(outcome.kind === 'ran' ? outcome.checks : outcome).toEqual([{ what: `PID ${p.pid} (sleep) exited`, ok: true, detail: expect.stringMatching(exitedDetail(p.pid, 'sleep')) as string }]);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every(([pids, units]) => pids.length === 1 && pids[0] === p.pid && units.length === 0)).toBe(true);
  });

  test('procdoc exec judges on light snapshots completed for the target: the audited decision names its real oom_score_adj', async () => {
    const p = await startProcess('exec sleep 600');
    // Raised, not lowered: lowering needs CAP_SYS_RESOURCE, which this sandbox's root lacks.
    writeFileSync(`/proc/${p.pid}/oom_score_adj`, '123');
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    const code = await main(['exec', '--yes', '--', 'sh', '-c', `echo 500 > /proc/${p.pid}/oom_score_adj`], io);
    expect(code).toBe(0);
    expect(readFileSync(`/proc/${p.pid}/oom_score_adj`, 'utf8').trim()).toBe('500');
    const decision = audit().find((r) => r.event === 'decision');
    expect(decision?.event === 'decision' ? decision.rules.map((r) => r.message).join(' ') : '').toContain(`PID ${p.pid} (sleep) from 123 to 500`);
  });

  test('a failed command is audited with its exit status', async () => {
    const outcome = await executeCommand({ command: 'cat /proc/no-such-file', yes: false, timeoutMs: 5000 }, deps());
    expect(outcome.kind).toBe('ran');
    if (outcome.kind === 'ran') expect(outcome.result.exitCode).toBe(1);
    expect(audit().map((r) => r.event)).toEqual(['decision', 'result']);
    expect(audit()[1]).toMatchObject({ event: 'result', exitCode: 1, timedOut: false });
  });

  test('on timeout the whole process group is killed, background children included', async () => {
    const marker = `procdoc-timeout-${process.pid}`;
    const outcome = await executeCommand({ command: `bash -c 'exec -a ${marker} sleep 60 & exec -a ${marker} sleep 60'`, yes: false, timeoutMs: 1000 }, deps());
    expect(outcome.kind).toBe('ran');
    if (outcome.kind !== 'ran') return;
    expect(outcome.result.timedOut).toBe(true);
    await waitFor(() => !listProcesses().some((s) => s.pgid === outcome.result.pid && s.state !== 'Z'), { timeoutMs: 5000, what: 'the group to be gone' });
    expect(audit()[1]).toMatchObject({ event: 'result', timedOut: true });
  });

  test('a --timeout longer than a timer can hold is bad usage, before anything is judged, run or audited', async () => {
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--timeout', '3000000', '--', 'sleep', '0.2'], io)).toBe(2);
    expect(io.err).toBe(
      'procdoc: --timeout 3000000: at most 2147483 seconds (about 24 days), the longest timer Node.js can set.\n  Give a shorter --timeout; the default is 60.\n',
    );
    expect(audit()).toEqual([]);
    // The executor, given such a timeout by another caller, refuses it too rather than kill the command at once.
    await expect(executeCommand({ command: 'sleep 0.2', yes: true, timeoutMs: 3_000_000_000 }, deps())).rejects.toThrow(/out of range/);
    expect(audit()).toEqual([]);
  });

  test('the longest --timeout a timer holds runs the command to its end', async () => {
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--timeout', '2147483', '--', 'sleep', '0.2'], io), io.err).toBe(0);
    expect(audit().find((r) => r.event === 'result')).toMatchObject({ exitCode: 0, timedOut: false });
  });

  test('PID reuse is refused: a new process checked against a dead process identity (--expect)', async () => {
    const old = await startProcess('exec sleep 600');
    const oldStart = readStat(old.pid)!.starttime;
    await old.stop();
    const fresh = await startProcess('exec sleep 600');
    const outcome = await executeCommand({ command: `kill -TERM ${fresh.pid}`, yes: true, timeoutMs: 5000, expect: [{ pid: fresh.pid, startTime: oldStart }] }, deps());
    expect(outcome).toMatchObject({ kind: 'refused', reason: 'pid-reused' });
    expect(readStat(fresh.pid)?.state).toBe('S');
  });

  test('PID reuse between check and run is refused (snapshot taker injected: the second snapshot has another start time)', async () => {
    const p = await startProcess('exec sleep 600');
    let calls = 0;
    const takeSnapshot = async (): Promise<Snapshot> => {
      const s = await live();
      calls++;
      if (calls === 1) return s;
      return { ...s, processes: s.processes.map((x) => (x.pid === p.pid ? { ...x, startTime: x.startTime + 1234 } : x)) };
    };
    const outcome = await executeCommand({ command: `kill -TERM ${p.pid}`, yes: true, timeoutMs: 5000 }, deps({ takeSnapshot }));
    expect(outcome).toMatchObject({ kind: 'refused', reason: 'pid-reused' });
    expect(audit()[0]).toMatchObject({ event: 'refused', reason: 'pid-reused' });
    expect(readStat(p.pid)?.state).toBe('S');
  });

  test.each([
    ['SIGINT (Ctrl-C)', 'SIGINT', 130],
    ['SIGTERM', 'SIGTERM', 143],
    ['SIGHUP (the terminal went away)', 'SIGHUP', 129],
  ] as const)('%s during the command stops its group, both audit records are there, and procdoc exits 128+signal', async (_name, sig, status) => {
    const marker = `procdoc-${sig.toLowerCase()}-${process.pid}`;
    const child = spawn('node', ['bin/procdoc.js', 'exec', '--yes', '--', `bash -c 'exec -a ${marker} sleep 60'`], {
      cwd: process.cwd(),
      env: { ...process.env, XDG_STATE_HOME: stateDir },
      stdio: 'ignore',
    });
    const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    await waitFor(() => running(marker), { timeoutMs: 20_000, what: 'the command to start' });
    expect(audit().map((r) => r.event)).toEqual(['decision']);
    child.kill(sig);
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(status);
    expect(audit().map((r) => r.event)).toEqual(['decision', 'result']);
    expect(audit()[1]).toMatchObject({ event: 'result', interrupted: true, interruptedBy: sig });
    await waitFor(() => !running(marker), { timeoutMs: 5000, what: 'the command to be gone' });
  });

  test('SIGTERM while the effect is being verified: the command had ended and its result is audited; procdoc says so and exits 143', async () => {
    // The target ignores SIGTERM, so the check that it exited keeps polling (up to 5 s) after kill has ended.
    const ignorer = await startTermIgnorer();
    const child = spawn('node', ['bin/procdoc.js', 'exec', '--yes', '--', 'kill', '-TERM', String(ignorer.pid)], {
      cwd: process.cwd(),
      env: { ...process.env, XDG_STATE_HOME: stateDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    await waitFor(() => existsSync(join(stateDir, 'procdoc', 'audit.jsonl')) && audit().length === 2, { timeoutMs: 20_000, what: 'kill to have run' });
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(143);
    expect(stderr).toContain('procdoc: interrupted by SIGTERM while verifying the effect; the command itself had ended (exit status 0).');
    // What was verified before the signal is audited too: the target had not exited.
    expect(audit()).toMatchObject([{ event: 'decision' }, { event: 'result', exitCode: 0, interrupted: false }, { event: 'verified' }]);
    expect(JSON.stringify(audit()[2])).toContain(`"ok":false`);
    expect(readState(ignorer.pid)).toBe('S');
  });

  test('interrupted before the command runs (while it is judged): nothing runs, and the refusal says so', async () => {
    const p = await startStopped();
    let ran = false;
    const outcome = await executeCommand(
      { command: ['kill', '-CONT', String(p.pid)], yes: true, timeoutMs: 5000 },
      deps({ signal: AbortSignal.abort('SIGTERM'), run: () => ((ran = true), Promise.reject(new Error('must not run'))) }),
    );
    expect(outcome).toMatchObject({ kind: 'refused', reason: 'interrupted', interruptedBy: 'SIGTERM', message: 'Interrupted by SIGTERM before it ran. Nothing was run.' });
    expect(ran).toBe(false);
    expect(audit()).toMatchObject([{ event: 'refused', reason: 'interrupted', interruptedBy: 'SIGTERM' }]);
    expect(readState(p.pid)).toBe('T');
  });

  /** procdoc exec of `kill -CONT TARGET` on a pty, at its Run it? prompt: its pid, the pty, and where its status lands. */
  async function atPrompt(target: number): Promise<{ procdoc: number; pty: Started; status: () => Promise<string> }> {
    const err = join(stateDir, 'stderr');
    const rc = join(stateDir, 'rc');
    // On a terminal (stdin), with stderr in a file to see the prompt; the shell records how procdoc ended.
    const pty = await runInPty(`XDG_STATE_HOME=${stateDir} node ${process.cwd()}/bin/procdoc.js exec -- kill -CONT ${target} 2>${err}; echo $? >${rc}`);
    await waitFor(() => existsSync(err) && readFileSync(err, 'utf8').includes('Run it? [y/N]'), { timeoutMs: 20_000, what: 'the prompt' });
    const procdoc = descendantsOf(pty.pid).find((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return argv[0] === 'node' && argv[1]?.endsWith('bin/procdoc.js') === true;
      } catch {
        return false;
      }
    });
    expect(procdoc).toBeDefined();
    const status = () => waitFor(() => (existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '' ? readFileSync(rc, 'utf8').trim() : undefined), { timeoutMs: 10_000, what: 'procdoc to end' });
    return { procdoc: procdoc!, pty, status };
  }

  test('SIGTERM while procdoc waits at the prompt cancels the question: nothing runs, the refusal is audited, exit 143', async () => {
    const target = await startStopped();
    const { procdoc, status } = await atPrompt(target.pid);
    process.kill(procdoc, 'SIGTERM');
    expect(await status()).toBe('143');
    expect(readState(target.pid)).toBe('T');
    expect(audit()).toMatchObject([{ event: 'refused', reason: 'interrupted', interruptedBy: 'SIGTERM' }]);
  });

  test('Ctrl-C typed at the prompt is an interruption too (exit 130), not an internal error', async () => {
    const target = await startStopped();
    const { pty, status } = await atPrompt(target.pid);
    // script(1) passes what its stdin gets to the terminal: a Ctrl-C keystroke.
    pty.child.stdin?.write('\u0003');
    expect(await status()).toBe('130');
    expect(readFileSync(join(stateDir, 'stderr'), 'utf8')).toContain('procdoc: interrupted by SIGINT before the command ran; nothing was run');
    expect(readState(target.pid)).toBe('T');
    expect(audit()).toMatchObject([{ event: 'refused', reason: 'interrupted', interruptedBy: 'SIGINT' }]);
  });
});

describe('exec of the thaw that check and diagnose offer', () => {
  test.each([
    ['v2', 'cgroup.freeze', '0', 'S'],
    ['v1', 'freezer.state', 'THAWED', 'D'],
  ] as const)('a %s freezer cgroup: the write runs, and the check that it took says the cgroup is thawed', async (version, file, value, frozenState) => {
    const p = await startProcess('exec sleep 600');
    const cg = version === 'v2' ? createV2Cgroup() : createV1Cgroup('freezer');
    cg.addPid(p.pid);
    await cg.freeze();
    await waitFor(() => readState(p.pid) === frozenState, { timeoutMs: 5000, what: `pid ${p.pid} frozen (state ${frozenState})` });
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--json', `echo ${value} > ${cg.dir}/${file}`], io)).toBe(0);
    const outcome = JSON.parse(io.out) as { kind: string; checks: { what: string; ok: boolean | null; detail: string }[] };
    expect(outcome.kind).toBe('ran');
    expect(outcome.checks).toEqual([{ what: `cgroup ${cg.path} thawed`, ok: true, detail: `now THAWED. Its processes: ${p.pid} S.` }]);
    expect(audit().map((r) => r.event)).toEqual(['decision', 'result', 'verified']);
  });
});

describe('exec of a cgroup limit that diagnose proposes (echo N | tee FILE)', () => {
  type Outcome = { kind: string; checks: { what: string; ok: boolean | null; detail: string }[] };

  test.each([
    ['memory', 'memory.limit_in_bytes', '64M', 'set to 64 MiB', /^now 64 MiB \(was no limit\); it uses \d/],
    ['cpu', 'cpu.cfs_quota_us', '25000', 'set to 25% of a CPU', /^now 25% of a CPU \(was no limit\)\.$/],
    ['pids', 'pids.max', '7', 'set to 7 tasks', /^now 7 tasks \(was no limit\); it has 1 task\.$/],
  ] as const)('a v1 %s cgroup: the write runs, and the check reads the new limit back from the kernel', async (controller, file, value, what, detail) => {
    const p = await startProcess('exec sleep 600');
    const cg = createV1Cgroup(controller);
    cg.addPid(p.pid);
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--json', `echo ${value} | tee ${cg.dir}/${file}`], io), io.err).toBe(0);
    const outcome = JSON.parse(io.out) as Outcome;
    expect(outcome.checks).toMatchObject([{ what: `${file} of cgroup ${cg.path} ${what}`, ok: true }]);
    expect(outcome.checks[0]?.detail).toMatch(detail);
    expect(cg.read(file)).toBe(file === 'memory.limit_in_bytes' ? String(64 * 2 ** 20) : value);
    expect(audit().map((r) => r.event)).toEqual(['decision', 'result', 'verified']);
  });

  test('a memory limit below what the cgroup uses: check says the kernel will refuse it; exec runs it, the kernel refuses (EBUSY), and the check says the limit did not take', async () => {
    const cg = createV1Cgroup('memory', { 'memory.swappiness': '0' });
    // Joins the cgroup first, so that the 48 MiB it then fills are charged to it.
    const p = await startProcess(`echo $$ > ${cg.dir}/cgroup.procs; exec node -e 'globalThis.b = Buffer.alloc(48 << 20, 1); setInterval(() => {}, 1e6)'`);
    await waitFor(() => Number(cg.read('memory.usage_in_bytes')) > 48 * 2 ** 20, { timeoutMs: 10_000, what: `pid ${p.pid} to fill 48 MiB in ${cg.path}` });
    const command = `echo 8M | tee ${cg.dir}/memory.limit_in_bytes`;

    const checked = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['check', '--json', command], checked)).toBe(10);
    expect((JSON.parse(checked.out) as { rules: { message: string }[] }).rules[0]?.message).toMatch(/the cgroup uses \d+(\.\d)? MiB now, more than that: the kernel reclaims its memory at once, and refuses the write \(EBUSY\) if it cannot get under it\.$/);

    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--json', command], io)).toBe(1);
    const outcome = JSON.parse(io.out) as Outcome & { result: { exitCode: number } };
    expect(outcome.result.exitCode).toBe(1);
    expect(outcome.checks).toHaveLength(1);
    expect(outcome.checks[0]).toMatchObject({ what: `memory.limit_in_bytes of cgroup ${cg.path} set to 8 MiB`, ok: false });
    expect(outcome.checks[0]?.detail).toMatch(/^now no limit \(was no limit\); it uses \d+(\.\d)? MiB\. The kernel did not take the value written\.$/);
    expect(readState(p.pid)).not.toBe('Z');
  });
});

describe('what exec tells the person', () => {
  const count = (text: string, part: string) => text.split(part).length - 1;

  test('answering no at the prompt says so, apart from having no terminal; the verdict is shown once; nothing runs', async () => {
    const target = await startStopped();
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir }, stdinTty: true, answer: false });
    expect(await main(['exec', '--', 'kill', '-CONT', String(target.pid)], io)).toBe(1);
    expect(count(io.err, `CONFIRM  kill -CONT ${target.pid}`)).toBe(1);
    expect(io.err).toContain('procdoc: not run: You answered no at the prompt.\n  Nothing was run. Run exec again if you change your mind');
    expect(io.err).not.toContain('interactive yes');
    expect(audit()).toMatchObject([{ event: 'refused', reason: 'declined', declined: 'answered-no' }]);
    expect(readState(target.pid)).toBe('T');
  });

  test('with no terminal to ask on, it says how to confirm; the verdict is shown once; nothing runs', async () => {
    const target = await startStopped();
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir }, stdinTty: false });
    expect(await main(['exec', '--', 'kill', '-CONT', String(target.pid)], io)).toBe(1);
    expect(count(io.err, `CONFIRM  kill -CONT ${target.pid}`)).toBe(1);
    expect(io.err).toContain('procdoc: not run: Not confirmed: it needs an interactive yes, or --yes, and there is no terminal to ask on.\n  Run it on a terminal and answer y, or pass --yes');
    expect(audit()).toMatchObject([{ event: 'refused', reason: 'declined', declined: 'no-terminal' }]);
    expect(readState(target.pid)).toBe('T');
  });

  test('--yes shows what it says yes to (the confirm rules) before it runs', async () => {
    const target = await startTermIgnorer();
    const io = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--', 'kill', String(target.pid)], io)).toBe(1);
    const shown = io.err.indexOf(`procdoc: --yes confirms kill ${target.pid}:\n  ? signal-ignored: `);
    expect(shown, io.err).toBeGreaterThanOrEqual(0);
    expect(shown).toBeLessThan(io.err.indexOf('procdoc: running kill'));
    expect(io.err).toContain('its effect could not be verified');
    // Programs that ask for JSON read the verdict there: nothing of it on stderr.
    const json = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    await main(['exec', '--yes', '--json', '--', 'kill', '-CONT', String(target.pid)], json);
    expect(json.err).not.toContain('--yes confirms');
  });

  test('the hints point at the rules where they are: above in text, in the JSON on stdout with --json', async () => {
    const text = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--', 'kill', '1'], text)).toBe(1);
    expect(text.err).toContain('  Deal with what the rules above say; a denied command never runs, not even with --yes.\n');
    const json = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--json', '--', 'kill', '1'], json)).toBe(1);
    expect(json.err).toBe(
      'procdoc: not run: The validator denies this command; procdoc never runs a denied command.\n  Deal with what the rules in the JSON on stdout say; a denied command never runs, not even with --yes.\n',
    );
    expect((JSON.parse(json.out) as { verdict: { rules: unknown[] } }).verdict.rules.length).toBeGreaterThan(0);

    // An effect not verified: the checks are printed above in text, and only in the JSON with --json.
    const target = await startTermIgnorer();
    const unverified = memoryIo({ env: { XDG_STATE_HOME: stateDir } });
    expect(await main(['exec', '--yes', '--json', '--', 'kill', String(target.pid)], unverified)).toBe(1);
    expect(unverified.err).toBe('procdoc: the command ran but its effect could not be verified (see checks in the JSON on stdout).\n  Look again with procdoc diagnose.\n');
  });
});

describe('the audit log', () => {
  test('when it cannot be written, nothing runs (fail closed) and the error says what to do', async () => {
    const p = await startProcess('exec sleep 600');
    const d = deps({ auditPath: '/proc/procdoc-audit/audit.jsonl' });
    await expect(executeCommand({ command: `kill -TERM ${p.pid}`, yes: true, timeoutMs: 5000 }, d)).rejects.toThrow(/Cannot write the audit log[\s\S]*/);
    expect(readStat(p.pid)?.state).toBe('S');
  });
});
