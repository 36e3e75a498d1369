#!/usr/bin/env node
// The CLI as one esbuild bundle (scripts/build-cli.ts, run by `npm run build` and prepare):
// a few files to read instead of hundreds of modules to resolve (issue #14: CLI startup).
import { main } from '../dist/bundle/main.js';
main(process.argv.slice(2));
