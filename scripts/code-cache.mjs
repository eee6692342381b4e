// Makes dist/bundle/main.cache, V8's code for the CLI (see src/cli/launch.ts), by running in
// this process the commands that people and programs run most, read-only, on this machine,
// with their output thrown away. The cache holds the functions these runs compiled; others
// are compiled when first called, as without a cache. Run by scripts/bundle.mjs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCli } from '../dist/bundle/launch.cjs';

const cli = loadCli(undefined, { ...process.env, PROCDOC_CODE_CACHE: 'off' });

/** Runs one command; returns what it wrote on stdout. */
async function run(argv) {
  let stdout = '';
  const io = {
    stdout: (text) => void (stdout += text),
    stderr: () => undefined,
    stdoutIsTTY: false,
    stdinIsTTY: false,
    env: process.env,
    confirm: () => Promise.resolve(false),
  };
  await cli.main(argv, io);
  return stdout;
}

const dir = mkdtempSync(join(tmpdir(), 'procdoc-code-cache-'));
try {
  // A saved snapshot, for the readers of documents (--from), which validate it with zod.
  const saved = join(dir, 'snapshot.json');
  writeFileSync(saved, await run(['snapshot', '--json', '--sample', '0']));
  for (const argv of [
    ['check', '--', 'kill', '-9', String(process.pid)],
    ['check', '--json', '--', 'pkill', '-f', 'procdoc-code-cache-no-match'],
    ['check', '--from', saved, '--', 'kill', '-9', String(process.pid)],
    ['diagnose', '--sample', '0'],
    ['diagnose', '--json', '--sample', '0'],
    ['diagnose', '--from', saved],
  ]) {
    await run(argv);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
cli.saveCache();
