// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/, one file per entry and
// per lazily loaded subcommand: Node resolves, reads and links one module where it would
// otherwise take forty, which is about 30 ms of every run of procdoc. Packages stay
// external (node_modules), but for zod: its 226 modules take about 140 ms to load from
// node_modules and 60 ms as one chunk, loaded only by the commands that read documents.
// Part of `npm run build`.
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
const external = Object.keys(dependencies).filter((name) => name !== 'zod');
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
    '--log-level=warning',
  ],
  { stdio: 'inherit' },
);
