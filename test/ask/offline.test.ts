import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createV1Cgroup, removeAllCgroups } from '../support/cgroups.js';
import { readStat, readWchan, startProcess, startStopped, startThreaded, startZombie, stopAll, waitFor } from '../support/procs.js';
import { askJson, runCli } from './cli.js';

afterEach(async () => {
  await stopAll();
  await removeAllCgroups();
});
afterAll(async () => {
  await stopAll();
  await removeAllCgroups();
});

const BUSY = 'while :; do :; done';

describe('offline ask against live processes', () => {
  it('top CPU with a name filter, a threshold and parents', async () => {
    const busy = await startProcess(BUSY);
    const r = await askJson(['--offline', 'all bash processes over 20% CPU with their parents']);
    expect(r.mode).toBe('offline');
    expect(r.answer.summary).toMatch(/Top CPU consumers \(named bash, over 20% CPU\)/);
    expect(r.answer.pids).toContain(busy.pid);
    expect(r.answer.summary).toMatch(new RegExp(`bash \\(${busy.pid}\\) \\d+\\.\\d% CPU.*parent`));
    expect(r.answer.evidence).toContain(`P${busy.pid}.cpu`);
    expect(r.answer.evidence).toContain(`P${busy.pid}.ppid`);
    expect(r.usage).toEqual({ promptTokens: 0, completionTokens: 0, llmCalls: 0 });
  });

  it('top memory', async () => {
    const hog = await startProcess('exec python3 -c "b = bytearray(96 * 2**20); import time; time.sleep(600)"');
    await waitFor(() => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${hog.pid}/status`, 'utf8'))?.[1] ?? 0) > 90_000, { timeoutMs: 10_000, intervalMs: 50, what: 'python to allocate' });
    const r = await askJson(['--offline', 'which python processes use the most memory?']);
    expect(r.answer.summary).toMatch(/Top memory consumers/);
    expect(r.answer.pids[0]).toBe(hog.pid);
    expect(r.answer.evidence).toContain(`P${hog.pid}.rss`);
  });

  it('leaves procdoc itself out of the top consumers', async () => {
    // procdoc runs in this test process. Ask for enough that it would be listed, were it not
    // left out: every process bigger than it (other test workers among them), and then some.
    const rss = (pid: string | number): number => {
      try {
        return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      } catch {
        return 0;
      }
    };
    const ours = rss(process.pid);
    const bigger = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && rss(name) > ours).length;
    const r = await askJson(['--offline', `top ${bigger + 5} processes by memory`]);
    expect(r.answer.pids.length).toBeGreaterThan(bigger);
    expect(r.answer.pids).not.toContain(process.pid);
  });

  it('zombies: names the parent and proposes signalling it, never the zombie', async () => {
    const z = await startZombie();
    const r = await askJson(['--offline', 'are there any zombie processes?']);
    expect(r.answer.pids).toEqual(expect.arrayContaining([z.zombiePid, z.parentPid]));
    expect(r.answer.summary).toMatch(new RegExp(`\\(${z.zombiePid}\\)`));
    expect(r.answer.evidence).toContain(`P${z.zombiePid}.state`);
    const commands = r.answer.commands.map((c) => c.command);
    expect(commands.some((c) => c.includes(String(z.parentPid)))).toBe(true);
    expect(commands.some((c) => new RegExp(`\\b${z.zombiePid}\\b`).test(c) && !c.includes(String(z.parentPid)))).toBe(false);
  });

  it('why is X stuck: a stopped process', async () => {
    const stopped = await startStopped();
    const r = await askJson(['--offline', `why is ${stopped.pid} stuck?`]);
    expect(r.answer.summary).toMatch(new RegExp(`\\(${stopped.pid}\\) is stopped`));
    expect(r.answer.evidence).toContain(`P${stopped.pid}.state`);
    expect(r.answer.pids).toContain(stopped.pid);
  });

  it('why is X slow: a sleeping process that made no progress', async () => {
    const sleeper = await startProcess('exec sleep 600');
    // Asleep, not still becoming sleep: until its exec has gone through it is a runnable shell.
    await waitFor(() => readStat(sleeper.pid)?.comm === 'sleep' && readStat(sleeper.pid)?.state === 'S', { what: 'sleep to be asleep' });
    const r = await askJson(['--offline', `why is pid ${sleeper.pid} slow?`]);
    expect(r.answer.summary).toMatch(new RegExp(`sleep \\(${sleeper.pid}\\) is sleeping \\(S\\) in .*no progress`));
  });

  it('why is X stuck: a pipeline stage waiting on its writer', async () => {
    const shell = await startProcess('sleep 600 | cat');
    const cat = await waitFor(() => listChildren(shell.pid).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'cat'), { timeoutMs: 5000, intervalMs: 20, what: 'cat' });
    await waitFor(() => (readWchan(cat) ?? '').endsWith('pipe_read'), { what: 'cat to wait reading the pipe' });
    const r = await askJson(['--offline', `why is ${cat} stuck?`]);
    expect(r.answer.rootCause).toMatch(new RegExp(`cat \\(${cat}\\) waits to read pipe:\\[\\d+\\], written by sleep`));
    expect(r.answer.evidence.some((e) => /^PL:\d+\.verdict$/.test(e))).toBe(true);
    expect(r.answer.commands.every((c) => ['allow', 'confirm', 'deny'].includes(c.verdict.decision))).toBe(true);
  });

  it('who manages X: the parent chain', async () => {
    const parent = await startProcess('sleep 600 & wait');
    const child = await waitFor(() => listChildren(parent.pid)[0], { timeoutMs: 5000, intervalMs: 20, what: 'the child sleep' });
    const r = await askJson(['--offline', `who manages ${child}?`]);
    expect(r.answer.summary).toMatch(new RegExp(`sleep \\(${child}\\) is managed by .*parents: bash \\(${parent.pid}\\)`));
    expect(r.answer.evidence).toContain(`P${child}.ppid`);
  });

  it('is it safe to kill X: PID 1 is refused, a plain sleep needs at most confirmation', async () => {
    const r1 = await askJson(['--offline', 'is it safe to kill 1?']);
    expect(r1.answer.commands[0]).toMatchObject({ command: 'kill 1', verdict: { decision: 'deny' } });
    expect(r1.answer.summary).toMatch(/^No, procdoc refuses it/);
    const sleeper = await startProcess('exec sleep 600');
    const r2 = await askJson(['--offline', `is it safe to run \`kill ${sleeper.pid}\`?`]);
    expect(r2.answer.commands[0]!.command).toBe(`kill ${sleeper.pid}`);
    expect(r2.answer.commands[0]!.verdict.decision).not.toBe('deny');
  });

  it('is it safe to kill a thread id: judged as the process it belongs to', async () => {
    const t = await startThreaded();
    const r = await askJson(['--offline', `is it safe to kill ${t.tid}?`]);
    expect(r.answer.commands[0]).toMatchObject({ command: `kill ${t.tid}`, verdict: { decision: 'confirm' } });
    expect(r.answer.commands[0]!.verdict.rules.map((rule) => rule.id)).toContain('target-thread');
  });

  it('the tree of X', async () => {
    const parent = await startProcess('sleep 600 & sleep 600 & wait');
    const kids = await waitFor(() => (listChildren(parent.pid).length === 2 ? listChildren(parent.pid) : undefined), { timeoutMs: 5000, intervalMs: 20, what: 'two children' });
    const r = await askJson(['--offline', `show me the process tree of ${parent.pid}`]);
    expect(r.answer.pids).toEqual(expect.arrayContaining([parent.pid, ...kids]));
    expect(r.answer.summary).toMatch(new RegExp(`\\* bash \\(${parent.pid}\\)`));
  });

  it('OOM kills recorded in a memory cgroup', async () => {
    const cg = createV1Cgroup('memory', { 'memory.limit_in_bytes': '24M' });
    // A survivor keeps the cgroup in the snapshot after the kill (it holds a process).
    const survivor = await startProcess('exec sleep 600');
    cg.addPid(survivor.pid);
    const victim = await startProcess('sleep 0.3; exec tail /dev/zero');
    cg.addPid(victim.pid);
    await waitFor(() => /oom_kill [1-9]/.test(cg.read('memory.oom_control')), { timeoutMs: 15_000, intervalMs: 50, what: 'an OOM kill in the cgroup' });
    const r = await askJson(['--offline', 'did anything get OOM killed?']);
    expect(r.answer.summary).toMatch(new RegExp(`${cg.path}: \\d+ OOM kill`));
    expect(r.answer.evidence).toContain(`CG:${cg.path}:memory.events.oom_kill`);
  });

  it('throttling: a busy loop in a CPU-quota cgroup', async () => {
    const cg = createV1Cgroup('cpu', { 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '10000' });
    const busy = await startProcess(BUSY);
    cg.addPid(busy.pid);
    await waitFor(() => /nr_throttled [1-9]/.test(cg.read('cpu.stat')), { timeoutMs: 10_000, intervalMs: 50, what: 'throttling' });
    const r = await askJson(['--offline', 'is anything being throttled?']);
    expect(r.answer.summary).toMatch(new RegExp(`${cg.path}: throttled`));
    expect(r.answer.evidence).toContain(`CG:${cg.path}:cpu.stat.nr_throttled`);
  });

  it('says plainly when a question needs an LLM, and still gives the findings', async () => {
    const r = await askJson(['--offline', 'compose a haiku about the scheduler']);
    expect(r.notice).toMatch(/This question needs an LLM/);
    expect(r.answer.summary).toMatch(/needs an LLM/);
  });

  it('text output: summary, commands with their verdicts, and the offline marker', async () => {
    const run = await runCli(['ask', '--offline', 'is it safe to kill 1?']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/REFUSED kill 1/);
    expect(run.stdout).toMatch(/target-pid1/);
    expect(run.stdout).toMatch(/\(answered offline\)/);
  });

  it('an empty question is a usage error', async () => {
    const run = await runCli(['ask', '  ']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/The question is empty/);
  });
});

function listChildren(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out.sort((a, b) => a - b);
}
