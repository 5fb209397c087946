#!/usr/bin/env node
// The executable stays a shim: everything, including the top-level catch, lives in the built CLI.
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with llhttp compiled to WebAssembly. V8's optimising tier recompiles it in
// the background for about 35 MiB of peak memory and gains nothing measurable here (the parser
// only skips over body bytes); the baseline compiler alone keeps a download's peak RSS lower.
// Set before the CLI is loaded, so before anything is compiled.
setFlagsFromString('--liftoff-only');

const { main } = await import('../dist/src/cli.js');
main(process.argv);
