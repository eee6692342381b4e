import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * What each command loads. zod costs about 60 ms of start-up even bundled into one chunk
 * (140 ms from node_modules): the commands that people and programs run often (diagnose,
 * pipeline, check, snapshot, exec) only write documents, and must not load it. Only
 * readers of documents (--from, the LLM path) do.
 */
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin/procdoc.js');
const HOST = join(ROOT, 'fixtures/hosts/v2-host');
const FIXTURE = ['--proc-root', join(HOST, 'proc'), '--sys-root', join(HOST, 'sys')];

/** A module hook that reports every file module the process resolves, on stderr. */
const HOOK = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';` +
    `register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith('file:')) process._rawDebug('LOADED ' + r.url); return r; }"));`,
)}`;

/** exec's audit log goes here, not to the home of whoever runs the tests. */
const STATE = mkdtempSync(join(tmpdir(), 'procdoc-startup-'));
afterAll(() => rmSync(STATE, { recursive: true, force: true }));

function loaded(args: string[]): { status: number | null; modules: string[] } {
  const r = spawnSync(process.execPath, ['--import', HOOK, CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_STATE_HOME: STATE } });
  const modules = r.stderr.split('\n').flatMap((line) => (line.startsWith('LOADED ') ? [line.slice(7)] : []));
  return { status: r.status, modules };
}

/** zod, from node_modules or in a chunk of the bundle: its core defines the class $ZodType. */
function zodIn(modules: string[]): string[] {
  return modules.filter((url) => url.includes('/node_modules/zod/') || readFileSync(fileURLToPath(url), 'utf8').includes('$ZodType'));
}

describe('start-up cost', () => {
  it.each([
    ['diagnose', [...FIXTURE, 'diagnose', '--json']],
    ['pipeline', [...FIXTURE, 'pipeline', '--json']],
    ['check', [...FIXTURE, 'check', '--', 'kill', '-9', '1']],
    ['snapshot', [...FIXTURE, 'snapshot', '--json']],
    // exec runs on the live /proc only (it refuses a fixture tree): `true` is allowed and runs.
    ['exec', ['exec', '--yes', '--', 'true']],
  ])('%s does not load zod', (name, args) => {
    const { status, modules } = loaded(args);
    expect(status).not.toBeNull();
    if (name === 'exec') expect(status).toBe(0);
    // The hook saw the CLI load: the check below is not vacuous.
    expect(modules.some((m) => m.endsWith('/dist/bundle/main.js'))).toBe(true);
    expect(zodIn(modules)).toEqual([]);
  });

  it('a saved snapshot is validated with zod (the hook does see zod when it loads)', () => {
    const { modules } = loaded([...FIXTURE, 'diagnose', '--from', join(ROOT, 'package.json')]);
    expect(zodIn(modules).length).toBeGreaterThan(0);
  });
});
