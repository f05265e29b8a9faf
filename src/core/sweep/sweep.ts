/**
 * Run a sweep: every (gain, SNR) cell of the recipe is made from the labelled source with the
 * impairment library (src/core/impair, via the cell's `{seed, steps}` recipe), rounded to 16 bits
 * as the fixture pack stores it, then every engine runs under every threshold setting and is
 * scored against the labels. The CLI, the sweep script, the page's worker and the fixture pack
 * all call this.
 */
import { applyRecipe } from '../impair/recipe';
import type { Recipe } from '../impair/types';
import type { PcmAudio, TimeRange } from '../types';
import type { VadEngine } from '../vad-engines/types';
import { applyEnergyGate } from './gate';
import type { LabelledSequence } from './labelled-source';
import { cellName, cellRecipe } from './recipe';
import { scoreVad } from './score';
import { quantize16 } from './source';
import type { SweepCell, SweepRecipe, SweepResult, ThresholdSetting, VadScore } from './types';

export interface SweepCellAudio {
  name: string;
  gainDb: number;
  snrDb: number | null;
  recipe: Recipe;
  /** Mono, 16-bit values: exactly what the pack's WAV decodes to. */
  audio: PcmAudio;
}

export interface SweepProgress {
  done: number;
  total: number;
  /** What is running, e.g. "gain −30 dB, SNR 10 dB: silero". */
  step: string;
}

export function truthRanges(source: LabelledSequence): TimeRange[] {
  return source.speech.map((r) => ({ startSec: r.start / source.sampleRateHz, endSec: r.end / source.sampleRateHz }));
}

/** The impaired cells, gains outer, SNRs inner. */
export function* sweepCells(recipe: SweepRecipe, source: LabelledSequence): Generator<SweepCellAudio> {
  const clean: PcmAudio = { sampleRateHz: source.sampleRateHz, channels: [source.samples] };
  for (const gainDb of recipe.gainsDb) {
    for (const snrDb of recipe.snrsDb) {
      const r = cellRecipe(recipe, gainDb, snrDb);
      const out = applyRecipe(clean, r);
      yield { name: cellName(gainDb, snrDb), gainDb, snrDb, recipe: r, audio: { sampleRateHz: out.sampleRateHz, channels: out.channels.map(quantize16) } };
    }
  }
}

/** One engine under one setting on one file. */
export async function scoreEngine(
  engine: VadEngine,
  setting: ThresholdSetting,
  audio: PcmAudio,
  truth: readonly TimeRange[],
  toleranceSec: number,
): Promise<VadScore> {
  const threshold = setting.threshold?.[engine.id];
  const result = await engine.run(applyEnergyGate(audio, setting.gateDbfs), threshold !== undefined ? { threshold } : undefined);
  const durationSec = (audio.channels[0]?.length ?? 0) / audio.sampleRateHz;
  return scoreVad(truth, result.segments, durationSec, toleranceSec);
}

/** The recipe's engines, in the recipe's order; a clear error when one is not available here. */
export function pickEngines(recipe: SweepRecipe, available: readonly VadEngine[]): VadEngine[] {
  return recipe.engines.map((id) => {
    const e = available.find((x) => x.id === id);
    if (!e) throw new RangeError(`the VAD engine "${id}" is not available here (available: ${available.map((x) => x.id).join(', ')})`);
    return e;
  });
}

export async function scoreCell(
  recipe: SweepRecipe,
  cell: SweepCellAudio,
  engines: readonly VadEngine[],
  truth: readonly TimeRange[],
  onStep?: (step: string) => void,
  signal?: AbortSignal,
): Promise<SweepCell[]> {
  const out: SweepCell[] = [];
  for (const engine of engines) {
    for (const setting of recipe.settings) {
      if (signal?.aborted) throw new DOMException('The sweep was stopped.', 'AbortError');
      onStep?.(`${cell.name}: ${engine.id} (${setting.name})`);
      const score = await scoreEngine(engine, setting, cell.audio, truth, recipe.toleranceSec);
      out.push({ gainDb: cell.gainDb, snrDb: cell.snrDb, engine: engine.id, setting: setting.name, score });
    }
  }
  return out;
}

export async function runSweep(
  recipe: SweepRecipe,
  source: LabelledSequence,
  available: readonly VadEngine[],
  onProgress?: (p: SweepProgress) => void,
  signal?: AbortSignal,
): Promise<SweepResult> {
  const engines = pickEngines(recipe, available);
  const truth = truthRanges(source);
  const total = recipe.gainsDb.length * recipe.snrsDb.length * engines.length * recipe.settings.length;
  const cells: SweepCell[] = [];
  for (const cell of sweepCells(recipe, source)) {
    cells.push(...(await scoreCell(recipe, cell, engines, truth, (step) => onProgress?.({ done: cells.length, total, step }), signal)));
  }
  onProgress?.({ done: total, total, step: 'done' });
  return { recipe, sampleRateHz: source.sampleRateHz, durationSec: source.samples.length / source.sampleRateHz, truth, cells };
}
