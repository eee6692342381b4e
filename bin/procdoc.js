#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled to dist/bundle/ (npm run build);
// launch.cjs runs the bundle with V8's code cache (src/cli/launch.ts). CommonJS, as
// bin/package.json says: Node starts a CommonJS program sooner than an ES module one.
'use strict';
const { loadCli } = require('../dist/bundle/launch.cjs');

loadCli()
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
