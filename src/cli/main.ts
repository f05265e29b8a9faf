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

/** Exit once stdout and stderr have taken everything written (at once on Linux; pipes elsewhere may lag). */
function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

dispatch(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // `analyze` has nothing left to do once its summaries are written: exiting here rather than
    // letting the event loop drain skips Node's tear-down of the idle analysis threads and of
    // the heaps (~40 ms after an hour of audio). The other commands end on their own.
    if (!COMMANDS[process.argv[2] ?? '']) exitWhenFlushed(code);
  },
  (error: unknown) => {
    // Last resort: one line, no stack trace.
    process.stderr.write(`audio-path-lab: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
