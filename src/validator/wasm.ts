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

/**
 * The compile under way, kept on the global object: the launcher (cli/launch.ts, bundled on
 * its own) starts it, and the CLI bundle's copy of this module must find it, not start another.
 */
const COMPILING = Symbol.for('procdoc.parserWasm');
const shared = globalThis as { [COMPILING]?: ParserWasm };

/**
 * The V8 flags the parser needs (see compileParserWasm). The launcher (cli/launch.ts) sets
 * them before it compiles the CLI: V8 accepts a code cache only under the flags it was
 * made with, and setting them again here, to the same values, keeps it valid.
 */
export const PARSER_V8_FLAGS = ['--liftoff-only', '--no-wasm-lazy-compilation', '--wasm-num-compilation-tasks=1'] as const;

/**
 * Starts compiling the parser's WebAssembly, once per process. V8 compiles it on a
 * background thread while this thread goes on (loading the command, reading /proc), and
 * compiles all of it: by default it would compile each function on its first call, on this
 * thread, which made the first parse the slowest step of `procdoc check`. One background
 * thread compiles it (--wasm-num-compilation-tasks=1): with more, on two CPUs the compile
 * took the CPU this thread was reading /proc on (check 4 ms slower). A constant, not the
 * number of CPUs less one: the flags are part of what the code cache is valid for.
 *
 * Only the baseline compiler is used (--liftoff-only): the optimising one would hold the
 * process open for about a second at exit, and the baseline is fast enough for shell commands.
 * Throws if the modules cannot be read (web-tree-sitter or tree-sitter-bash not installed).
 */
export function compileParserWasm(): ParserWasm {
  const started = shared[COMPILING];
  if (started !== undefined) return started;
  for (const flag of PARSER_V8_FLAGS) setFlagsFromString(flag);
  const require = createRequire(import.meta.url);
  const runtimeBytes = readFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'));
  const grammarBytes = readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const runtime = WebAssembly.compile(runtimeBytes);
  const grammar = WebAssembly.compile(grammarBytes);
  // Whoever loads the validator awaits these; a command that fails first must not crash on them.
  runtime.catch(() => undefined);
  grammar.catch(() => undefined);
  const compiling = { runtime, grammar, grammarBytes };
  shared[COMPILING] = compiling;
  return compiling;
}

/**
 * Starts the parser's compile (compileParserWasm) for a command that will judge with it, and
 * lets the event loop turn once. V8 begins an asynchronous WebAssembly compile with a task on
 * this thread, which runs only when the event loop turns: started before synchronous work
 * (loading the CLI, reading /proc), the compile did not begin until that work was done, and
 * `procdoc check` then waited ~30 ms for it. After one turn it runs on a background thread
 * meanwhile. A failure to start is left to loadValidator to report.
 */
export async function startParserCompile(): Promise<void> {
  if (shared[COMPILING] !== undefined) return;
  try {
    compileParserWasm();
  } catch {
    return;
  }
  await new Promise((resolve) => setImmediate(resolve));
}
