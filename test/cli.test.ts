import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { memoryIo } from '../src/cli/testing.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };

describe('procdoc command line', () => {
  it('prints the package version with --version', async () => {
    const io = memoryIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out.trim()).toBe(pkg.version);
  });

  it('lists every command of DESIGN.md in --help', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const name of ['diagnose', 'snapshot', 'pipeline', 'check', 'exec', 'ask']) expect(io.out).toContain(name);
  });

  it.each(['diagnose', 'snapshot', 'pipeline', 'check', 'exec', 'ask'])('gives examples in `%s --help`', async (name) => {
    const io = memoryIo();
    expect(await main([name, '--help'], io)).toBe(0);
    expect(io.out).toMatch(/Examples?:/);
    expect(io.out).toContain(`procdoc ${name}`);
  });

  it('exits 2 with a usage hint for an unknown command or option', async () => {
    const io = memoryIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err).toMatch(/unknown command/);
    const io2 = memoryIo();
    expect(await main(['snapshot', '--bogus'], io2)).toBe(2);
    expect(io2.err).toMatch(/unknown option/);
    expect(io2.err).toContain('(run procdoc snapshot --help for usage)');
  });

  it('says what is missing and where the usage is when a command lacks its argument', async () => {
    const io = memoryIo();
    expect(await main(['ask'], io)).toBe(2);
    expect(io.err).toBe("error: missing required argument 'question'\n(run procdoc ask --help for usage)\n");
  });

  it('names an unknown threshold by its name alone', async () => {
    const io = memoryIo();
    expect(await main(['diagnose', '--threshold', 'zombiesCritcal=3'], io)).toBe(3);
    expect(io.err).toMatch(/^procdoc: Unknown threshold "zombiesCritcal"\.\n {2}Use --threshold NAME=NUMBER with one of: zombiesCritical, /);
  });

  it('with no command at all, prints the help on stderr and exits 2 (bad usage); `procdoc help` is asked for, and exits 0', async () => {
    const io = memoryIo();
    expect(await main([], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toMatch(/^Usage: procdoc \[options\] \[command\]/);
    for (const name of ['diagnose', 'snapshot', 'pipeline', 'check', 'exec', 'ask']) expect(io.err).toContain(name);
    const asked = memoryIo();
    expect(await main(['help'], asked)).toBe(0);
    expect(asked.out).toMatch(/^Usage: procdoc \[options\] \[command\]/);
  });

  it.each(['check', 'exec'])('`%s` without a command exits 2 and names the command once, after the one procdoc: prefix', async (name) => {
    const io = memoryIo();
    expect(await main([name], io)).toBe(2);
    expect(io.err).toBe(
      `procdoc: ${name}: no command given.\n  Put the command after --, e.g. procdoc ${name} -- kill -TERM 4711, or as one quoted string: procdoc ${name} 'kill -TERM 4711'.\n`,
    );
  });

  it('exits 3, the monitoring "unknown", for bad usage of diagnose', async () => {
    const io = memoryIo();
    expect(await main(['diagnose', '--bogus'], io)).toBe(3);
  });

  it('reads a fixture tree with --proc-root and --sys-root', async () => {
    const host = join(import.meta.dirname, '../fixtures/hosts/v2-host');
    const io = memoryIo();
    expect(await main(['--proc-root', join(host, 'proc'), '--sys-root', join(host, 'sys'), 'snapshot', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ schemaVersion: 1, host: { hostname: 'web-01', cgroupMode: 'v2' } });
  });

  it('stops quietly when the reader of its output goes away (| head)', async () => {
    const cli = join(import.meta.dirname, '../bin/procdoc.js');
    // The deep snapshot of this host is far larger than a pipe's 64 KiB buffer.
    const child = spawn(process.execPath, [cli, 'snapshot', '--json', '--deep', '--sample', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Read the first bytes, then close the pipe, as `head -c` does.
    child.stdout.once('data', () => child.stdout.destroy());
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  }, 30_000);
});
