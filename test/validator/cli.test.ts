import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/testing.js';
import { VerdictSchema } from '../../src/validator/verdict.js';
import { validatorHost } from '../../src/validator/testing.js';

// `procdoc check` in-process against a saved snapshot (--from): exit statuses and output.

const dir = mkdtempSync(join(tmpdir(), 'procdoc-check-cli-'));
const snapshotFile = join(dir, 'host.json');
writeFileSync(snapshotFile, JSON.stringify(validatorHost()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function check(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(['check', '--from', snapshotFile, ...argv], io);
  return { code, out: io.out, err: io.err };
}

describe('procdoc check', () => {
  test('exit 0 for allow, 10 for confirm, 20 for deny', async () => {
    expect((await check('--', 'ps', 'aux')).code).toBe(0);
    expect((await check('--', 'kill', '-TERM', '1100')).code).toBe(10);
    expect((await check('--', 'kill', '-9', '500')).code).toBe(20);
  });

  test('--json prints exactly the contract', async () => {
    const { code, out } = await check('--json', '--', 'kill', '-9', '500');
    expect(code).toBe(20);
    const json = JSON.parse(out) as Record<string, unknown>;
    expect(json.schemaVersion).toBe(1);
    expect(Object.keys(json).sort()).toEqual(['alternatives', 'command', 'decision', 'rules', 'schemaVersion', 'targets']);
    const verdict = { ...json };
    delete verdict.schemaVersion;
    expect(VerdictSchema.parse(verdict)).toMatchObject({ decision: 'deny', alternatives: ['systemctl restart nginx.service'] });
  });

  test('one quoted argument is shell text', async () => {
    const { code, out } = await check('ps aux | grep nginx; kill -9 1');
    expect(code).toBe(20);
    expect(out).toMatch(/^DENY {2}ps aux \| grep nginx; kill -9 1\n/);
    expect(out).toMatch(/✗ target-pid1: /);
  });

  test('the text verdict shows rules, alternatives and targets without colour off a terminal', async () => {
    const { out } = await check('--', 'kill', '-9', '500');
    expect(out).toContain('Instead:\n    systemctl restart nginx.service');
    expect(out).toContain('500  nginx, start 1500, nginx.service');
    expect(out).not.toContain('\u001b[');
  });

  test('a command nested too deeply to judge is a deny (exit 20), not an internal error', async () => {
    const { code, out, err } = await check(`${'('.repeat(3000)}ps${')'.repeat(3000)}`);
    expect(err).toBe('');
    expect(code).toBe(20);
    expect(out).toMatch(/✗ unparseable: This command is nested too deeply to judge/);
  });

  test('no command is bad usage (exit 2) with a hint', async () => {
    const { code, err } = await check();
    expect(code).toBe(2);
    expect(err).toMatch(/no command given[\s\S]*Put the command after --/);
  });

  test('an unreadable snapshot file is an error (exit 1) that says what to do', async () => {
    const io = memoryIo();
    expect(await main(['check', '--from', join(dir, 'missing.json'), '--', 'ps'], io)).toBe(1);
    expect(io.err).toMatch(/procdoc snapshot -o FILE/);
  });
});
