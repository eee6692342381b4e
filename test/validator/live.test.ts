import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { takeSnapshot } from '../../src/snapshot/take.js';
import { loadValidator, type Validator } from '../../src/validator/index.js';
import { createV1Cgroup, createV2Cgroup, removeAllCgroups } from '../support/cgroups.js';
import { readStat, readState, readStatus, startPidNamespace, startProcess, startStopped, startTermIgnorer, startThreaded, startZombie, stopAll, waitFor } from '../support/procs.js';

// Live targets: real processes started here, judged against a real snapshot of /proc.

const run = promisify(execFile);
let validator: Validator;

function snap(pids: number[]) {
  return takeSnapshot({ procRoot: '/proc', sysRoot: '/sys', deep: false, deepPids: pids, sampleMs: 0, serviceManager: true });
}

beforeAll(async () => {
  validator = await loadValidator();
});
afterEach(async () => {
  await removeAllCgroups();
  await stopAll();
});
afterAll(async () => {
  await removeAllCgroups();
  await stopAll();
});

describe('live targets', () => {
  test('check of pkill -f PATTERN is not denied because procdoc\'s own command line (and its wrapper\'s) holds the pattern', async () => {
    const marker = `procdoc-marker-${process.pid}`;
    const target = await startProcess(`exec -a ${marker} sleep 600`);
    await waitFor(() => readStat(target.pid)?.comm === 'sleep', { timeoutMs: 5000, what: 'the marked sleep' });
    // procdoc as a person runs it, under a wrapper, so that both command lines carry the pattern.
    const checked = await run('timeout', ['30', 'node', 'bin/procdoc.js', 'check', '--json', '--', 'pkill', '-f', marker]).catch((e: { stdout: string }) => e);
    const verdict = JSON.parse(checked.stdout) as { decision: string; rules: { id: string }[]; targets: { pid: number }[]; alternatives: string[] };
    expect(verdict.rules.map((r) => r.id)).not.toContain('target-self');
    expect(verdict.decision).toBe('confirm');
    expect(verdict.targets.map((t) => t.pid)).toEqual([target.pid]);
    // exec runs pkill as its own child, where the pattern does match procdoc: there it is still
    // refused. Here the marked sleep stands in for a procdoc whose command line holds the pattern.
    const asSelf = { ...(await snap([target.pid])), self: { pid: target.pid, ancestors: [] } };
    expect(validator.check(['pkill', '-f', marker], asSelf, { runBy: 'procdoc' }).rules.map((r) => r.id)).toContain('target-self');
    expect(validator.check(['pkill', '-f', marker], asSelf, { runBy: 'caller' }).rules.map((r) => r.id)).not.toContain('target-self');
  });

  test('a zombie is denied, naming its parent and SIGCHLD to it', async () => {
    const z = await startZombie();
    const verdict = validator.check(`kill -9 ${z.zombiePid}`, await snap([z.zombiePid, z.parentPid]));
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-zombie']);
    expect(verdict.rules[0]?.message).toContain(`PID ${z.parentPid}`);
    expect(verdict.alternatives).toContain(`kill -s CHLD ${z.parentPid}`);
  });

  test('a process in a frozen v1 freezer cgroup is in D state: the signal would stay pending', async () => {
    const p = await startProcess('exec sleep 600');
    const cg = createV1Cgroup('freezer');
    cg.addPid(p.pid);
    await cg.freeze();
    await waitFor(() => readState(p.pid) === 'D', { timeoutMs: 5000, what: `pid ${p.pid} in D state` });
    const verdict = validator.check(`kill -TERM ${p.pid}`, await snap([p.pid]));
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.map((r) => r.id)).toContain('uninterruptible-target');
    expect(verdict.rules.find((r) => r.id === 'uninterruptible-target')?.message).toMatch(/FROZEN|uninterruptible/);
    // The thaw it offers is the right write: run it, and the process sleeps again.
    expect(verdict.alternatives).toEqual([`echo THAWED > ${cg.dir}/freezer.state`]);
    await run('bash', ['-c', verdict.alternatives[0]!]);
    await waitFor(() => readState(p.pid) === 'S', { timeoutMs: 5000, what: `pid ${p.pid} to sleep again once thawed` });
  });

  test('a process frozen through a v2 cgroup sleeps (S): procdoc check says the SIGTERM it handles would wait, and offers the thaw that works', async () => {
    const p = await startProcess(`exec node -e "process.on('SIGTERM', () => process.exit(3)); setInterval(() => undefined, 1e6)"`);
    await waitFor(() => readStatus(p.pid)?.SigCgt !== undefined && (BigInt(`0x${readStatus(p.pid)!.SigCgt}`) & (1n << 14n)) !== 0n, { what: 'the handler for SIGTERM' });
    const cg = createV2Cgroup();
    cg.addPid(p.pid);
    await cg.freeze();
    const io = memoryIo();
    expect(await main(['check', '--json', '--', 'kill', '-TERM', String(p.pid)], io)).toBe(10);
    const verdict = JSON.parse(io.out) as { rules: { id: string; message: string }[]; alternatives: string[] };
    expect(verdict.rules.map((r) => r.id)).toEqual(['state-change']);
    expect(verdict.rules[0]?.message).toContain(`is frozen (its cgroup ${cg.path} is FROZEN): SIGTERM stays pending until the cgroup is thawed`);
    expect(verdict.alternatives).toEqual([`echo 0 > ${cg.dir}/cgroup.freeze`]);
    // The signal does wait: sent now, the process is still there; after the offered thaw it acts.
    process.kill(p.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(readState(p.pid)).toBe('S');
    await run('bash', ['-c', verdict.alternatives[0]!]);
    await waitFor(() => readState(p.pid) === undefined || readState(p.pid) === 'Z', { timeoutMs: 5000, what: `pid ${p.pid} to take SIGTERM once thawed` });
  });

  test('procdoc check reads the details its light snapshot left out for the target: its oom_score_adj', async () => {
    const p = await startProcess('exec sleep 600');
    // Named sleep only once bash's exec has gone through.
    await waitFor(() => readStat(p.pid)?.comm === 'sleep', { timeoutMs: 5000, what: `pid ${p.pid} to exec sleep` });
    writeFileSync(`/proc/${p.pid}/oom_score_adj`, '123');
    const io = memoryIo();
    const code = await main(['check', '--json', '--', 'sh', '-c', `echo -500 > /proc/${p.pid}/oom_score_adj`], io);
    const verdict = JSON.parse(io.out) as { rules: Array<{ id: string; message: string }> };
    expect({ code, err: io.err }).toMatchObject({ code: 10 });
    expect(verdict.rules.map((r) => r.message).join(' ')).toContain(`PID ${p.pid} (sleep) from 123 to -500`);
  });

  test('a stopped process: SIGTERM stays pending until SIGCONT', async () => {
    const p = await startStopped();
    const verdict = validator.check(`kill ${p.pid}`, await snap([p.pid]));
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.map((r) => r.message).join(' ')).toMatch(/stopped \(T\).*SIGCONT/);
  });

  test('a process that ignores SIGTERM: the signal would do nothing', async () => {
    const p = await startTermIgnorer();
    const snapshot = await snap([p.pid]);
    expect(validator.check(`kill ${p.pid}`, snapshot).rules.map((r) => r.id)).toContain('signal-ignored');
    const kill9 = validator.check(`kill -9 ${p.pid}`, snapshot);
    expect(kill9.decision).toBe('confirm');
    expect(kill9.alternatives).not.toContain(`kill -TERM ${p.pid}`);
  });

  test('PID 1 of a PID namespace is denied', async () => {
    const ns = await startPidNamespace();
    const verdict = validator.check(`kill ${ns.initPid}`, await snap([ns.initPid]));
    expect(verdict.decision).toBe('deny');
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-pid1']);
    expect(verdict.rules[0]?.message).toMatch(/does not catch SIGTERM/);
  });

  test('a PID that no longer exists is denied as not found', async () => {
    const p = await startProcess('exec sleep 600');
    const pid = p.pid;
    await p.stop();
    const verdict = validator.check(`kill -TERM ${pid}`, await snap([]));
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-not-found']);
    expect(verdict.targets).toEqual([{ pid, startTime: null, comm: null, unit: null }]);
  });

  test('procdoc itself and its ancestors are denied', async () => {
    const snapshot = await snap([]);
    expect(validator.check(`kill -9 ${process.pid}`, snapshot).rules.map((r) => r.id)).toEqual(['target-self']);
    expect(validator.check(`kill -HUP ${process.ppid}`, snapshot).rules.map((r) => r.id)).toEqual(['target-self']);
  });

  test("the caller's own shell is denied when a shell runs procdoc check on itself", async () => {
    const script = 'node bin/procdoc.js check --json -- kill -9 $$; echo "exit=$?"';
    const { stdout } = await run('bash', ['-c', script], { cwd: process.cwd(), timeout: 30_000 });
    const exit = /exit=(\d+)/.exec(stdout)?.[1];
    const json = JSON.parse(stdout.slice(0, stdout.lastIndexOf('exit='))) as { decision: string; rules: { id: string }[] };
    expect(exit).toBe('20');
    expect(json.decision).toBe('deny');
    expect(json.rules.map((r) => r.id)).toEqual(['target-self']);
  });

  test('a thread id (as top -H shows them) is judged as the process it belongs to', async () => {
    const t = await startThreaded();
    const io = memoryIo();
    const code = await main(['check', '--json', '--', 'kill', '-TERM', String(t.tid)], io);
    const verdict = JSON.parse(io.out) as { decision: string; rules: Array<{ id: string; message: string }>; targets: Array<{ pid: number; comm: string }> };
    expect(code).toBe(10);
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.find((r) => r.id === 'target-thread')?.message).toMatch(
      new RegExp(`^${t.tid} is not a process but a thread of PID ${t.pid} \\(node\\): sending SIGTERM acts on the whole process, all \\d+ of its threads`),
    );
    expect(verdict.targets.map((x) => [x.pid, x.comm])).toEqual([[t.pid, 'node']]);
  });

  test('renice of a live thread id names that thread, and its target is the thread with its own start time', async () => {
    const t = await startThreaded();
    const io = memoryIo();
    const code = await main(['check', '--json', '--', 'renice', '-n', '5', '-p', String(t.tid)], io);
    const verdict = JSON.parse(io.out) as { decision: string; rules: Array<{ id: string; message: string }>; targets: Array<{ pid: number; startTime: number | null; comm: string }> };
    expect(code).toBe(10);
    expect(verdict.rules.map((r) => r.id)).toEqual(['target-thread', 'state-change']);
    expect(verdict.rules[1]?.message).toBe(`Sets the nice value of thread ${t.tid} of PID ${t.pid} (node) to 5.`);
    const threadStart = readStat(t.tid)?.starttime;
    expect(threadStart).toBeGreaterThan(0);
    expect(verdict.targets.map((x) => [x.pid, x.startTime, x.comm])).toEqual([[t.tid, threadStart, 'node']]);
  });

  test('pkill -f expands to exactly the live processes it would hit', async () => {
    const marker = `procdoc-blast-${process.pid}`;
    const a = await startProcess(`exec -a ${marker}-a sleep 600`);
    const b = await startProcess(`exec -a ${marker}-b sleep 600`);
    const verdict = validator.check(`pkill -f ${marker}`, await snap([]));
    expect(verdict.targets.map((t) => t.pid).sort((x, y) => x - y)).toEqual([a.pid, b.pid].sort((x, y) => x - y));
    expect(verdict.decision).toBe('confirm');
  });
});
