/**
 * npm run cli -- impair <in.wav> --recipe <json|file> -o <out.wav>
 * The drill worker's computation (decode → applyRecipe → 16-bit WAV), so the bytes equal the page's.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeWavBytes, looksLikeWav } from '../core/format/wav';
import { encodeWav } from '../core/format/wav-encode';
import { applyRecipe, validateRecipe } from '../core/impair/recipe';
import type { Recipe } from '../core/impair/types';
import { AudioPathError } from '../core/types';
import { CliError, readBytes, readRecipeArg, runCommand } from './cli-io';
import { EXIT_CODES } from './run';

export const IMPAIR_USAGE = `usage: npm run cli -- impair <in.wav> --recipe <json|file> -o <out.wav>

  --recipe R   {"seed": 1, "steps": [{"id": "gain", "params": {"gainDb": -30}}, …]} or a file holding it
               (impairment ids and parameters: src/core/impair/registry.ts)
  -o FILE      where to write the impaired audio (16-bit PCM WAV)`;

/** A `{seed, steps}` recipe from untrusted JSON, with every problem named. */
export function parseImpairRecipe(value: unknown): Recipe {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('the recipe must be a JSON object {"seed": 1, "steps": [...]}');
  const r = value as { seed?: unknown; steps?: unknown };
  if (!Array.isArray(r.steps)) throw new CliError('the recipe needs "steps": a list of {"id": …, "params": {…}}');
  for (const [i, s] of r.steps.entries()) {
    if (typeof s !== 'object' || s === null || typeof (s as { id?: unknown }).id !== 'string') throw new CliError(`recipe step ${i + 1} needs an "id"`);
    const params = (s as { params?: unknown }).params;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) throw new CliError(`recipe step ${i + 1}: "params" must be an object`);
  }
  const recipe = { seed: r.seed ?? 1, steps: r.steps } as Recipe;
  const problems = validateRecipe(recipe);
  if (problems.length > 0) throw new CliError(`the recipe is not valid: ${problems.join('; ')}`);
  return recipe;
}

export function impairMain(argv: string[]): Promise<number> {
  return runCommand('impair', IMPAIR_USAGE, async () => {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { recipe: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } });
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(`${IMPAIR_USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new CliError('impair takes exactly one input WAV file');
    if (!values.output) throw new CliError('-o <out.wav> is required');
    const recipe = parseImpairRecipe(readRecipeArg(values.recipe).value);
    const bytes = readBytes(positionals[0], 'input');
    if (!looksLikeWav(bytes.subarray(0, 12))) throw new CliError(`${positionals[0]} is not a WAV file (impair takes WAV; convert it first)`, EXIT_CODES['unsupported-codec']);
    let out;
    try {
      out = applyRecipe(decodeWavBytes(bytes), recipe);
    } catch (error) {
      if (error instanceof AudioPathError) throw new CliError(`${positionals[0]}: ${error.message}`, EXIT_CODES[error.code]);
      throw error;
    }
    const wav = encodeWav(out.channels, out.sampleRateHz, 'pcm16');
    try {
      writeFileSync(values.output, wav);
    } catch (error) {
      throw new CliError(`cannot write "${values.output}": ${(error as Error).message}`, EXIT_CODES['io-error']);
    }
    process.stdout.write(`${values.output}: ${out.channels.length} ch, ${out.sampleRateHz} Hz, ${((out.channels[0]?.length ?? 0) / out.sampleRateHz).toFixed(3)} s, ${recipe.steps.length} step(s), seed ${recipe.seed}\n`);
    return 0;
  });
}
