import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startStopped, stopAll } from './support/procs.js';

/*
 * The launcher (src/cli/launch.ts) runs the built bundle with V8's code cache, which
 * `npm run build` makes. Each case runs in a process of its own: V8 judges a cache against
 * the flags of the process, and the test runner's are not procdoc's.
 */
const ROOT = join(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'dist/bundle');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const scratch = mkdtempSync(join(tmpdir(), 'procdoc-launch-'));
afterAll(async () => {
  await stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

/** Loads the CLI from `dir` as bin/procdoc.js does, runs `procdoc --version`; prints the cache's use, then the version. */
function launch(dir: string, env: NodeJS.ProcessEnv = {}): { cache: string; version: string } {
  const script = `
    const { loadCli } = await import(${JSON.stringify(pathToFileURL(join(dir, 'launch.cjs')).href)});
    const cli = loadCli();
    let out = '';
    await cli.main(['--version'], { stdout: (s) => (out += s), stderr: (s) => process.stderr.write(s), stdoutIsTTY: false, stdinIsTTY: false, env: process.env, confirm: async () => false });
    console.log(cli.cache + ' ' + out.trim());`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  expect(r.stderr).toBe('');
  const [cache = '', version = ''] = r.stdout.trim().split(' ');
  return { cache, version };
}

/** A copy of the built bundle, whose cache `spoil` may rewrite. */
function copyOfBundle(name: string, spoil?: (cache: Buffer) => Buffer): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of ['launch.cjs', 'main.cjs']) copyFileSync(join(BUNDLE, file), join(dir, file));
  const cache = readFileSync(join(BUNDLE, 'main.cache'));
  writeFileSync(join(dir, 'main.cache'), spoil === undefined ? cache : spoil(cache));
  return dir;
}

/** A built procdoc with every package installed but tree-sitter-bash, the shell parser's grammar. */
function withoutGrammar(): string {
  const clone = join(scratch, 'no-grammar');
  if (existsSync(clone)) return clone;
  mkdirSync(join(clone, 'node_modules'), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(clone, 'bin'), { recursive: true });
  cpSync(BUNDLE, join(clone, 'dist/bundle'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(clone, 'package.json'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== 'tree-sitter-bash') symlinkSync(join(ROOT, 'node_modules', name), join(clone, 'node_modules', name));
  }
  return clone;
}

describe('the launcher', () => {
  it('runs the built CLI from the code cache that the build made', () => {
    expect(launch(BUNDLE)).toEqual({ cache: 'used', version: VERSION });
  });

  it('does not use a cache made from another build (the first line names the build), and still runs', () => {
    const dir = copyOfBundle('other-build', (cache) => Buffer.concat([Buffer.from('0000000000000000'), cache.subarray(cache.indexOf(10))]));
    expect(launch(dir)).toEqual({ cache: 'stale', version: VERSION });
  });

  it('runs without a cache that V8 refuses (damaged)', () => {
    const dir = copyOfBundle('damaged', (cache) => {
      const damaged = Buffer.from(cache);
      damaged.fill(0x5a, cache.indexOf(10) + 1 + 64, cache.indexOf(10) + 1 + 4096);
      return damaged;
    });
    expect(launch(dir)).toEqual({ cache: 'rejected', version: VERSION });
  });

  it('runs without a cache when there is none, or when PROCDOC_CODE_CACHE=off', () => {
    const dir = copyOfBundle('none');
    rmSync(join(dir, 'main.cache'));
    expect(launch(dir)).toEqual({ cache: 'absent', version: VERSION });
    expect(launch(BUNDLE, { PROCDOC_CODE_CACHE: 'off' })).toEqual({ cache: 'off', version: VERSION });
  });

  it('says how to build procdoc when it is not built, and exits 1', () => {
    const clone = join(scratch, 'unbuilt');
    mkdirSync(join(clone, 'bin'), { recursive: true });
    for (const file of ['procdoc.js', 'package.json']) copyFileSync(join(ROOT, 'bin', file), join(clone, 'bin', file));
    const r = spawnSync(process.execPath, [join(clone, 'bin/procdoc.js'), 'diagnose'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`procdoc: it is not built (${join(clone, 'dist/bundle')} is missing or incomplete)`);
    expect(r.stderr).toContain(`cd ${clone} && npm ci && npm run build`);
  });

  it('says how to repair an installation whose shell parser is missing, for check and exec, and exits 1', () => {
    const clone = withoutGrammar();
    for (const argv of [
      ['check', '--', 'kill', '-TERM', String(process.pid)],
      ['exec', '--yes', '--', 'kill', '-0', String(process.pid)],
    ]) {
      const r = spawnSync(process.execPath, [join(clone, 'bin/procdoc.js'), ...argv], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("procdoc: The shell parser (web-tree-sitter with tree-sitter-bash) cannot be loaded: Cannot find module 'tree-sitter-bash/tree-sitter-bash.wasm'");
      expect(r.stderr).toContain(`reinstall its packages: cd ${clone} && npm ci`);
      expect(r.stderr).not.toContain('bug in procdoc');
      expect(r.stdout).toBe('');
    }
  });

  it('diagnoses without a shell parser, losing no finding: its proposed commands are denied as not judged, with the repair', async () => {
    const clone = withoutGrammar();
    const stopped = await startStopped();
    try {
      const r = spawnSync(process.execPath, [join(clone, 'bin/procdoc.js'), 'diagnose', '--json', '--sample', '0', '--pid', String(stopped.pid)], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1); // a warning: the stopped process
      const finding = (JSON.parse(r.stdout) as { findings: { code: string; remediation: { command: string; verdict: { decision: string; rules: { id: string; message: string }[] } }[] }[] }).findings.find((f) => f.code === 'stopped-process');
      // Resumes it, or its process group (it leads one).
      expect(finding?.remediation.map((x) => x.command)).toContainEqual(expect.stringMatching(new RegExp(`^kill -s CONT (-- -)?${stopped.pid}$`)));
      for (const { verdict } of finding?.remediation ?? []) {
        expect(verdict.decision).toBe('deny');
        expect(verdict.rules.map((x) => x.id)).toEqual(['unparseable']);
        expect(verdict.rules[0]?.message).toContain('The shell parser (web-tree-sitter with tree-sitter-bash) cannot be loaded');
        expect(verdict.rules[0]?.message).toContain(`cd ${clone} && npm ci`);
      }
    } finally {
      await stopped.stop();
    }
  });

  it('writes the whole of a large output into a pipe that is read only later, and exits with its status', () => {
    // bin/procdoc.js exits at once when the command is done, unless stdout still holds data.
    const r = spawnSync('bash', ['-c', `node ${join(ROOT, 'bin/procdoc.js')} snapshot --json --deep --sample 0 | (sleep 1; cat); exit "\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      timeout: 30_000,
      maxBuffer: 1 << 30,
    });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    expect(r.stdout.endsWith('}\n')).toBe(true);
    expect((JSON.parse(r.stdout) as { kind: string }).kind).toBe('procdoc-snapshot');
  });

  it('judges a command from the cache as it does without it', () => {
    const check = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [join(ROOT, 'bin/procdoc.js'), 'check', '--json', '--', 'kill', '-9', '1'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
    const [cached, uncached] = [check({}), check({ PROCDOC_CODE_CACHE: 'off' })];
    expect(cached.status).toBe(20);
    expect(uncached.status).toBe(20);
    expect(JSON.parse(cached.stdout)).toEqual(JSON.parse(uncached.stdout));
    expect((JSON.parse(cached.stdout) as { rules: { id: string }[] }).rules.map((r) => r.id)).toContain('target-pid1');
  });
});
