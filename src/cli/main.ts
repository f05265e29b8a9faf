#!/usr/bin/env node
import { main } from './run';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Last resort: one line, no stack trace.
    process.stderr.write(`audio-path-lab: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
