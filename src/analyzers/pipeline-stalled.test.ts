import { describe, expect, it } from 'vitest';
import { fakeProcess, fakeSnapshot } from '../snapshot/testing.js';
import type { PipelineReport, Stage } from './pipeline/schema.js';
import { pipelineStalledFrom } from './pipeline-stalled.js';
import { runAnalyzer, sampled } from './testing.js';

const stage = (pid: number, comm: string, over: Partial<Stage> = {}): Stage => ({
  pid, comm, state: 'S', wchan: 'pipe_read', stdin: 'pipe:[1]', stdout: 'pipe:[2]', progressing: false, progressKnown: true, ppid: 1, pgid: 10,
  argv: [comm], role: 'stage', activity: 'reading-pipe', doing: 'waiting', cpuPercent: 0, stack: [], culprit: false, ...over,
});
const report = (code: PipelineReport['verdict']['code'], known = true): PipelineReport => ({
  stages: [stage(10, 'yes', { progressKnown: known }), stage(11, 'grep', { state: 'T', culprit: true, progressKnown: known })],
  links: [{ inode: 2, writers: [10], readers: [11] }],
  verdict: { code, culpritPid: 11, explanation: 'grep (11) is stopped, so yes (10) waits to write.', chain: [], guesses: [] },
  remediation: [{ command: 'kill -s CONT -- -10', why: 'resume' }],
});

describe('pipeline-stalled', () => {
  it('turns a hung pipeline verdict into a finding with its culprit', () => {
    const [f] = runAnalyzer(pipelineStalledFrom(() => [report('stage-stopped')]), fakeSnapshot());
    expect(f).toMatchObject({ code: 'pipeline-stalled', severity: 'warning', culpritPid: 11, pids: [10, 11] });
    expect(f?.title).toBe('Pipeline yes | grep is stalled (stage-stopped)');
    expect(f?.remediation).toEqual([{ command: 'kill -s CONT -- -10', why: 'resume' }]);
  });

  it('skips progressing and finished pipelines, and only informs from one sample', () => {
    expect(runAnalyzer(pipelineStalledFrom(() => [report('progressing'), report('finished')]), fakeSnapshot())).toEqual([]);
    expect(runAnalyzer(pipelineStalledFrom(() => [report('leaked-pipe-writer', false)]), fakeSnapshot())[0]?.severity).toBe('info');
  });
});

describe('pipeline-stalled, waiting verdicts', () => {
  it('drops a stage waiting on a child while something in its group is working', () => {
    const waiting = { ...report('stage-waiting-child'), stages: [stage(10, 'npm', { pgid: 10 }), stage(11, 'tail', { pgid: 10 })] };
    const busy = fakeSnapshot({ processes: [fakeProcess({ pid: 12, pgid: 10, comm: 'node', cpu: sampled(80) })] });
    const idle = fakeSnapshot({ processes: [fakeProcess({ pid: 12, pgid: 10, comm: 'node', cpu: sampled(0, false) })] });
    expect(runAnalyzer(pipelineStalledFrom(() => [waiting]), busy)).toEqual([]);
    expect(runAnalyzer(pipelineStalledFrom(() => [waiting]), idle)[0]?.severity).toBe('info');
  });
});
