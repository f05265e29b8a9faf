/**
 * What every engine shares once it has per-frame speech probabilities: the decision (threshold
 * with optional hysteresis), min-speech / min-silence / padding (the built-in VAD's own
 * `segmentsFromFrames`, so all engines are bridged, dropped and padded by the same rule), and the
 * input the WASM engines need (mono at a rate they accept).
 */
import type { PcmAudio, TimeRange } from '../types';
import { DEFAULT_VAD_SETTINGS } from '../vad/defaults';
import { segmentsFromFrames } from '../vad/segments';
import { resampleChannel } from '../dsp/resample';
import type { VadEngineSettings } from './types';

/** Post-processing defaults for every engine: the built-in VAD's, so rows differ only by detector. */
export const DEFAULT_POSTPROCESS = {
  minSpeechSec: DEFAULT_VAD_SETTINGS.minSpeechSec,
  minSilenceSec: DEFAULT_VAD_SETTINGS.minSilenceSec,
  padSec: DEFAULT_VAD_SETTINGS.padSec,
} as const;

/** Fills omitted settings; non-finite or negative durations fall back to / clamp at the defaults. */
export function resolveEngineSettings(settings: VadEngineSettings | undefined, defaultThreshold: number): Required<VadEngineSettings> {
  const pick = (v: number | undefined, d: number): number => (v !== undefined && Number.isFinite(v) ? Math.max(0, v) : d);
  return {
    threshold: pick(settings?.threshold, defaultThreshold),
    minSpeechSec: pick(settings?.minSpeechSec, DEFAULT_POSTPROCESS.minSpeechSec),
    minSilenceSec: pick(settings?.minSilenceSec, DEFAULT_POSTPROCESS.minSilenceSec),
    padSec: pick(settings?.padSec, DEFAULT_POSTPROCESS.padSec),
  };
}

/**
 * Frame decisions from probabilities: speech starts at p ≥ onThreshold and continues while
 * p ≥ offThreshold (offThreshold = onThreshold: a plain threshold).
 */
export function decideFrames(probabilities: Float32Array, onThreshold: number, offThreshold = onThreshold): Uint8Array {
  const out = new Uint8Array(probabilities.length);
  let speaking = false;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    speaking = speaking ? p >= offThreshold : p >= onThreshold;
    out[i] = speaking ? 1 : 0;
  }
  return out;
}

/** Segments on the input's time axis from raw frame decisions, by the shared rules. */
export function segmentsFromDecisions(raw: Uint8Array, frameSec: number, durationSec: number, settings: Required<VadEngineSettings>): TimeRange[] {
  return segmentsFromFrames(raw, frameSec, durationSec, settings);
}

export function durationOf(audio: PcmAudio): number {
  return (audio.channels[0]?.length ?? 0) / audio.sampleRateHz;
}

/** Mean of the channels: what a mono recogniser front end would be given. */
export function mixDown(audio: PcmAudio): Float32Array {
  const chans = audio.channels;
  if (chans.length === 0) return new Float32Array(0);
  if (chans.length === 1) return chans[0];
  const n = chans[0].length;
  const out = new Float32Array(n);
  for (const c of chans) for (let i = 0; i < n; i++) out[i] += c[i];
  const k = 1 / chans.length;
  for (let i = 0; i < n; i++) out[i] *= k;
  return out;
}

/** The mono mix at `rateHz` (the core's band-limited resampler when the rates differ). */
export function monoAt(audio: PcmAudio, rateHz: number): Float32Array {
  const mono = mixDown(audio);
  return audio.sampleRateHz === rateHz ? mono : resampleChannel(mono, audio.sampleRateHz, rateHz);
}
