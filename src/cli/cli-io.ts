/**
 * What the impair / fixtures / vad-check commands share: recipes given inline or as a file,
 * one-line errors with an exit code (never a stack trace), and where the public fixtures live.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES } from './run';

/**
 * The checkout's fixtures/: found from this module upwards, whether it runs from src/cli or from
 * the launcher's bundle under node_modules/.cache (bin/apl.mjs).
 */
export const REPO_FIXTURES_DIR = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'fixtures', 'index.json'))) return join(dir, 'fixtures');
    const up = dirname(dir);
    if (up === dir) return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');
    dir = up;
  }
})();

/** A failure the command reports in one line and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_CODES.usage,
  ) {
    super(message);
  }
}

export function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliError(`cannot read ${what} "${path}": ${why}`, EXIT_CODES['io-error']);
  }
}

/** `--recipe` takes JSON (starts with "{") or a path to a JSON file. Returns the value and the folder relative paths resolve from. */
export function readRecipeArg(arg: string | undefined): { value: unknown; baseDir: string } {
  if (arg === undefined) throw new CliError('--recipe is required (JSON, or a path to a JSON file)');
  const inline = arg.trimStart().startsWith('{');
  const text = inline ? arg : new TextDecoder().decode(readBytes(arg, 'recipe file'));
  try {
    return { value: JSON.parse(text) as unknown, baseDir: inline ? process.cwd() : dirname(resolve(arg)) };
  } catch (error) {
    throw new CliError(`the recipe is not valid JSON: ${(error as Error).message}`);
  }
}

/** Run a command body: CliError → one stderr line and its code; anything else → one line, code 1. */
export async function runCommand(name: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${name}: ${error.message}\n${error.exitCode === EXIT_CODES.usage ? `${usage}\n` : ''}`);
      return error.exitCode;
    }
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** `--opt -40` → `--opt=-40` for options that take numbers (parseArgs reads "-40" as an option). */
export function joinNegativeNumbers(argv: readonly string[], options: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (options.includes(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}
