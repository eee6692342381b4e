#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (npm run build). The reader thread is
// started before the CLI's modules load, so that it boots while they do.
import { prestart } from '../dist/cli/prestart.js';

prestart(process.argv.slice(2));
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
