import { describe, expect, it, vi } from 'vitest';
import { loadValidator } from './index.js';
import { compileParserWasm, startParserCompile } from './wasm.js';

describe('compileParserWasm', () => {
  it('compiles the runtime and the grammar once per process, and the validator is built on them', async () => {
    const first = compileParserWasm();
    expect(compileParserWasm()).toBe(first);
    // The grammar's bytes are a WebAssembly module (magic "\0asm"), which Language.load takes.
    expect([...first.grammarBytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
    const [runtime, grammar] = await Promise.all([first.runtime, first.grammar]);
    expect(runtime).toBeInstanceOf(WebAssembly.Module);
    expect(grammar).toBeInstanceOf(WebAssembly.Module);
    const validator = await loadValidator();
    expect(compileParserWasm()).toBe(first);
    const parsed = validator.parse("kill -9 4711 && echo 'a b' | grep a");
    expect(parsed.problems).toEqual([]);
    expect(parsed.commands.map((c) => c.text)).toEqual(['kill -9 4711', "echo 'a b'", 'grep a']);
  });
});

describe('startParserCompile', () => {
  it('shares one compile with every copy of the module (the launcher and the CLI bundle each have one)', async () => {
    await startParserCompile();
    const started = compileParserWasm();
    vi.resetModules();
    const specifier = './wasm.js?copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as { compileParserWasm: typeof compileParserWasm; startParserCompile: typeof startParserCompile };
    expect(copy.compileParserWasm).not.toBe(compileParserWasm);
    expect(copy.compileParserWasm()).toBe(started);
    await copy.startParserCompile();
    expect(compileParserWasm()).toBe(started);
  });
});
