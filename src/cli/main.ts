#!/usr/bin/env node
import { main } from './run';

/** Commands with their own module; everything else (analyze, usage) goes to run.ts. */
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  impair: async () => (await import('./impair')).impairMain,
  fixtures: async () => (await import('./fixtures')).fixturesMain,
  'vad-check': async () => (await import('./vad-check')).vadCheckMain,
};

async function dispatch(argv: string[]): Promise<number> {
  const command = COMMANDS[argv[0] ?? ''];
  return command ? (await command())(argv.slice(1)) : main(argv);
}

dispatch(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Last resort: one line, no stack trace.
    process.stderr.write(`audio-path-lab: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
