/**
 * Silero VAD v5 as an engine. The model runs at 16 kHz on windows of 512 new samples with the
 * previous window's last 64 samples in front (576 in all) and carries a [2,1,128] state from window
 * to window; each window gives one speech probability (32 ms hop). Other rates are resampled to
 * 16 kHz first. The runtime is handed in by a loader (see silero-ort.ts), so the same code runs in
 * Node and in a worker. `threshold` is the speech probability (default 0.5); speech continues down
 * to threshold − 0.15, Silero's own hysteresis (get_speech_timestamps' neg_threshold).
 */
import type { PcmAudio } from '../types';
import { durationOf, monoAt, resolveEngineSettings, decideFrames, segmentsFromDecisions } from './postprocess';
import type { VadEngine, VadEngineResult, VadEngineRunOptions, VadEngineSettings } from './types';

export const SILERO_RATE_HZ = 16000;
export const SILERO_WINDOW = 512;
export const SILERO_CONTEXT = 64;
export const SILERO_STATE_SIZE = 2 * 1 * 128;
export const SILERO_DEFAULT_THRESHOLD = 0.5;
export const SILERO_HYSTERESIS = 0.15;

/** One model step: `input` (context + window, 576 samples), `state` (256) → probability, next state. */
export interface SileroModel {
  step(input: Float32Array, state: Float32Array): Promise<{ probability: number; state: Float32Array }>;
}

export type SileroLoader = () => Promise<SileroModel>;

/** Windows between progress reports (~8 s of audio). */
const PROGRESS_WINDOWS = 256;

/** Per-window speech probabilities of 16 kHz mono (last window zero-padded). */
export async function sileroProbabilities(model: SileroModel, mono16k: Float32Array, onProgress?: (fraction: number) => void): Promise<Float32Array> {
  const windows = Math.ceil(mono16k.length / SILERO_WINDOW);
  const out = new Float32Array(windows);
  let state: Float32Array = new Float32Array(SILERO_STATE_SIZE);
  const input = new Float32Array(SILERO_CONTEXT + SILERO_WINDOW);
  for (let w = 0; w < windows; w++) {
    // The context is the tail of the previous window (zeros before the first).
    input.copyWithin(0, SILERO_WINDOW, SILERO_WINDOW + SILERO_CONTEXT);
    if (w === 0) input.fill(0, 0, SILERO_CONTEXT);
    const from = w * SILERO_WINDOW;
    const chunk = mono16k.subarray(from, Math.min(mono16k.length, from + SILERO_WINDOW));
    input.set(chunk, SILERO_CONTEXT);
    input.fill(0, SILERO_CONTEXT + chunk.length);
    const r = await model.step(input, state);
    state = r.state;
    out[w] = Number.isFinite(r.probability) ? Math.min(1, Math.max(0, r.probability)) : 0;
    if (onProgress && (w + 1) % PROGRESS_WINDOWS === 0) onProgress((w + 1) / windows);
  }
  return out;
}

export function createSileroEngine(load: SileroLoader): VadEngine {
  let model: Promise<SileroModel> | null = null;
  return {
    id: 'silero',
    label: 'Silero',
    async run(audio: PcmAudio, settings?: VadEngineSettings, options?: VadEngineRunOptions): Promise<VadEngineResult> {
      const s = resolveEngineSettings(settings, SILERO_DEFAULT_THRESHOLD);
      s.threshold = Math.min(1, s.threshold);
      if (!model) {
        model = load();
        model.catch(() => (model = null));
      }
      const probabilities = await sileroProbabilities(await model, monoAt(audio, SILERO_RATE_HZ), options?.onProgress);
      options?.onProgress?.(1);
      const frameSec = SILERO_WINDOW / SILERO_RATE_HZ;
      const raw = decideFrames(probabilities, s.threshold, Math.max(0, s.threshold - SILERO_HYSTERESIS));
      const segments = segmentsFromDecisions(raw, frameSec, durationOf(audio), s);
      return { engine: 'silero', settings: s, frameSec, probabilities, segments };
    },
  };
}
