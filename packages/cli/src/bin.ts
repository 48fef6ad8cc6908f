#!/usr/bin/env node
import { runCli } from './program.js';

// No top-level await: the same source is also built as CommonJS.
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
