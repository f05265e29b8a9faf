/**
 * Sweep recipes: defaults, validation (plain messages, for the CLI and the page), and the
 * impairment recipe of each cell — `{seed, steps: [gain, add-noise]}` as src/core/impair/recipe.ts
 * applies it, so `cli impair source.wav --recipe <cell recipe>` regenerates a cell's WAV.
 */
import { validateRecipe } from '../impair/recipe';
import type { Recipe } from '../impair/types';
import type { VadEngineId } from '../vad-engines/types';
import { RECIPE_FORMAT, type NoiseKind, type SweepRecipe, type ThresholdSetting } from './types';

export const DEFAULT_GAINS_DB = [-6, -12, -18, -24, -30, -36, -42];
export const DEFAULT_SNRS_DB: Array<number | null> = [null, 20, 10, 5];
/**
 * A missed first word: the detector starts more than 100 ms into the first utterance. Short
 * function words ("a", "the", "he") last 100–200 ms, so beyond that most of one is gone; the
 * labels already include 20 ms before the first loud frame, and an engine's hop (10–32 ms) and
 * padding stay well within it.
 */
export const DEFAULT_TOLERANCE_SEC = 0.1;
export const DEFAULT_GAP_SEC: [number, number] = [0.5, 1.5];
const ENGINE_IDS: readonly VadEngineId[] = ['builtin', 'webrtc', 'silero'];
const NOISE_KINDS: readonly NoiseKind[] = ['white', 'pink', 'babble'];

/** The default settings: the engines' defaults ("new") against a −40 dBFS gate ("old"). */
export const DEFAULT_SETTINGS: ThresholdSetting[] = [
  { name: 'old', gateDbfs: -40 },
  { name: 'new', gateDbfs: null },
];

export type RecipeInput = Partial<Omit<SweepRecipe, 'source'>> & { source: Partial<SweepRecipe['source']> & { files: string[] } };

/** Fill defaults and check everything; returns the full recipe or the list of problems. */
export function normalizeSweepRecipe(input: unknown): { ok: true; recipe: SweepRecipe } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems: ['the recipe must be a JSON object'] };
  const r = input as Record<string, unknown>;
  if (r.format !== undefined && r.format !== RECIPE_FORMAT) problems.push(`format must be "${RECIPE_FORMAT}"`);
  const src = r.source as Record<string, unknown> | undefined;
  if (typeof src !== 'object' || src === null) return { ok: false, problems: ['source is missing: { "files": ["speech/librivox/….wav"] }'] };
  const files = src.files;
  if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string' && f.length > 0)) problems.push('source.files must be a non-empty list of file paths');
  const gapSec = (src.gapSec ?? DEFAULT_GAP_SEC) as unknown;
  if (!Array.isArray(gapSec) || gapSec.length !== 2 || !gapSec.every((g) => typeof g === 'number' && g >= 0.1 && g <= 30) || gapSec[0] > gapSec[1])
    problems.push('source.gapSec must be [min, max] seconds with 0.1 ≤ min ≤ max ≤ 30');
  const intIn = (v: unknown, name: string, fallback: number): number => {
    const x = v ?? fallback;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffffffff) problems.push(`${name} must be an integer 0..4294967295`);
    return typeof x === 'number' ? x : fallback;
  };
  const sourceSeed = intIn(src.seed, 'source.seed', 1);
  const seed = intIn(r.seed, 'seed', 1);
  const numList = (v: unknown, name: string, fallback: Array<number | null>, lo: number, hi: number, allowNull: boolean): Array<number | null> => {
    const x = v ?? fallback;
    if (!Array.isArray(x) || x.length === 0 || x.length > 32) {
      problems.push(`${name} must be a list of 1–32 numbers`);
      return fallback;
    }
    x.forEach((g, i) => {
      if (g === null && allowNull) return;
      if (typeof g !== 'number' || !(g >= lo && g <= hi)) problems.push(`${name}[${i}] must be a number in [${lo}, ${hi}] dB${allowNull ? ' or null (no noise)' : ''}`);
    });
    return x as Array<number | null>;
  };
  const gainsDb = numList(r.gainsDb, 'gainsDb', DEFAULT_GAINS_DB, -90, 20, false) as number[];
  const snrsDb = numList(r.snrsDb, 'snrsDb', DEFAULT_SNRS_DB, -20, 60, true);
  const noise = (r.noise ?? 'white') as NoiseKind;
  if (!NOISE_KINDS.includes(noise)) problems.push(`noise must be one of ${NOISE_KINDS.join(', ')}`);
  const engines = (r.engines ?? ['builtin']) as VadEngineId[];
  if (!Array.isArray(engines) || engines.length === 0 || !engines.every((e) => ENGINE_IDS.includes(e)))
    problems.push(`engines must be a non-empty list of ${ENGINE_IDS.join(', ')}`);
  const settings = (r.settings ?? DEFAULT_SETTINGS) as ThresholdSetting[];
  if (!Array.isArray(settings) || settings.length === 0 || settings.length > 8) problems.push('settings must be a list of 1–8 threshold settings');
  else {
    const names = new Set<string>();
    settings.forEach((s, i) => {
      if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || !/^[A-Za-z0-9_.-]{1,24}$/.test(s.name)) {
        problems.push(`settings[${i}].name must be 1–24 letters, digits, "_", "." or "-"`);
        return;
      }
      if (names.has(s.name)) problems.push(`settings[${i}]: the name "${s.name}" is used twice`);
      names.add(s.name);
      if (s.gateDbfs !== undefined && s.gateDbfs !== null && !(typeof s.gateDbfs === 'number' && s.gateDbfs >= -120 && s.gateDbfs <= 0))
        problems.push(`settings "${s.name}": gateDbfs must be null or a number in [-120, 0] dBFS`);
      if (s.threshold !== undefined) {
        if (typeof s.threshold !== 'object' || s.threshold === null) problems.push(`settings "${s.name}": threshold must be an object like {"builtin": 0.35}`);
        else
          for (const [id, v] of Object.entries(s.threshold)) {
            const max = id === 'webrtc' ? 3 : 1;
            if (!ENGINE_IDS.includes(id as VadEngineId)) problems.push(`settings "${s.name}": unknown engine "${id}" in threshold`);
            else if (typeof v !== 'number' || !(v >= 0 && v <= max) || (id === 'webrtc' && !Number.isInteger(v)))
              problems.push(`settings "${s.name}": threshold.${id} must be ${id === 'webrtc' ? 'an integer mode 0..3' : 'a number in [0, 1]'}`);
          }
      }
    });
  }
  const toleranceSec = (r.toleranceSec ?? DEFAULT_TOLERANCE_SEC) as number;
  if (typeof toleranceSec !== 'number' || !(toleranceSec >= 0 && toleranceSec <= 10)) problems.push('toleranceSec must be a number in [0, 10] seconds');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    recipe: {
      format: RECIPE_FORMAT,
      source: { files: files as string[], public: src.public !== false, gapSec: [gapSec as number[]][0] as [number, number], seed: sourceSeed },
      gainsDb,
      snrsDb,
      noise,
      seed,
      engines: [...engines],
      // A fixed key order, so the recipe written into a pack is the same whatever order came in.
      settings: settings.map((s) => ({
        name: s.name,
        ...(s.threshold ? { threshold: Object.fromEntries(ENGINE_IDS.filter((id) => s.threshold?.[id] !== undefined).map((id) => [id, s.threshold?.[id]])) } : {}),
        gateDbfs: s.gateDbfs ?? null,
      })),
      toleranceSec,
    },
  };
}

/** The impairment recipe of one cell: gain, then noise at the SNR (none for null). */
export function cellRecipe(recipe: SweepRecipe, gainDb: number, snrDb: number | null): Recipe {
  const steps: Recipe['steps'] = [{ id: 'gain', params: { gainDb } }];
  if (snrDb !== null) steps.push({ id: 'add-noise', params: { snrDb, kind: recipe.noise } });
  const out = { seed: recipe.seed, steps };
  const problems = validateRecipe(out);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  return out;
}

/** File-name stem of a cell: "gain-30db_snr-10db", "gain-6db_clean". */
export function cellName(gainDb: number, snrDb: number | null): string {
  const dB = (x: number): string => `${x < 0 ? 'm' : 'p'}${String(Math.abs(x)).replace('.', 'p')}db`;
  return `gain-${dB(gainDb)}_${snrDb === null ? 'clean' : `snr-${dB(snrDb)}`}`;
}
