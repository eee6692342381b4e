import { describe, expect, it } from 'vitest';
import { indexSnapshot } from '../../snapshot/query.js';
import { fakeSnapshot } from '../../snapshot/testing.js';
import { pipeStage, shellProcess } from './fixture.js';
import { analyzePipelines } from './index.js';
import { renderPipeline, renderPipelineDot, renderPipelineMermaid, renderPipelinesDot, renderPipelinesMermaid, type RenderableReport } from './render.js';

function stoppedMiddle(): RenderableReport {
  const snapshot = fakeSnapshot({
    processes: [
      shellProcess(),
      pipeStage(21, 'yes', { wchan: 'anon_pipe_write', fds: [[1, 100, 'w']] }),
      pipeStage(22, 'gr"ep\u001b[31m', { state: 'T', wchan: 'do_signal_stop', fds: [[0, 100, 'r'], [1, 101, 'w']] }),
      pipeStage(23, 'wc', { fds: [[0, 101, 'r']] }),
      pipeStage(30, 'stray', { ppid: 1, pgid: 30, wchan: 'ep_poll', fds: [[9, 101, 'w']] }),
    ],
  });
  const report = analyzePipelines(snapshot, indexSnapshot(snapshot))[0]!;
  return {
    ...report,
    remediation: report.remediation.map((r, i) => ({ ...r, verdict: { decision: i === 0 ? ('allow' as const) : ('confirm' as const), rules: [] } })),
  };
}

describe('renderPipeline (text)', () => {
  it('draws the stages in order with the pipes between them and marks the culprit', () => {
    const text = renderPipeline(stoppedMiddle());
    const lines = text.split('\n');
    const yes = lines.findIndex((l) => l.includes('yes (21)'));
    const grep = lines.findIndex((l) => l.includes('(22)'));
    const wc = lines.findIndex((l) => l.includes('wc (23)'));
    expect(yes).toBeLessThan(grep);
    expect(grep).toBeLessThan(wc);
    expect(lines[grep]).toContain('◀── culprit');
    expect(lines[yes + 1]).toContain('pipe:[100]');
    expect(text).toContain('STALLED — stage-stopped');
    expect(text).toContain('stray (30)');
    expect(text).toContain('writes pipe:[101]');
    expect(text).toContain('$ kill -s CONT 22 [allow]');
  });

  it('never passes control characters from a process name to the terminal', () => {
    expect(renderPipeline(stoppedMiddle())).not.toContain('\u001b');
  });

  it('lists a stage and the children that share its output pipe on one level, with one arrow', () => {
    const snapshot = fakeSnapshot({
      processes: [
        shellProcess(),
        pipeStage(21, 'make', { wchan: 'do_wait', fds: [[1, 100, 'w']] }),
        pipeStage(22, 'cc', { ppid: 21, wchan: 'futex_wait_queue', fds: [[1, 100, 'w']] }),
        pipeStage(23, 'less', { fds: [[0, 100, 'r']] }),
      ],
    });
    const text = renderPipeline(analyzePipelines(snapshot, indexSnapshot(snapshot))[0]!);
    const lines = text.split('\n');
    const make = lines.findIndex((l) => l.includes('make (21)'));
    expect(lines[make + 1]).toContain('cc (22)');
    expect(lines[make + 2]).toContain('│ pipe:[100]');
    expect(lines[make + 4]).toContain('less (23)');
  });
});

describe('renderPipelineMermaid', () => {
  it('makes a flowchart with pipe edges, escaped labels and the culprit class', () => {
    const m = renderPipelineMermaid(stoppedMiddle());
    expect(m.startsWith('flowchart LR\n')).toBe(true);
    expect(m).toContain('p21 -- "pipe:[100]" --> p22');
    expect(m).toContain('p22 -- "pipe:[101]" --> p23');
    expect(m).toContain('p30 -- "pipe:[101]" --> p23');
    expect(m).toContain('class p22 culprit');
    expect(m).toContain('gr#quot;ep');
    expect(m).not.toContain('\u001b');
  });
});

describe('renderPipelineDot', () => {
  it('makes a digraph with escaped labels, the culprit in red and outside holders dashed', () => {
    const d = renderPipelineDot(stoppedMiddle());
    expect(d.startsWith('digraph pipeline {')).toBe(true);
    expect(d.trimEnd().endsWith('}')).toBe(true);
    expect(d).toContain('p21 -> p22 [label="pipe:[100]"];');
    expect(d).toMatch(/p22 \[label="gr\\"ep\\\\e\[31m \(22\)\\nT: stopped \(state T\)", color=red, penwidth=2\];/);
    expect(d).toMatch(/p30 \[label="stray \(30\)[^\]]*style=dashed/);
  });
});

describe('several pipelines in one diagram', () => {
  /** A second pipeline, as `procdoc pipeline` with no PID lists them: its own stages and pipe. */
  function another(): RenderableReport {
    const snapshot = fakeSnapshot({
      processes: [shellProcess(), pipeStage(41, 'cat', { pgid: 41, fds: [[1, 200, 'w']] }), pipeStage(42, 'sort', { pgid: 41, state: 'T', wchan: 'do_signal_stop', fds: [[0, 200, 'r']] })],
    });
    return analyzePipelines(snapshot, indexSnapshot(snapshot))[0]!;
  }

  it('mermaid: one flowchart with a subgraph per pipeline, every culprit marked', () => {
    const m = renderPipelinesMermaid([stoppedMiddle(), another()]);
    expect(m.match(/^flowchart LR$/gm)).toHaveLength(1);
    expect(m).toMatch(/^ {2}subgraph pipeline1 \["stage-stopped: culprit 22"\]$/m);
    expect(m).toMatch(/^ {2}subgraph pipeline2 \["stage-stopped: culprit 42"\]$/m);
    expect(m.match(/^ {2}end$/gm)).toHaveLength(2);
    expect(m).toContain('    p41 -- "pipe:[200]" --> p42');
    expect(m).toContain('  class p22 culprit');
    expect(m).toContain('  class p42 culprit');
  });

  it('dot: one digraph with a cluster per pipeline; one pipeline renders as before', () => {
    const d = renderPipelinesDot([stoppedMiddle(), another()]);
    expect(d.match(/^digraph /gm)).toHaveLength(1);
    expect(d.match(/^ {2}subgraph cluster_\d \{$/gm)).toHaveLength(2);
    expect(d).toContain('    p41 -> p42 [label="pipe:[200]"];');
    expect(d.trimEnd().endsWith('}')).toBe(true);
    expect(renderPipelinesDot([stoppedMiddle()])).toBe(renderPipelineDot(stoppedMiddle()));
    expect(renderPipelinesMermaid([stoppedMiddle()])).toBe(renderPipelineMermaid(stoppedMiddle()));
  });
});
