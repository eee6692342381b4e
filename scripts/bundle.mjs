// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/ and makes its code cache.
// Part of `npm run build`.
//
// - main.cjs: the whole CLI, one CommonJS file, which bin/procdoc.js runs through
//   launch.cjs with V8's code cache, main.cache (src/cli/launch.ts says why CommonJS).
//   Subcommands and large packages (zod, openai, execa) are in it but run only when a
//   command first needs them: esbuild turns each import() of our own modules into a lazy
//   initialiser, and V8 compiles no function before its first call. zod is imported as a
//   namespace (`import * as z`, a lint rule) so that esbuild drops what procdoc does not use,
//   its 40 locales among it.
// - worker.cjs: the worker thread of the parallel /proc pass (snapshot/parallel.ts).
// - launch.cjs: the launcher itself, which needs only Node's built-ins. CommonJS too, as is
//   bin/procdoc.js (bin/package.json says so): Node starts a CommonJS program ~8 ms sooner
//   than an ES module one, whose loader it must set up first.
//
// web-tree-sitter is bundled from its CommonJS build (its ES build imports Node's modules
// with import()). tree-sitter-bash (a .wasm, found through require.resolve) and
// gpt-tokenizer (mostly data, required when `ask` builds a context) stay in node_modules.
//
// esbuild's own command, waited for: its JavaScript API (build and buildSync alike) starts a
// service process that outlives this one, an orphan that PID 1 must reap; on hosts whose init
// reaps slowly it then shows up in `procdoc diagnose` as an unreaped zombie.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
const esbuild = `${root}node_modules/.bin/esbuild`;
const common = ['--bundle', '--platform=node', '--target=node20', '--log-level=warning'];

/**
 * import() calls that main.cjs may keep, each never reached. Any other would fail at run time,
 * so the build fails instead: a vm.Script cannot import (use createRequire for Node's modules).
 */
const UNREACHED_IMPORTS = new Map([
  // web-tree-sitter's Language.load given a path; procdoc gives it the grammar's bytes.
  ['fs/promises', 'web-tree-sitter'],
  // Not a call: the words of one of openai's error messages.
  ['node:buffer', 'openai'],
]);

/**
 * commander requires child_process as it loads, only to run a subcommand that is an
 * executable of its own, which procdoc has none of; loading it (with net, dgram and the rest
 * it pulls in) cost every run ~6 ms (npm run bench, --version). In main.cjs that require is
 * made one on first use. The line is matched verbatim and its variable may be used only for
 * spawn: a commander update that changes either fails the build here.
 */
function withLazyChildProcess(source) {
  const eager = 'var childProcess = require("node:child_process");';
  const uses = new Set([...source.matchAll(/\bchildProcess\.(\w+)/g)].map((m) => m[1]));
  if (source.split(eager).length !== 2 || [...uses].some((use) => use !== 'spawn')) {
    console.error(`bundle: expected main.cjs to hold once \`${eager}\`, its variable used only for spawn (uses: ${[...uses].join(', ')}); update withLazyChildProcess in scripts/bundle.mjs`);
    process.exit(1);
  }
  return source.replace(eager, 'var childProcess = { spawn: (...args) => require("node:child_process").spawn(...args) };');
}

/**
 * Our modules ask import.meta.url where they are (prompts/, the worker, the parser's .wasm):
 * in a CommonJS bundle, the bundle's URL. A banner comes before esbuild's "use strict", so it
 * says it first: the bundles stay strict code, as ES modules are.
 */
const STRICT_WITH_URL = "'use strict';\nvar __procdocUrl = require('node:url').pathToFileURL(__filename).href;";

rmSync(outdir, { recursive: true, force: true });
const buildId = randomBytes(8).toString('hex');
execFileSync(
  esbuild,
  [
    `main=${root}dist/cli/main.js`,
    `worker=${root}dist/snapshot/worker.js`,
    `--outdir=${outdir}`,
    ...common,
    '--format=cjs',
    '--out-extension:.js=.cjs',
    '--external:tree-sitter-bash',
    '--external:gpt-tokenizer',
    `--alias:web-tree-sitter=${root}node_modules/web-tree-sitter/tree-sitter.cjs`,
    '--define:import.meta.url=__procdocUrl',
    `--banner:js=// procdoc build ${buildId}\n${STRICT_WITH_URL}`,
  ],
  { stdio: 'inherit' },
);
execFileSync(
  esbuild,
  [`${root}dist/cli/launch.js`, `--outfile=${outdir}/launch.cjs`, ...common, '--format=cjs', '--define:import.meta.url=__procdocUrl', `--banner:js=${STRICT_WITH_URL}`],
  { stdio: 'inherit' },
);

const main = withLazyChildProcess(readFileSync(`${outdir}/main.cjs`, 'latin1'));
writeFileSync(`${outdir}/main.cjs`, main, 'latin1');

const imports = [...main.matchAll(/\bimport\(\s*["'`]([^"'`]+)/g)].map((m) => m[1]);
const unexpected = imports.filter((spec) => !UNREACHED_IMPORTS.has(spec));
if (unexpected.length > 0) {
  console.error(`bundle: main.cjs calls import() of ${unexpected.join(', ')}; the launcher cannot run it (load Node's modules with createRequire)`);
  process.exit(1);
}

execFileSync(process.execPath, [`${root}scripts/code-cache.mjs`], { stdio: 'inherit' });
