// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/, one file per entry and
// per lazily loaded subcommand: Node resolves, reads and links one module where it would
// otherwise take forty, which is about 30 ms of every run of procdoc. Packages stay
// external (node_modules). Part of `npm run build`.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });
await build({
  // The worker is an entry of its own: snapshot/parallel.ts starts it as ./worker.js beside itself.
  entryPoints: { main: `${root}dist/cli/main.js`, worker: `${root}dist/snapshot/worker.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
