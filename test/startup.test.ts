import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * What each command runs. zod costs about 60 ms of start-up: the commands that people and
 * programs run often (diagnose, pipeline, check, snapshot, exec) only write documents, and
 * must not run its code. Only readers of documents (--from, the LLM path) do. zod is in the
 * bundle (dist/bundle/main.cjs) either way, but its modules run only when first imported;
 * its core leaves globalThis.__zod_globalConfig behind when they do.
 */
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin/procdoc.js');
const HOST = join(ROOT, 'fixtures/hosts/v2-host');
const FIXTURE = ['--proc-root', join(HOST, 'proc'), '--sys-root', join(HOST, 'sys')];

/** Preloaded: at exit, says on stderr whether zod's code ran. */
const HOOK = `data:text/javascript,${encodeURIComponent(`process.on('exit', () => process._rawDebug('ZOD RAN ' + ('__zod_globalConfig' in globalThis)));`)}`;

/** exec's audit log goes here, not to the home of whoever runs the tests. */
const STATE = mkdtempSync(join(tmpdir(), 'procdoc-startup-'));
afterAll(() => rmSync(STATE, { recursive: true, force: true }));

function run(args: string[]): { status: number | null; zodRan: boolean | undefined } {
  const r = spawnSync(process.execPath, ['--import', HOOK, CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_STATE_HOME: STATE } });
  const said = /^ZOD RAN (true|false)$/m.exec(r.stderr)?.[1];
  return { status: r.status, zodRan: said === undefined ? undefined : said === 'true' };
}

describe('start-up cost', () => {
  it.each([
    ['diagnose', [...FIXTURE, 'diagnose', '--json'], 2],
    ['pipeline', [...FIXTURE, 'pipeline', '--json'], 0],
    ['check', [...FIXTURE, 'check', '--', 'kill', '-9', '1'], 20],
    ['snapshot', [...FIXTURE, 'snapshot', '--json'], 0],
    // exec runs on the live /proc only (it refuses a fixture tree): `true` is allowed and runs.
    ['exec', ['exec', '--yes', '--', 'true'], 0],
  ])('%s does not run zod', (_name, args, status) => {
    const r = run(args);
    // The command did its work: not a usage error or a crash that stopped before zod was needed.
    expect(r.status).toBe(status);
    expect(r.zodRan).toBe(false);
  });

  it('a saved snapshot is validated with zod (the hook does see zod when it runs)', () => {
    const r = run([...FIXTURE, 'diagnose', '--from', join(ROOT, 'package.json')]);
    expect(r.zodRan).toBe(true);
  });
});
