#!/usr/bin/env node
// The executable stays a shim: everything, including the top-level catch, lives in the built CLI.
// It is CommonJS (bin/package.json): an ES module as the entry costs node's start-up about 5 ms
// more, which is a fifth of `node -e 0`, and `--version` pays nothing else.
'use strict';
const { setFlagsFromString } = require('node:v8');

// undici parses HTTP with llhttp compiled to WebAssembly. V8's optimising tier recompiles it in
// the background for about 35 MiB of peak memory and gains nothing measurable here (the parser
// only skips over body bytes); the baseline compiler alone keeps a download's peak RSS lower.
// Set before the CLI is loaded, so before anything is compiled.
setFlagsFromString('--liftoff-only');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // The version alone needs nothing else: the CLI (ES modules, commander) would triple node's
  // own start-up for it. Read where src/version.ts reads it, printed as commander prints it.
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  import('../dist/src/cli.js').then(({ main }) => main(process.argv));
}
