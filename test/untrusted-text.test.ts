import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { memoryIo } from '../src/cli/testing.js';
import { printable, printableLines } from '../src/snapshot/query.js';
import { startStopped, stopAll, type Started } from './support/procs.js';

// A process names itself: its comm is its executable's file name, its argv[0] anything at all.
// This one's name holds a newline and colour escapes that forge a line of procdoc's output.
const COMM = 'ev\n\u001b[31m✓';
const ARGV0 = 'evil\n  \u001b[31m✓ FAKE-LINE\u001b[0m';
const FORGED = /^\s*✓ FAKE-LINE/m;

const dir = mkdtempSync(join(tmpdir(), 'procdoc-untrusted-'));
let evil: Started;

/** bash's $'…' quoting of a string with control characters. */
function ansiC(text: string): string {
  return `$'${[...text].map((c) => (c === '\n' ? '\\n' : c === '\u001b' ? '\\e' : c === "'" ? "\\'" : c === '\\' ? '\\\\' : c)).join('')}'`;
}

beforeAll(async () => {
  copyFileSync('/bin/sleep', join(dir, COMM));
  evil = await startStopped(`exec -a ${ansiC(ARGV0)} ${ansiC(join(dir, COMM))} 600`);
});
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('text that processes choose never reaches the terminal raw', () => {
  it('printable() shows control characters and bidi overrides as escapes; printableLines() keeps the lines', () => {
    expect(printable(ARGV0)).toBe('evil\\n  \\e[31m✓ FAKE-LINE\\e[0m');
    expect(printable('a\tb\rc\u0007d\u009be\u202ef')).toBe('a\\tb\\rc\\x07d\\x9be\\u202ef');
    expect(printableLines('one\ntwo\u001b[2J')).toBe('one\ntwo\\e[2J');
    expect(printable('nginx: worker process')).toBe('nginx: worker process');
  });

  it('the process really carries the forged name (the test is of something)', async () => {
    const io = memoryIo();
    expect(await main(['snapshot', '--json', '--sample', '0', '--pid', String(evil.pid)], io)).toBe(0);
    const p = (JSON.parse(io.out) as { processes: { pid: number; comm: string; argv: string[]; state: string }[] }).processes.find((q) => q.pid === evil.pid);
    // The JSON keeps the true bytes: programs reading it get them exactly, escaped by JSON.
    expect(p).toMatchObject({ comm: COMM, argv: [ARGV0, '600'], state: 'T' });
  });

  it.each([
    ['diagnose --pid', ['diagnose', '--pid']],
    ['ask --offline', ['ask', '--offline', 'why is PID stuck?']],
    ['check', ['check', '--', 'kill', '-CONT']],
  ])('%s: shows the name escaped, with no escape sequence and no forged line', async (_, words) => {
    const argv = words.map((w) => w.replace('PID', String(evil.pid)));
    const io = memoryIo();
    const status = await main(words.at(-1) === '--pid' || words.at(-1) === '-CONT' ? [...argv, String(evil.pid)] : argv, io);
    expect(status, io.err).toBeLessThan(30);
    const text = io.out + io.err;
    expect(text).not.toContain('\u001b');
    expect(text).not.toMatch(FORGED);
    expect(text).toContain(printable(COMM));
  });
});
