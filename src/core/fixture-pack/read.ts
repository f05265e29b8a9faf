/**
 * Read a fixture pack back (zip bytes, or the entries of an unpacked one) and replay it: every
 * WAV through one engine under one setting, scored against the pack's labels. `vad-check` is a
 * thin CLI over `checkPack`.
 */
import { unzipSync } from 'fflate';
import { decodeWavBytes } from '../format/wav';
import type { TimeRange } from '../types';
import type { VadEngine } from '../vad-engines/types';
import { scoreEngine } from '../sweep/sweep';
import type { SweepRecipe, ThresholdSetting, VadScore } from '../sweep/types';
import type { PackFixture, PackLabels } from './pack';

export interface ReadPack {
  recipe: SweepRecipe;
  labels: PackLabels;
  fixtures: PackFixture[];
  /** Every entry by path. */
  files: Map<string, Uint8Array>;
}

/** Throws RangeError with a plain message when something the replay needs is missing or broken. */
export function readFixturePack(entries: Map<string, Uint8Array> | Uint8Array): ReadPack {
  let files: Map<string, Uint8Array>;
  if (entries instanceof Uint8Array) {
    try {
      files = new Map(Object.entries(unzipSync(entries)));
    } catch (error) {
      throw new RangeError(`not a fixture pack zip (${error instanceof Error ? error.message : String(error)})`);
    }
  } else files = entries;
  const doc = <T>(path: string): T => {
    const bytes = files.get(path);
    if (!bytes) throw new RangeError(`the pack has no ${path}`);
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as T;
    } catch {
      throw new RangeError(`the pack's ${path} is not valid JSON`);
    }
  };
  const recipe = doc<SweepRecipe>('recipe.json');
  const labels = doc<PackLabels>('labels.json');
  const manifest = doc<{ fixtures?: PackFixture[] }>('fixtures.json');
  if (!Array.isArray(labels.speech) || !Array.isArray(manifest.fixtures)) throw new RangeError('the pack\'s labels.json or fixtures.json has an unexpected shape');
  for (const f of manifest.fixtures) if (!files.has(f.file)) throw new RangeError(`the pack lists ${f.file} but does not hold it`);
  return { recipe, labels, fixtures: manifest.fixtures, files };
}

export interface FixtureCheck {
  file: string;
  gainDb: number;
  snrDb: number | null;
  score: VadScore;
  passed: boolean;
}

export async function checkPack(pack: ReadPack, engine: VadEngine, setting: ThresholdSetting, toleranceSec: number): Promise<FixtureCheck[]> {
  const truth: TimeRange[] = pack.labels.speech.map((r) => ({ startSec: r.startSample / pack.labels.sampleRateHz, endSec: r.endSample / pack.labels.sampleRateHz }));
  const out: FixtureCheck[] = [];
  for (const f of pack.fixtures) {
    const audio = decodeWavBytes(pack.files.get(f.file) as Uint8Array);
    const score = await scoreEngine(engine, setting, audio, truth, toleranceSec);
    out.push({ file: f.file, gainDb: f.gainDb, snrDb: f.snrDb, score, passed: !score.firstWordMissed });
  }
  return out;
}
