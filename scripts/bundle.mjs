// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/, one file per entry and
// per lazily loaded subcommand: Node resolves, reads and links one module where it would
// otherwise take forty, which is about 30 ms of every run of procdoc. Part of `npm run build`.
//
// Packages with many modules are bundled too, into the chunks of the commands that load
// them: zod (226 modules, about 140 ms from node_modules, 60 ms as one chunk; imported as a
// namespace, `import * as z`, so that esbuild drops what procdoc does not use, its 40 locales
// among it: 200 KB instead of 755), execa (exec:
// 110 ms less per run), openai (ask) and commander (every run: 3-7 ms less than require()
// of its seven CommonJS files, which itself beat Node's ESM import of them by 15 ms). The
// others stay in node_modules: web-tree-sitter finds its .wasm beside its own module, and
// gpt-tokenizer is mostly data. Bundled CommonJS code (cross-spawn, under
// execa) requires Node's built-ins, so every chunk gets a `require` of its own (the banner).
//
// esbuild's own command, waited for: its JavaScript API (build and buildSync alike) starts a
// service process that outlives this one, an orphan that PID 1 must reap; on hosts whose init
// reaps slowly it then shows up in `procdoc diagnose` as an unreaped zombie.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });
const { dependencies } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const BUNDLED = ['zod', 'execa', 'openai', 'commander'];
const external = Object.keys(dependencies).filter((name) => !BUNDLED.includes(name));
execFileSync(
  `${root}node_modules/.bin/esbuild`,
  [
    // The worker is an entry of its own: snapshot/parallel.ts starts it as ./worker.js beside itself.
    `main=${root}dist/cli/main.js`,
    `worker=${root}dist/snapshot/worker.js`,
    `--outdir=${outdir}`,
    '--bundle',
    '--splitting',
    '--format=esm',
    '--platform=node',
    '--target=node20',
    ...external.map((name) => `--external:${name}`),
    "--banner:js=import { createRequire as __procdocRequire } from 'node:module'; const require = __procdocRequire(import.meta.url);",
    '--log-level=warning',
  ],
  { stdio: 'inherit' },
);
