/**
 * npm run cli -- fixtures --recipe <json|file> -o <dir|pack.zip> [--unpack] [--fixtures-dir DIR]
 * Builds a quiet-speaker fixture pack (src/core/fixture-pack) — the same bytes as the page's
 * "Download fixture pack" for the same recipe.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildFixturePack, PACK_NAME } from '../core/fixture-pack/pack';
import { resultTables, type SourceInfo } from '../core/fixture-pack/readme';
import { normalizeSweepRecipe } from '../core/sweep/recipe';
import type { SweepRecipe } from '../core/sweep/types';
import { loadNodeEngines } from '../node/vad-engines';
import { CliError, readBytes, readRecipeArg, REPO_FIXTURES_DIR, runCommand } from './cli-io';
import { EXIT_CODES } from './run';

export const FIXTURES_USAGE = `usage: npm run cli -- fixtures --recipe <json|file> -o <dir|pack.zip> [--unpack | --no-zip] [--fixtures-dir DIR]

  --recipe R         a sweep recipe, e.g. {"source": {"files": ["speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav"]}}
                     (defaults: gains −6…−42 dB, SNR ∞/20/10/5 dB white noise, engine builtin,
                     settings old = −40 dBFS gate / new = no gate, tolerance 0.1 s; README "Fixture packs")
  -o OUT             a directory (writes OUT/${PACK_NAME}.zip) or a .zip file name
  --unpack           also write the pack's files into OUT/${PACK_NAME}/
  --no-zip           write only the unpacked files (OUT is then a directory)
  --fixtures-dir D   where public source files are looked up (default: the repository's fixtures/)
  --quiet            do not print the expected-results tables`;

/** Title, licence and attribution of public fixtures, from fixtures/index.json (as the page reads it). */
export function fixtureInfo(fixturesDir: string, paths: readonly string[]): SourceInfo[] {
  let entries: Array<Partial<SourceInfo> & { path: string }> = [];
  try {
    const doc = JSON.parse(readFileSync(join(fixturesDir, 'index.json'), 'utf8')) as { fixtures?: typeof entries };
    entries = Array.isArray(doc.fixtures) ? doc.fixtures : [];
  } catch {
    entries = [];
  }
  return paths.flatMap((path) => {
    const e = entries.find((x) => x.path === path);
    return e ? [{ path, title: e.title ?? path, licence: e.licence ?? 'unknown', attribution: e.attribution ?? '' }] : [];
  });
}

/** The recipe's source files: public ones under the fixtures folder, others relative to the recipe. */
export function readSources(recipe: SweepRecipe, fixturesDir: string, baseDir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const path of recipe.source.files) {
    if (recipe.source.public && (isAbsolute(path) || path.split(/[\\/]/).includes('..'))) throw new CliError(`public source "${path}" must be a path inside the fixtures folder`);
    const full = recipe.source.public ? join(fixturesDir, path) : resolve(baseDir, path);
    files.set(path, readBytes(full, 'source file'));
  }
  return files;
}

export function fixturesMain(argv: string[]): Promise<number> {
  return runCommand('fixtures', FIXTURES_USAGE, async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: false,
        options: {
          recipe: { type: 'string' },
          output: { type: 'string', short: 'o' },
          unpack: { type: 'boolean', default: false },
          'no-zip': { type: 'boolean', default: false },
          'fixtures-dir': { type: 'string' },
          quiet: { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const { values } = parsed;
    if (values.help) {
      process.stdout.write(`${FIXTURES_USAGE}\n`);
      return 0;
    }
    if (!values.output) throw new CliError('-o <dir|pack.zip> is required');
    const { value, baseDir } = readRecipeArg(values.recipe);
    const normalized = normalizeSweepRecipe(value);
    if (!normalized.ok) throw new CliError(`the recipe is not valid: ${normalized.problems.join('; ')}`);
    const recipe = normalized.recipe;
    const fixturesDir = values['fixtures-dir'] ?? REPO_FIXTURES_DIR;
    const files = readSources(recipe, fixturesDir, baseDir);
    let pack;
    try {
      pack = await buildFixturePack(recipe, files, await loadNodeEngines(), recipe.source.public ? fixtureInfo(fixturesDir, recipe.source.files) : []);
    } catch (error) {
      if (error instanceof RangeError) throw new CliError(error.message, EXIT_CODES['decode-failed']);
      throw error;
    }
    const out = values.output;
    const noZip = values['no-zip'];
    if (noZip && out.toLowerCase().endsWith('.zip')) throw new CliError('--no-zip writes a directory: give -o a directory, not a .zip');
    const zipPath = out.toLowerCase().endsWith('.zip') ? out : join(out, `${PACK_NAME}.zip`);
    try {
      mkdirSync(dirname(zipPath), { recursive: true });
      if (!noZip) writeFileSync(zipPath, pack.zip);
      if (values.unpack || noZip) {
        const dir = join(dirname(zipPath), PACK_NAME);
        for (const e of pack.entries) {
          mkdirSync(dirname(join(dir, e.path)), { recursive: true });
          writeFileSync(join(dir, e.path), e.bytes);
        }
      }
    } catch (error) {
      throw new CliError(`cannot write "${out}": ${(error as Error).message}`, EXIT_CODES['io-error']);
    }
    const wavs = pack.entries.filter((e) => e.path.startsWith('audio/')).length;
    const unpacked = join(dirname(zipPath), PACK_NAME);
    process.stdout.write(
      noZip ? `${unpacked}: ${wavs} WAVs (unpacked pack)\n` : `${zipPath}: ${wavs} WAVs, ${pack.zip.length} bytes${values.unpack ? ` (and unpacked in ${unpacked})` : ''}\n`,
    );
    if (!values.quiet) process.stdout.write(`\nLeading-word deletion (s) · frame F1; ✗ = first word missed (tolerance ${recipe.toleranceSec} s)\n\n${resultTables(pack.result)}`);
    return 0;
  });
}
