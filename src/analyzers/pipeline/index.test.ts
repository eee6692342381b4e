import { describe, expect, it } from 'vitest';
import type { Process } from '../../snapshot/schema.js';
import { indexSnapshot } from '../../snapshot/query.js';
import { fakeCgroup, fakeSnapshot } from '../../snapshot/testing.js';
import { pipeStage, shellProcess } from './fixture.js';
import { analyzePipelines, isStalled, type PipelineReport } from './index.js';
import { PipelineReportSchema } from './schema.js';

function analyze(processes: Process[], options: { pid?: number; pgid?: number } = {}, extra: Parameters<typeof fakeSnapshot>[0] = {}): PipelineReport[] {
  const snapshot = fakeSnapshot({ processes: [shellProcess(), ...processes], ...extra });
  const reports = analyzePipelines(snapshot, indexSnapshot(snapshot), options);
  for (const r of reports) PipelineReportSchema.parse(r);
  return reports;
}

function only(processes: Process[], options: { pid?: number; pgid?: number } = {}, extra: Parameters<typeof fakeSnapshot>[0] = {}): PipelineReport {
  const reports = analyze(processes, options, extra);
  expect(reports).toHaveLength(1);
  return reports[0]!;
}

describe('analyzePipelines: verdicts', () => {
  it('blames a stopped stage and proposes kill -s CONT for it', () => {
    const r = only([
      pipeStage(21, 'yes', { wchan: 'anon_pipe_write', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'cat', { state: 'T', wchan: 'do_signal_stop', fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('stage-stopped');
    expect(r.verdict.culpritPid).toBe(22);
    expect(r.remediation[0]?.command).toBe('kill -s CONT 22');
    expect(r.remediation.map((x) => x.command)).toContain('kill -s TERM -- -20');
    expect(r.verdict.explanation).toMatch(/SIGSTOP/);
    expect(r.verdict.guesses.length).toBeGreaterThan(0);
    expect(r.stages.find((s) => s.pid === 22)?.culprit).toBe(true);
  });

  it('follows the chain from the last stage to a stopped stage in the middle', () => {
    const r = only([
      pipeStage(21, 'yes', { wchan: 'anon_pipe_write', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'grep', { state: 'T', wchan: 'do_signal_stop', fds: [[0, 100, 'r'], [1, 101, 'w']] }),
      pipeStage(23, 'wc', { wchan: 'pipe_read', fds: [[0, 101, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('stage-stopped');
    expect(r.verdict.culpritPid).toBe(22);
    expect(r.stages.map((s) => s.pid)).toEqual([21, 22, 23]);
    expect(r.links).toEqual([
      { inode: 100, writers: [21], readers: [22] },
      { inode: 101, writers: [22], readers: [23] },
    ]);
    expect(r.verdict.explanation).toMatch(/wc \(23\) waits to read pipe:\[101\], written by grep \(22\)/);
    expect(r.verdict.explanation).toMatch(/yes \(21\) is blocked writing/);
  });

  it('does not call a pipeline hung when a child of the writing stage still writes: npm exec … | grep', () => {
    const r = only([
      pipeStage(21, 'timeout', { wchan: 'sigsuspend.isra.0', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'npm exec', { ppid: 21, wchan: 'do_epoll_wait', fds: [[1, 100, 'w']] }),
      pipeStage(23, 'node', { ppid: 22, state: 'R', wchan: null, cpu: 80, fds: [[1, 100, 'w']] }),
      pipeStage(24, 'grep', { fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('progressing');
    expect(r.verdict.culpritPid).toBe(23);
  });

  it('follows a stage that waits for a signal from its child (timeout) to the child', () => {
    const r = only([
      pipeStage(21, 'timeout', { wchan: 'sigsuspend.isra.0', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'sleep', { ppid: 21, wchan: 'hrtimer_nanosleep', fds: [[1, 100, 'w']] }),
      pipeStage(24, 'grep', { fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('stage-waiting-child');
    expect(r.verdict.culpritPid).toBe(22);
    expect(r.stages.find((s) => s.pid === 21)?.activity).toBe('waiting-signal');
  });

  it('calls a full pipe whose reader sleeps a consumer that is not reading', () => {
    const r = only([
      pipeStage(21, 'yes', { wchan: 'anon_pipe_write', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'sleep', { wchan: 'hrtimer_nanosleep', fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('consumer-not-reading');
    expect(r.verdict.culpritPid).toBe(22);
    expect(r.verdict.chain[0]).toMatch(/yes \(21\) is blocked writing pipe:\[100\]/);
    expect(r.verdict.explanation).toMatch(/sleeping on a timer/);
    expect(r.remediation[0]?.command).toBe('kill -TERM 22');
  });

  it('finds a leaked writer: an orphaned background child that still holds the write end', () => {
    const r = only([
      pipeStage(22, 'cat', { fds: [[0, 100, 'r']] }),
      pipeStage(30, 'sleep', { ppid: 1, wchan: 'hrtimer_nanosleep', fds: [[1, 100, 'w']] }),
    ]);
    expect(r.verdict.code).toBe('leaked-pipe-writer');
    expect(r.verdict.culpritPid).toBe(30);
    expect(r.remediation[0]?.command).toBe('kill -TERM 30');
    expect(r.verdict.explanation).toMatch(/end-of-file/);
  });

  it('finds a leaked writer that holds the pipe on a descriptor other than stdout', () => {
    const r = only([
      pipeStage(21, 'producer', { state: 'S', wchan: 'do_wait', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'cat', { fds: [[0, 100, 'r']] }),
      pipeStage(40, 'daemon', { ppid: 1, pgid: 40, wchan: 'ep_poll', fds: [[7, 100, 'w']] }),
    ]);
    // The real producer is still there, so the chain follows it first.
    expect(r.verdict.code).not.toBe('leaked-pipe-writer');
    expect(r.stages.find((s) => s.pid === 40)?.role).toBe('holder');

    const after = only([pipeStage(22, 'cat', { fds: [[0, 100, 'r']] }), pipeStage(40, 'daemon', { ppid: 1, pgid: 40, wchan: 'ep_poll', fds: [[7, 100, 'w']] }), pipeStage(41, 'feeder', { fds: [[1, 100, 'w']], wchan: 'hrtimer_nanosleep', ppid: 40, pgid: 40 })], { pid: 22 });
    expect(after.verdict.code).toBe('leaked-pipe-writer');
  });

  it('blames a reader that holds the write end of its own input', () => {
    const r = only([pipeStage(22, 'reader', { fds: [[0, 100, 'r'], [5, 100, 'w']] })], { pid: 22 });
    expect(r.verdict.code).toBe('leaked-pipe-writer');
    expect(r.verdict.culpritPid).toBe(22);
    expect(r.verdict.explanation).toMatch(/holds the write end itself \(fd 5\)/);
  });

  it('says a frozen stage is in D state and proposes thawing its freezer cgroup', () => {
    const r = only(
      [
        pipeStage(21, 'yes', { wchan: 'anon_pipe_write', fds: [[1, 100, 'w']] }),
        pipeStage(22, 'cat', { state: 'D', wchan: '__refrigerator', stack: ['__refrigerator', 'get_signal'], fds: [[0, 100, 'r']], cgroupV1: { freezer: '/procdoc-x' } }),
      ],
      {},
      {
        cgroups: [fakeCgroup({ path: '/' }), fakeCgroup({ path: '/procdoc-x', version: 1, controllers: ['freezer'], freezer: { state: 'FROZEN' } })],
        host: { cgroupMode: 'v1', cgroupV2Mount: null, cgroupV1Mounts: { freezer: '/sys/fs/cgroup/freezer' } },
      },
    );
    expect(r.verdict.code).toBe('stage-uninterruptible');
    expect(r.verdict.culpritPid).toBe(22);
    expect(r.remediation[0]?.command).toBe('echo THAWED > /sys/fs/cgroup/freezer/procdoc-x/freezer.state');
    expect(r.verdict.explanation).toMatch(/frozen/);
  });

  it('says where a D-state stage waits when no freezer is involved', () => {
    const r = only([
      pipeStage(21, 'tar', { state: 'D', wchan: 'nfs_wait_bit_killable', stack: ['nfs_wait_bit_killable', 'nfs_read_folio'], fds: [[1, 100, 'w']] }),
      pipeStage(22, 'gzip', { fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('stage-uninterruptible');
    expect(r.verdict.culpritPid).toBe(21);
    expect(r.verdict.explanation).toMatch(/nfs_wait_bit_killable/);
    expect(r.verdict.explanation).toMatch(/not even SIGKILL/);
  });

  it('follows a stage that waits for a stuck child to the child', () => {
    const r = only([
      pipeStage(21, 'bash', { wchan: 'do_wait', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'sleep', { ppid: 21, wchan: 'hrtimer_nanosleep', fds: [[1, 100, 'w']] }),
      pipeStage(23, 'cat', { fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('stage-waiting-child');
    expect(r.verdict.culpritPid).toBe(22);
    expect(r.verdict.chain).toEqual([
      'cat (23) waits to read pipe:[100], written by bash (21)',
      'bash (21) waits for its child sleep (22) to exit',
    ]);
  });

  it('follows a waiting stage to a child that holds no pipe', () => {
    const r = only([
      pipeStage(21, 'make', { wchan: 'kernel_wait4', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'less', { fds: [[0, 100, 'r']] }),
      pipeStage(25, 'cc', { ppid: 21, wchan: 'futex_wait_queue', fds: [[1, '/tmp/out', 'w']] }),
    ]);
    expect(r.verdict.code).toBe('stage-waiting-child');
    expect(r.verdict.culpritPid).toBe(25);
    expect(r.stages.find((s) => s.pid === 25)).toMatchObject({ role: 'holder', culprit: true, activity: 'futex' });
  });

  it('says a stage waits for a file lock and names processes that have the file open', () => {
    const r = only([
      pipeStage(21, 'flock', { wchan: 'locks_lock_inode_wait', fds: [[0, '/dev/null', 'r'], [1, 100, 'w'], [3, '/tmp/lk', 'r']] }),
      pipeStage(22, 'cat', { fds: [[0, 100, 'r']] }),
      pipeStage(30, 'sleep', { ppid: 1, pgid: 30, wchan: 'hrtimer_nanosleep', fds: [[9, '/tmp/lk', 'w']] }),
      pipeStage(31, 'daemon', { ppid: 1, pgid: 31, wchan: 'ep_poll', fds: [[0, '/dev/null', 'r']] }),
    ]);
    expect(r.verdict.explanation).not.toContain('daemon (31)');
    expect(r.verdict.code).toBe('stage-blocked-other');
    expect(r.verdict.culpritPid).toBe(21);
    expect(r.verdict.explanation).toMatch(/file lock/);
    expect(r.verdict.explanation).toMatch(/sleep \(30\)/);
  });

  it('calls a pipeline whose stages use CPU progressing, with the busiest as the bottleneck', () => {
    const r = only([
      pipeStage(21, 'cat', { state: 'R', wchan: null, cpu: 30, fds: [[1, 100, 'w']] }),
      pipeStage(22, 'gzip', { state: 'R', wchan: null, cpu: 95, fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('progressing');
    expect(r.verdict.culpritPid).toBe(22);
    expect(isStalled(r)).toBe(false);
    expect(r.stages.every((s) => s.progressing)).toBe(true);
  });

  it('does not call a reader hung while its writer makes progress', () => {
    const r = only([
      pipeStage(21, 'find', { state: 'S', wchan: 'do_sys_poll', cpu: 12, fds: [[1, 100, 'w']] }),
      pipeStage(22, 'sort', { cpu: 0, fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('progressing');
  });

  it('blames the background stage that read the terminal when SIGTTIN stopped the whole job', () => {
    const tty = { tty: 'pts/3', tpgid: 5, pgid: 21, state: 'T', wchan: 'do_signal_stop' };
    const r = only([
      pipeStage(21, 'cat', { ...tty, fds: [[0, '/dev/pts/3', 'r'], [1, 100, 'w']] }),
      pipeStage(22, 'wc', { ...tty, fds: [[0, 100, 'r'], [1, '/dev/pts/3', 'w']] }),
    ]);
    expect(r.verdict.code).toBe('stage-waiting-tty');
    expect(r.verdict.culpritPid).toBe(21);
    expect(r.verdict.explanation).toMatch(/SIGTTIN/);
    expect(r.verdict.explanation).toMatch(/fg/);
    expect(r.verdict.guesses.join(' ')).toMatch(/SIGTTIN inferred/);
  });

  it('says a foreground stage waits for the user to type', () => {
    const r = only([
      pipeStage(21, 'grep', { wchan: 'n_tty_read', tty: 'pts/3', tpgid: 20, fds: [[0, '/dev/pts/3', 'r'], [1, 100, 'w']] }),
      pipeStage(22, 'wc', { fds: [[0, 100, 'r']] }),
    ]);
    expect(r.verdict.code).toBe('stage-waiting-tty');
    expect(r.verdict.culpritPid).toBe(21);
    expect(r.verdict.explanation).toMatch(/Ctrl-D/);
  });

  it('reports a pipeline whose stages all exited as finished', () => {
    const r = only(
      [
        pipeStage(21, 'echo', { state: 'Z', wchan: null, fds: [] }),
        pipeStage(22, 'cat', { state: 'Z', wchan: null, fds: [] }),
      ],
      { pid: 22 },
    );
    expect(r.verdict.code).toBe('finished');
    expect(r.verdict.culpritPid).toBeNull();
    expect(r.stages.map((s) => s.pid)).toEqual([21, 22]);
    expect(r.remediation).toEqual([]);
  });

  it('does not call one unreaped child a finished pipeline: a pipeline has two commands at least', () => {
    const zombie = [pipeStage(21, 'sleep', { state: 'Z', wchan: null, fds: [] })];
    expect(analyze(zombie, { pid: 20 })).toEqual([]);
    expect(analyze(zombie, { pid: 21 })).toEqual([]);
    expect(analyze(zombie, { pgid: 20 })).toEqual([]);
  });

  it('detects a deadlock between two stages feeding each other', () => {
    const r = only([
      pipeStage(21, 'a', { wchan: 'pipe_write', fds: [[0, 101, 'r'], [1, 100, 'w']] }),
      pipeStage(22, 'b', { wchan: 'pipe_write', fds: [[0, 100, 'r'], [1, 101, 'w']] }),
    ]);
    expect(r.verdict.code).toBe('stage-blocked-other');
    expect(r.verdict.explanation).toMatch(/deadlock/);
  });
});

describe('analyzePipelines: finding pipelines', () => {
  const pipeline = [
    pipeStage(21, 'yes', { wchan: 'anon_pipe_write', fds: [[1, 100, 'w'], [251, 999, 'w']] }),
    pipeStage(22, 'cat', { state: 'T', wchan: 'do_signal_stop', fds: [[0, 100, 'r'], [251, 999, 'w']] }),
  ];

  it('finds the pipeline from any stage, from the shell that started it, and from its process group', () => {
    expect(only(pipeline, { pid: 21 }).verdict.culpritPid).toBe(22);
    expect(only(pipeline, { pid: 20 }).verdict.culpritPid).toBe(22);
    expect(only(pipeline, { pgid: 20 }).verdict.culpritPid).toBe(22);
  });

  it('returns nothing for a process that is not in a pipeline or does not exist', () => {
    const lone = pipeStage(50, 'sshd', { ppid: 1, pgid: 50, wchan: 'do_select', fds: [[0, '/dev/null', 'r'], [3, 555, 'r']] });
    expect(analyze([...pipeline, lone], { pid: 50 })).toEqual([]);
    expect(analyze(pipeline, { pid: 4242 })).toEqual([]);
    expect(analyze(pipeline, { pgid: 4242 })).toEqual([]);
  });

  it('does not join processes that share a pipe only on other descriptors (an inherited job pipe)', () => {
    const reports = analyze([
      ...pipeline,
      pipeStage(60, 'sleep', { ppid: 1, pgid: 60, wchan: 'hrtimer_nanosleep', fds: [[251, 999, 'w']] }),
      pipeStage(61, 'agent', { ppid: 1, pgid: 61, wchan: 'ep_poll', fds: [[5, 999, 'r']] }),
    ]);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.stages.map((s) => s.pid)).toEqual([21, 22]);
  });

  it('does not make a pipeline of a parent feeding a child through a descriptor other than stdout', () => {
    const reports = analyze([
      pipeStage(70, 'node', { ppid: 1, pgid: 70, wchan: 'ep_poll', fds: [[17, 700, 'w']] }),
      pipeStage(71, 'worker', { ppid: 70, pgid: 70, fds: [[0, 700, 'r']] }),
    ]);
    expect(reports).toEqual([]);
  });

  it('leaves out a pipeline procdoc itself is part of', () => {
    const snapshot = fakeSnapshot({
      processes: [shellProcess(), pipeStage(21, 'node', { state: 'R', fds: [[1, 100, 'w']] }), pipeStage(22, 'jq', { fds: [[0, 100, 'r']] })],
      self: { pid: 21, ancestors: [20, 1] },
    });
    expect(analyzePipelines(snapshot, indexSnapshot(snapshot))).toEqual([]);
  });

  it('cannot see pipes without the deep tier, and says nothing rather than guessing', () => {
    const shallow = pipeline.map((p) => ({ ...p, deep: null }));
    expect(analyze(shallow)).toEqual([]);
  });
});
