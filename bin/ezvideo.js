#!/usr/bin/env node
// The executable stays a shim: everything, including the top-level catch, lives in the built CLI.
import { main } from '../dist/src/cli.js';

main(process.argv);
