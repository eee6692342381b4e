#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled to dist/bundle/ (npm run build).
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv.slice(2));
