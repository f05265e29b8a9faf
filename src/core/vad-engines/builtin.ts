/**
 * The built-in VAD as an engine: the same frame table (createFrameAnalysis) and the same runVad
 * the analysis — and so the CLI's `analyze` — uses, with the engine settings mapped onto
 * VadSettings. Its "probability" is where each frame's speech-band level sits between the local
 * noise floor (0) and the speech level (1), the quantity `threshold` is compared with.
 */
import type { PcmAudio } from '../types';
import type { FrameTable } from '../frames/types';
import { createFrameAnalysis } from '../frames/frame-analysis';
import { DEFAULT_VAD_SETTINGS } from '../vad/defaults';
import { runVad } from '../vad/vad';
import type { LevelModel } from '../vad/levels';
import { resolveEngineSettings } from './postprocess';
import type { VadEngine, VadEngineResult, VadEngineSettings } from './types';

export const BUILTIN_DEFAULT_THRESHOLD = DEFAULT_VAD_SETTINGS.threshold;

export function frameTableOf(audio: PcmAudio): FrameTable {
  const frames = createFrameAnalysis(audio.sampleRateHz, Math.max(1, audio.channels.length));
  frames.push(audio.channels.length > 0 ? audio.channels : [new Float32Array(0)]);
  return frames.finish();
}

/** The engine result from a frame table that already exists (the analysis keeps one). */
export function runBuiltinOnTable(table: FrameTable, settings?: VadEngineSettings): VadEngineResult {
  const s = resolveEngineSettings(settings, BUILTIN_DEFAULT_THRESHOLD);
  s.threshold = Math.min(1, s.threshold);
  const vad = runVad(table, { ...s, absoluteFloorDbfs: null }, {}, { keepModel: true });
  const { levelDb, noiseFloorDb, speechLevelDb } = vad.model as LevelModel;
  const probabilities = new Float32Array(table.frameCount);
  if (speechLevelDb !== null) {
    for (let i = 0; i < probabilities.length; i++) {
      const span = speechLevelDb - noiseFloorDb[i];
      const p = span > 0 ? (levelDb[i] - noiseFloorDb[i]) / span : levelDb[i] >= speechLevelDb ? 1 : 0;
      probabilities[i] = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
    }
  }
  return { engine: 'builtin', settings: s, frameSec: table.hopSec, probabilities, segments: vad.summary.segments };
}

export function createBuiltinEngine(): VadEngine {
  return {
    id: 'builtin',
    label: 'Built-in',
    async run(audio, settings) {
      return runBuiltinOnTable(frameTableOf(audio), settings);
    },
  };
}
