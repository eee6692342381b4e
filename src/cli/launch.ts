/*
 * Loads the CLI bundle with V8's code cache. bin/procdoc.js runs this, bundled on its own as
 * dist/bundle/launch.cjs; scripts/code-cache.mjs makes the cache when procdoc is built.
 *
 * Compiling procdoc's code is a large part of every run: `procdoc check` takes 230 ms without
 * the cache and 160 with it (npm run bench). V8 can save the code it compiled and load it
 * back, but Node 20 offers that for scripts only (vm.Script's cachedData), not for ES modules
 * (module.enableCompileCache is Node 22). So the CLI is bundled as one CommonJS file,
 * dist/bundle/main.cjs, compiled here as a vm.Script with the cache beside it, main.cache.
 *
 * The cache holds V8's code for the functions that ran while it was made, and V8 uses it only
 * for the same V8 version, the same flags and a source of the same length. The last is not
 * enough: a rebuilt bundle can have the same length. Each build writes a build id on the
 * bundle's first line, and the cache starts with the id of the bundle it was made from.
 *
 * The bundle must not call import(): a vm.Script has no module loader (scripts/bundle.mjs).
 *
 * For check and exec, the launcher starts compiling the shell parser's WebAssembly before it
 * loads the bundle: V8 compiles it on a background thread while this thread loads the CLI
 * and reads /proc, and the parser is ready when the command needs it (wasm.ts).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { PARSER_V8_FLAGS, startParserCompile } from '../validator/wasm.js';
import { judgesWithParser } from './argv.js';
import type { CliIo } from './io.js';

/** What became of the code cache: used, refused by V8, made from another build, missing, or switched off. */
export type CodeCacheUse = 'used' | 'rejected' | 'stale' | 'absent' | 'off';

export interface LoadedCli {
  main(argv: readonly string[], io?: CliIo): Promise<number>;
  readonly cache: CodeCacheUse;
  /** Saves V8's code for every function compiled so far as the bundle's cache. */
  saveCache(): void;
}

/**
 * Set before the compile, in every run: V8 takes a code cache only under the flags it was
 * made with. The parser's flags (wasm.ts sets them again later, to the same values, which
 * keeps the cache valid), and checksums: without them V8 trusts a damaged cache, and crashes.
 */
const V8_FLAGS = [...PARSER_V8_FLAGS, '--verify-snapshot-checksum'];

/** The bundle's first line: `// procdoc build <id>`. */
const BUILD_ID = /^\/\/ procdoc build (\S+)\n/;

/** The bundle and its cache: beside this file once built (dist/bundle/). */
export function loadCli(dir = fileURLToPath(new URL('.', import.meta.url)), env: NodeJS.ProcessEnv = process.env): LoadedCli {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
  const file = join(dir, 'main.cjs');
  const cacheFile = join(dir, 'main.cache');
  // esbuild writes ASCII (non-ASCII characters escaped): latin1 is the cheapest exact decoding.
  const source = readFileSync(file, 'latin1');
  const id = BUILD_ID.exec(source)?.[1] ?? '';
  const header = Buffer.from(`${id}\n`, 'latin1');
  let cache: CodeCacheUse = env.PROCDOC_CODE_CACHE === 'off' ? 'off' : 'absent';
  let cachedData: Buffer | undefined;
  if (cache !== 'off') {
    try {
      const saved = readFileSync(cacheFile);
      if (id !== '' && saved.subarray(0, header.length).equals(header)) cachedData = saved.subarray(header.length);
      else cache = 'stale';
    } catch {
      // No cache (not built with one, or unreadable): compiled as it runs.
    }
  }
  // The wrapper Node's own CommonJS loader puts around a module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  if (cachedData !== undefined) cache = script.cachedDataRejected === true ? 'rejected' : 'used';
  const module = { exports: {} as { main?: LoadedCli['main'] } };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dir);
  const main = module.exports.main;
  if (typeof main !== 'function') throw new Error(`${file} does not export main: rebuild procdoc (npm run build)`);
  return {
    main,
    cache,
    saveCache() {
      // Written whole, then renamed: a procdoc starting meanwhile reads the old cache or the new one.
      const partial = `${cacheFile}.${process.pid}`;
      writeFileSync(partial, Buffer.concat([header, script.createCachedData()]));
      renameSync(partial, cacheFile);
    },
  };
}

/** Runs procdoc with argv, as bin/procdoc.js does; resolves to the exit status. */
export async function run(argv: readonly string[]): Promise<number> {
  if (judgesWithParser(argv)) {
    // Before loadCli's flags: compileParserWasm sets the parser's own first, the same ones.
    await startParserCompile();
  }
  return loadCli().main(argv);
}
