import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelineJsonSchema } from '../../src/analyzers/pipeline/schema.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { listProcesses, readWchan, startProcess, stopAll, waitFor } from '../support/procs.js';

afterEach(async () => {
  await stopAll();
});

describe('a pipeline stage waiting for a file lock', () => {
  it('names the live holder from /proc/locks and offers to end it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'procdoc-locks-'));
    try {
      const lock = join(dir, 'lock');
      // `flock FILE sleep 600` keeps the lock in the flock process itself, alive.
      const holder = await startProcess(`exec flock ${lock} sleep 600`);
      await waitFor(() => listProcesses().some((p) => p.ppid === holder.pid && p.comm === 'sleep'), { what: 'the holder to take the lock' });
      const job = await startProcess(`flock ${lock} true | cat`);
      const waiter = await waitFor(() => listProcesses().find((p) => p.pgid === job.pgid && p.comm === 'flock')?.pid, { what: 'the waiting flock' });
      await waitFor(() => /lock/.test(readWchan(waiter) ?? ''), { what: 'flock to block on the lock' });

      const io = memoryIo();
      expect(await main(['pipeline', String(job.pid), '--json', '--sample', '200'], io)).toBe(0);
      const json = PipelineJsonSchema.parse(JSON.parse(io.out));
      expect(json.verdict.code).toBe('stage-blocked-other');
      expect(json.verdict.culpritPid).toBe(waiter);
      expect(json.verdict.explanation).toContain(`held by flock (${holder.pid}) (per /proc/locks)`);
      expect(json.remediation.map((r) => r.command)).toContain(`kill -TERM ${holder.pid}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
