import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { familyOf } from '../../src/analyzers/pipeline/activity.js';
import { PipelineJsonSchema, PipelineListJsonSchema, type PipelineJson } from '../../src/analyzers/pipeline/schema.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { removeAllCgroups, createV1Cgroup, createV2Cgroup } from '../support/cgroups.js';
import { descendantsOf, signal } from '../support/proc-fs.js';
import { adopt, listProcesses, readStat, readWchan, stalledYesSleep, startProcess, stopAll, waitFor, type Started } from '../support/procs.js';
import { runInPty } from '../support/pty.js';

/**
 * Real pipelines, one per verdict this machine can make, each started as its own process
 * group and analyzed through the CLI in-process (`procdoc pipeline … --json`).
 */

async function procdoc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo({ env: { NO_COLOR: '1' } });
  const code = await main(args, io);
  return { code, stdout: io.out, stderr: io.err };
}

async function pipelineJson(target: string[]): Promise<PipelineJson> {
  // A saved snapshot is not sampled again: --sample goes with the live host only.
  const r = await procdoc(['pipeline', ...target, '--json', ...(target.includes('--from') ? [] : ['--sample', '300'])]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return PipelineJsonSchema.parse(JSON.parse(r.stdout));
}

/** The processes of a started pipeline's group, by command name. */
function member(s: Started, comm: string, where: (p: { ppid: number; state: string }) => boolean = () => true): number | undefined {
  return listProcesses().find((p) => p.pgid === s.pgid && p.comm === comm && p.pid !== s.pid && p.state !== 'Z' && where(p))?.pid;
}

async function memberPid(s: Started, comm: string, where?: (p: { ppid: number; state: string }) => boolean): Promise<number> {
  return waitFor(() => member(s, comm, where), { timeoutMs: 10_000, what: `${comm} in process group ${s.pgid}` });
}

async function waitWchan(pid: number, family: ReturnType<typeof familyOf>): Promise<void> {
  await waitFor(() => familyOf(readWchan(pid) ?? '') === family, { timeoutMs: 10_000, what: `pid ${pid} to wait in ${family}` });
}

async function waitState(pid: number, state: string): Promise<void> {
  await waitFor(() => readStat(pid)?.state === state, { timeoutMs: 10_000, what: `pid ${pid} to reach state ${state}` });
}

/** Processes that left the test's session (setsid): killed by PID after each test. */
const adoptLater: number[] = [];

function startedAfter(starttime: number, pid: number): boolean {
  const ref = readStat(pid);
  return ref !== undefined && starttime >= ref.starttime;
}

afterEach(async () => {
  for (const pid of adoptLater.splice(0)) {
    if (readStat(pid) !== undefined) adopt(pid);
  }
  await stopAll();
  await removeAllCgroups();
});
afterAll(async () => {
  await stopAll();
  await removeAllCgroups();
});

describe('procdoc pipeline on live pipelines', () => {
  it('blames a stopped stage: sleep | cat with sleep stopped', async () => {
    const s = await startProcess('sleep 600 | cat');
    const sleepPid = await memberPid(s, 'sleep');
    const catPid = await memberPid(s, 'cat');
    await waitWchan(catPid, 'reading-pipe');
    signal(sleepPid, 'SIGSTOP');
    await waitState(sleepPid, 'T');

    const json = await pipelineJson([String(catPid)]);
    expect(json.verdict.code).toBe('stage-stopped');
    expect(json.verdict.culpritPid).toBe(sleepPid);
    expect(json.remediation[0]).toMatchObject({ command: `kill -s CONT ${sleepPid}` });
    expect(json.remediation[0]?.verdict.decision).toMatch(/allow|confirm/);
  });

  it('finds the culprit in the middle of three stages: yes | cat | wc -l with cat stopped', async () => {
    const s = await startProcess('yes | cat | wc -l');
    const catPid = await memberPid(s, 'cat');
    signal(catPid, 'SIGSTOP');
    await waitState(catPid, 'T');
    const yesPid = await memberPid(s, 'yes');
    const wcPid = await memberPid(s, 'wc');
    await waitWchan(yesPid, 'writing-pipe');

    const json = await pipelineJson([String(wcPid)]);
    expect(json.verdict.code).toBe('stage-stopped');
    expect(json.verdict.culpritPid).toBe(catPid);
    expect(json.stages.filter((x) => x.role === 'stage').map((x) => x.pid)).toEqual([yesPid, catPid, wcPid]);
    expect(json.links).toHaveLength(2);
    expect(json.links[0]).toMatchObject({ writers: [yesPid], readers: [catPid] });
    expect(json.links[1]).toMatchObject({ writers: [catPid], readers: [wcPid] });
    expect(json.verdict.explanation).toContain(`wc (${wcPid}) waits to read`);
    expect(json.verdict.explanation).toContain(`yes (${yesPid}) is blocked writing`);
  });

  it('blames the background stage that read the terminal under a real pty (SIGTTIN stops the job)', async () => {
    // An interactive shell on a pty: `cat | wc -l &` is a background job in its own
    // process group; cat reads the terminal, so the kernel stops the group with SIGTTIN.
    // cat reads a second late: a SIGTTIN that came before wc's subshell had exec'd would
    // stop it as a `bash` for good (seen on a loaded machine).
    const s = await runInPty("exec bash --norc --noprofile -ic '{ sleep 1; exec cat; } | wc -l & sleep 600'");
    const found = await waitFor(
      () => {
        const all = listProcesses();
        const mine = descendantsOf(s.pid, all).map((pid) => all.find((p) => p.pid === pid));
        const cat = mine.find((p) => p?.comm === 'cat' && p.state === 'T');
        const wc = mine.find((p) => p?.comm === 'wc' && p.state === 'T');
        return cat && wc ? { cat: cat.pid, wc: wc.pid, pgid: cat.pgid } : undefined;
      },
      { timeoutMs: 10_000, what: 'the background job cat | wc -l to be stopped by SIGTTIN' },
    );

    const json = await pipelineJson([String(found.wc)]);
    expect(json.verdict.code).toBe('stage-waiting-tty');
    expect(json.verdict.culpritPid).toBe(found.cat);
    expect(json.verdict.explanation).toContain('SIGTTIN');
    expect(json.verdict.guesses.join(' ')).toContain('SIGTTIN inferred');
    expect(json.remediation.map((r) => r.command)).toContain(`kill -s TERM -- -${found.pgid}`);
  });

  it('says the consumer is not reading: yes | sleep 600', async () => {
    const s = await startProcess('yes | sleep 600');
    const { yesPid, sleepPid } = await stalledYesSleep(s);

    const json = await pipelineJson([String(yesPid)]);
    expect(json.verdict.code).toBe('consumer-not-reading');
    expect(json.verdict.culpritPid).toBe(sleepPid);
    expect(json.stages.find((x) => x.pid === yesPid)?.progressing).toBe(false);
  });

  it('finds a leaked writer: ( echo data; sleep 600 & ) | cat', async () => {
    const s = await startProcess('( echo data; sleep 600 & ) | cat');
    const catPid = await memberPid(s, 'cat');
    // The subshell has exited; its background sleep, reparented, still holds the write end.
    const sleepPid = await memberPid(s, 'sleep', (p) => p.ppid !== s.pid);
    await waitFor(() => !listProcesses().some((p) => p.ppid === s.pid && p.comm === 'bash'), { timeoutMs: 10_000, what: 'the subshell to exit' });
    await waitWchan(catPid, 'reading-pipe');

    const json = await pipelineJson([String(catPid)]);
    expect(json.verdict.code).toBe('leaked-pipe-writer');
    expect(json.verdict.culpritPid).toBe(sleepPid);
    expect(json.remediation[0]?.command).toBe(`kill -TERM ${sleepPid}`);
  });

  it('finds a leaked writer in another session, reading every fd table when the first look is incomplete', async () => {
    // The writer left the pipeline's session (setsid), so the snapshot's selected deep tier
    // does not read its descriptors; procdoc must look again at every process.
    const s = await startProcess('( echo data; setsid sleep 600 & ) | cat');
    const catPid = await memberPid(s, 'cat');
    const sleepPid = await waitFor(() => listProcesses().find((p) => p.comm === 'sleep' && p.sid !== s.pid && p.pid === p.sid && readStat(p.ppid)?.pgid !== s.pgid && startedAfter(p.starttime, s.pid))?.pid, {
      timeoutMs: 10_000,
      what: 'the setsid sleep',
    });
    adoptLater.push(sleepPid);
    await waitWchan(catPid, 'reading-pipe');

    const json = await pipelineJson([String(catPid)]);
    expect(json.verdict.code).toBe('leaked-pipe-writer');
    expect(json.verdict.culpritPid).toBe(sleepPid);
  });

  it('explains a stage in D state: a reader frozen in a v1 freezer cgroup', async () => {
    const s = await startProcess('sleep 600 | cat');
    const catPid = await memberPid(s, 'cat');
    await waitWchan(catPid, 'reading-pipe');
    const freezer = createV1Cgroup('freezer');
    freezer.addPid(catPid);
    await freezer.freeze();
    await waitState(catPid, 'D');

    const json = await pipelineJson([String(catPid)]);
    expect(json.verdict.code).toBe('stage-uninterruptible');
    expect(json.verdict.culpritPid).toBe(catPid);
    expect(json.verdict.explanation).toContain(freezer.path);
    expect(json.remediation[0]?.command).toContain(`${freezer.path}/freezer.state`);
    await freezer.thaw();
  });

  it('explains a stage a v2 freezer holds: it sleeps (S) like any waiting process, yet it is frozen, and the thaw is offered', async () => {
    const s = await startProcess('sleep 600 | cat');
    const catPid = await memberPid(s, 'cat');
    await waitWchan(catPid, 'reading-pipe');
    const freezer = createV2Cgroup();
    freezer.addPid(catPid);
    await freezer.freeze();

    const json = await pipelineJson([String(catPid)]);
    expect(json.verdict.code).toBe('stage-uninterruptible');
    expect(json.verdict.culpritPid).toBe(catPid);
    expect(json.stages.find((x) => x.pid === catPid)).toMatchObject({ state: 'S', doing: expect.stringMatching(/^frozen by a freezer cgroup \(state S/) as unknown });
    expect(json.verdict.explanation).toContain(`its freezer cgroup ${freezer.path} is FROZEN. A process the v2 freezer holds sleeps`);
    expect(json.remediation.map((r) => r.command)).toEqual([`echo 0 > ${freezer.dir}/cgroup.freeze`]);
    await freezer.thaw();
  });

  it('follows a stage waiting for a stuck child: ( sleep 600; echo done ) | cat', async () => {
    const s = await startProcess('( sleep 600; echo done ) | cat');
    const sleepPid = await memberPid(s, 'sleep');
    await waitState(sleepPid, 'S');
    const catPid = await memberPid(s, 'cat');
    await waitWchan(catPid, 'reading-pipe');

    const json = await pipelineJson(['--pgid', String(s.pgid)]);
    expect(json.verdict.code).toBe('stage-waiting-child');
    expect(json.verdict.culpritPid).toBe(sleepPid);
    expect(json.verdict.chain.join(' ')).toContain(`waits for its child sleep (${sleepPid})`);
  });

  it('says a stage is blocked on a file lock another process holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'procdoc-lock-'));
    try {
      const lock = join(dir, 'lock');
      const holder = await startProcess(`exec 9>${lock}; flock 9; exec sleep 600`);
      await waitFor(() => readStat(holder.pid)?.comm === 'sleep', { timeoutMs: 10_000, what: 'the lock holder to exec sleep' });
      const s = await startProcess(`flock ${lock} true | cat`);
      const flockPid = await memberPid(s, 'flock');
      await waitWchan(flockPid, 'lock');

      const json = await pipelineJson([String(s.pid)]);
      expect(json.verdict.code).toBe('stage-blocked-other');
      expect(json.verdict.culpritPid).toBe(flockPid);
      expect(json.verdict.explanation).toContain('file lock');
      expect(json.verdict.explanation).toContain(`sleep (${holder.pid})`);
    } finally {
      await stopAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('calls a busy pipeline progressing, not hung: cat /dev/zero | gzip -1 > /dev/null', async () => {
    const s = await startProcess('cat /dev/zero | nice -n 10 gzip -1 > /dev/null');
    const gzipPid = await memberPid(s, 'gzip');
    const json = await pipelineJson([String(gzipPid)]);
    await s.stop();
    expect(json.verdict.code).toBe('progressing');
    expect(json.stages.some((x) => x.progressing)).toBe(true);
  });

  it('reports a pipeline whose stages exited (unreaped) as finished', async () => {
    // The shell becomes `sleep`, which never reaps the two stages; they finish a second
    // later, after the exec, so bash cannot reap them first.
    const s = await startProcess('{ sleep 1; echo done; } | cat & exec sleep 600');
    const zombies = await waitFor(
      () => {
        const z = listProcesses().filter((p) => p.ppid === s.pid && p.state === 'Z');
        return z.length === 2 ? z.map((p) => p.pid) : undefined;
      },
      { timeoutMs: 10_000, what: 'two exited stages' },
    );
    const json = await pipelineJson(['--pgid', String(s.pgid)]);
    expect(json.verdict.code).toBe('finished');
    expect(json.verdict.culpritPid).toBeNull();
    expect(json.stages.map((x) => x.pid).sort()).toEqual([...zombies].sort());
    expect((await pipelineJson([String(zombies[0])])).verdict.code).toBe('finished');
  });

  it('calls neither a process with one unreaped child nor that zombie a pipeline (exit 1, saying what each is)', async () => {
    const s = await startProcess('sleep 0.2 & exec sleep 600');
    const zombie = await waitFor(() => listProcesses().find((p) => p.ppid === s.pid && p.state === 'Z')?.pid, { timeoutMs: 10_000, what: 'the unreaped sleep' });
    const parent = await procdoc(['pipeline', String(s.pid)]);
    expect(parent.code).toBe(1);
    expect(parent.stdout).toBe('');
    expect(parent.stderr).toContain(`sleep (${s.pid}) is not part of a pipeline`);
    const child = await procdoc(['pipeline', String(zombie)]);
    expect(child.code).toBe(1);
    expect(child.stderr).toContain(`sleep (${zombie}) has exited: a zombie that its parent, PID ${s.pid}, has not reaped. No pipeline is left to look at.`);
  });

  it('lists the stalled pipeline among all pipelines on the host, and renders diagrams', async () => {
    const s = await startProcess('yes | sleep 600');
    const { yesPid } = await stalledYesSleep(s);

    const list = await procdoc(['pipeline', '--json', '--sample', '300']);
    expect(list.code).toBe(0);
    const parsed = PipelineListJsonSchema.parse(JSON.parse(list.stdout));
    const ours = parsed.pipelines.find((p) => p.stages.some((x) => x.pid === yesPid));
    expect(ours?.verdict.code).toBe('consumer-not-reading');

    const text = await procdoc(['pipeline', String(yesPid), '--sample', '0']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('◀── culprit');
    expect(text.stdout).toContain(`yes (${yesPid})`);
    const mermaid = await procdoc(['pipeline', String(yesPid), '--format', 'mermaid', '--sample', '0']);
    expect(mermaid.stdout).toMatch(/^flowchart LR/);
    const dot = await procdoc(['pipeline', String(yesPid), '--format', 'dot', '--sample', '0']);
    expect(dot.stdout).toMatch(/^digraph pipeline \{/);
  });

  it('analyzes a saved snapshot with --from the same way as the live host', async () => {
    const s = await startProcess('yes | sleep 600');
    const { yesPid, sleepPid } = await stalledYesSleep(s);
    const dir = mkdtempSync(join(tmpdir(), 'procdoc-snap-'));
    try {
      const file = join(dir, 'host.json');
      expect((await procdoc(['snapshot', '--pid', String(yesPid), '--sample', '0', '-o', file])).code).toBe(0);
      const json = await pipelineJson([String(sleepPid), '--from', file]);
      expect(json.verdict.code).toBe('consumer-not-reading');
      expect(json.verdict.culpritPid).toBe(sleepPid);
      // A single-sample snapshot cannot show progress, and says so.
      expect(json.stages.every((x) => !x.progressKnown)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the JSON contract field names of DESIGN.md', async () => {
    const s = await startProcess('yes | sleep 600');
    const { yesPid } = await stalledYesSleep(s);
    const raw = JSON.parse((await procdoc(['pipeline', String(yesPid), '--json', '--sample', '0'])).stdout) as Record<string, unknown>;
    expect(raw.schemaVersion).toBe(1);
    expect(Object.keys((raw.stages as object[])[0]!)).toEqual(expect.arrayContaining(['pid', 'comm', 'state', 'wchan', 'stdin', 'stdout', 'progressing']));
    expect(Object.keys((raw.links as object[])[0]!)).toEqual(['inode', 'writers', 'readers']);
    expect(Object.keys(raw.verdict as object)).toEqual(expect.arrayContaining(['code', 'culpritPid', 'explanation']));
    const remediation = raw.remediation as { command: string; why: string; verdict: { decision: string; rules: unknown[] } }[];
    expect(remediation.length).toBeGreaterThan(0);
    for (const r of remediation) expect(Object.keys(r.verdict)).toEqual(['decision', 'rules']);
  });
});

describe('procdoc pipeline: bad input', () => {
  it('exits 1 with a clear message for a process that is not in a pipeline', async () => {
    const s = await startProcess('exec sleep 600');
    await waitFor(() => readStat(s.pid)?.comm === 'sleep', { timeoutMs: 10_000, what: 'sleep to exec' });
    const r = await procdoc(['pipeline', String(s.pid), '--sample', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sleep (${s.pid}) is not part of a pipeline`);
  });

  it('exits 1 for a PID or process group that does not exist', async () => {
    const gone = await procdoc(['pipeline', '4194303', '--sample', '0']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('No process 4194303');
    const group = await procdoc(['pipeline', '--pgid', '4194303', '--sample', '0']);
    expect(group.code).toBe(1);
    expect(group.stderr).toContain('No process group 4194303');
  });

  it('exits 2 for bad usage', async () => {
    expect((await procdoc(['pipeline', 'abc'])).code).toBe(2);
    expect((await procdoc(['pipeline', '1', '--pgid', '1', '--sample', '0'])).code).toBe(2);
    expect((await procdoc(['pipeline', '--json', '--format', 'dot', '--sample', '0'])).code).toBe(2);
    const format = await procdoc(['pipeline', '--format', 'svg']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('svg');
  });
});
