import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';

/** The parser's two WebAssembly modules: web-tree-sitter's runtime and the bash grammar. */
export interface ParserWasm {
  runtime: Promise<WebAssembly.Module>;
  grammar: Promise<WebAssembly.Module>;
  /** The grammar's bytes: web-tree-sitter loads a language only from bytes or a path. */
  grammarBytes: Uint8Array;
}

let compiling: ParserWasm | null = null;

/**
 * The V8 flags the parser needs (see compileParserWasm). The launcher (cli/launch.ts) sets
 * them before it compiles the CLI: V8 accepts a code cache only under the flags it was
 * made with, and setting them again here, to the same values, keeps it valid.
 */
export const PARSER_V8_FLAGS = ['--liftoff-only', '--no-wasm-lazy-compilation'] as const;

/**
 * Starts compiling the parser's WebAssembly, once per process. V8 compiles it on its
 * background threads while this thread goes on (loading the command, reading /proc), and
 * compiles all of it: by default it would compile each function on its first call, on this
 * thread, which made the first parse the slowest step of `procdoc check`.
 *
 * Only the baseline compiler is used (--liftoff-only): the optimising one would hold the
 * process open for about a second at exit, and the baseline is fast enough for shell commands.
 * Throws if the modules cannot be read (web-tree-sitter or tree-sitter-bash not installed).
 */
export function compileParserWasm(): ParserWasm {
  if (compiling !== null) return compiling;
  for (const flag of PARSER_V8_FLAGS) setFlagsFromString(flag);
  const require = createRequire(import.meta.url);
  const runtimeBytes = readFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'));
  const grammarBytes = readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const runtime = WebAssembly.compile(runtimeBytes);
  const grammar = WebAssembly.compile(grammarBytes);
  // Whoever loads the validator awaits these; a command that fails first must not crash on them.
  runtime.catch(() => undefined);
  grammar.catch(() => undefined);
  compiling = { runtime, grammar, grammarBytes };
  return compiling;
}
