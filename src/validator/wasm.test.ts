import { describe, expect, it } from 'vitest';
import { loadValidator } from './index.js';
import { compileParserWasm } from './wasm.js';

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
