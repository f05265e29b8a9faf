/**
 * Fixture packs: the quiet-speaker sweep written down for a team's CI. One zip (fflate) holds
 *   README.md        what the pack is, how to replay it, the expected results table, licences
 *   recipe.json      the sweep recipe: `npm run cli -- fixtures --recipe recipe.json` rebuilds it
 *   source.wav       the clean labelled source (16-bit), every cell is made from it
 *   labels.json      ground-truth speech ranges (seconds and samples)
 *   labels.txt       the same as Audacity labels (start<TAB>end<TAB>label)
 *   fixtures.json    each impaired WAV with its gain, SNR, `{seed, steps}` recipe and SHA-256
 *   expected.json    per WAV × engine × threshold setting: the scores the sweep measured
 *   audio/*.wav      the impaired WAVs, 16-bit PCM
 * Deterministic bytes: fixed entry order, fixed JSON key order, numbers rounded, every zip entry
 * stamped 1980-01-01 00:00 — so the page and the CLI make the same file for the same recipe.
 */
import { zipSync, type Zippable } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodeWav } from '../format/wav-encode';
import type { Recipe } from '../impair/types';
import type { VadEngine } from '../vad-engines/types';
import { buildLabelledSource } from '../sweep/source';
import { pickEngines, scoreCell, sweepCells, truthRanges, type SweepProgress } from '../sweep/sweep';
import type { SweepCell, SweepRecipe, SweepResult } from '../sweep/types';
import { packReadme, type SourceInfo } from './readme';

export const PACK_FORMAT = 'audio-path-lab/fixture-pack@1';
export const PACK_NAME = 'quiet-speaker-fixtures';

/**
 * fflate writes DOS times from the local-time fields of the Date; a Date built from local fields
 * reads back the same in every time zone.
 */
const ZIP_TIME = (): Date => new Date(1980, 0, 1, 0, 0, 0);

export interface PackFixture {
  file: string;
  gainDb: number;
  snrDb: number | null;
  recipe: Recipe;
  sha256: string;
}

export interface PackLabels {
  format: typeof PACK_FORMAT;
  sampleRateHz: number;
  durationSec: number;
  speech: Array<{ startSec: number; endSec: number; startSample: number; endSample: number; source: string }>;
}

export interface PackExpected {
  format: typeof PACK_FORMAT;
  toleranceSec: number;
  results: Array<{ file: string } & SweepCell>;
}

export interface FixturePack {
  zip: Uint8Array;
  /** The entries, in zip order (for writing the pack unpacked). */
  entries: Array<{ path: string; bytes: Uint8Array }>;
  result: SweepResult;
}

const hex = (bytes: Uint8Array): string => bytesToHex(sha256(bytes));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = (x: unknown): Uint8Array => text(`${JSON.stringify(x, null, 2)}\n`);
const sec = (samples: number, rateHz: number): number => Number((samples / rateHz).toFixed(4));

/** Audacity label track: one "start\tend\tlabel" line per range, seconds with 6 decimals. */
export function audacityLabels(labels: PackLabels): string {
  return labels.speech.map((r) => `${(r.startSample / labels.sampleRateHz).toFixed(6)}\t${(r.endSample / labels.sampleRateHz).toFixed(6)}\tspeech: ${r.source.split('/').pop() ?? r.source}\n`).join('');
}

/**
 * Build the pack. `files` maps each path in `recipe.source.files` to its bytes; `info` (same
 * order, optional) carries each source's title, licence and attribution for the README.
 */
export async function buildFixturePack(
  recipe: SweepRecipe,
  files: ReadonlyMap<string, Uint8Array>,
  available: readonly VadEngine[],
  info: readonly SourceInfo[] = [],
  onProgress?: (p: SweepProgress) => void,
  signal?: AbortSignal,
): Promise<FixturePack> {
  const engines = pickEngines(recipe, available);
  const source = buildLabelledSource(recipe.source, files);
  const truth = truthRanges(source);
  const rate = source.sampleRateHz;
  const labels: PackLabels = {
    format: PACK_FORMAT,
    sampleRateHz: rate,
    durationSec: sec(source.samples.length, rate),
    speech: source.speech.map((r, i) => ({
      startSec: sec(r.start, rate),
      endSec: sec(r.end, rate),
      startSample: r.start,
      endSample: r.end,
      source: recipe.source.files[i % recipe.source.files.length],
    })),
  };
  const total = recipe.gainsDb.length * recipe.snrsDb.length * engines.length * recipe.settings.length;
  const audio: Array<{ path: string; bytes: Uint8Array }> = [];
  const fixtures: PackFixture[] = [];
  const cells: SweepCell[] = [];
  const results: PackExpected['results'] = [];
  for (const cell of sweepCells(recipe, source)) {
    const path = `audio/${cell.name}.wav`;
    const bytes = encodeWav(cell.audio.channels, cell.audio.sampleRateHz, 'pcm16');
    audio.push({ path, bytes });
    fixtures.push({ file: path, gainDb: cell.gainDb, snrDb: cell.snrDb, recipe: cell.recipe, sha256: hex(bytes) });
    const scored = await scoreCell(recipe, cell, engines, truth, (step) => onProgress?.({ done: cells.length, total, step }), signal);
    cells.push(...scored);
    for (const c of scored) results.push({ file: path, ...c });
  }
  const result: SweepResult = { recipe, sampleRateHz: rate, durationSec: source.samples.length / rate, truth, cells };
  const sourceWav = encodeWav([source.samples], rate, 'pcm16');
  const manifest = {
    format: PACK_FORMAT,
    source: { file: 'source.wav', sha256: hex(sourceWav), inputs: recipe.source.files.map((path) => ({ path, sha256: hex(files.get(path) as Uint8Array) })) },
    fixtures,
  };
  const expected: PackExpected = { format: PACK_FORMAT, toleranceSec: recipe.toleranceSec, results };
  const entries: Array<{ path: string; bytes: Uint8Array }> = [
    { path: 'README.md', bytes: text(packReadme(recipe, result, labels, info)) },
    { path: 'recipe.json', bytes: json(recipe) },
    { path: 'labels.json', bytes: json(labels) },
    { path: 'labels.txt', bytes: text(audacityLabels(labels)) },
    { path: 'fixtures.json', bytes: json(manifest) },
    { path: 'expected.json', bytes: json(expected) },
    { path: 'source.wav', bytes: sourceWav },
    ...audio,
  ];
  onProgress?.({ done: total, total, step: 'zip' });
  const zippable: Zippable = {};
  for (const e of entries) zippable[e.path] = [e.bytes, { level: 6, mtime: ZIP_TIME() }];
  return { zip: zipSync(zippable, { mtime: ZIP_TIME() }), entries, result };
}
