#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled to dist/bundle/ (npm run build);
// launch.cjs runs the bundle with V8's code cache (src/cli/launch.ts). CommonJS, as
// bin/package.json says: Node starts a CommonJS program sooner than an ES module one.
'use strict';
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const bundle = join(__dirname, '../dist/bundle');
if (!existsSync(join(bundle, 'launch.cjs')) || !existsSync(join(bundle, 'main.cjs'))) {
  process.stderr.write(`procdoc: it is not built (${bundle} is missing or incomplete).\n  Build it first: cd ${dirname(__dirname)} && npm ci && npm run build\n`);
  process.exit(1);
}
require(join(bundle, 'launch.cjs'))
  .run(process.argv.slice(2))
  .then((code) => {
    // The command is done. Exit now rather than after V8 has torn its heap down page by page
    // (~10 ms after a large snapshot), but only when stdout and stderr hold nothing unwritten:
    // what a pipe that is not being read holds would be lost.
    if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
    process.exitCode = code;
  });
