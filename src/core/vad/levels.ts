/**
 * Level model of the VAD, all in dB of the speech-band power (200 Hz – 4 kHz):
 * - frame level L_i: 30 ms power average (3 hops), −∞ for all-zero frames;
 * - local noise floor N_i: the minimum of L over ±noiseRadiusSec (±0.75 s: the 1.5 s window of
 *   Martin's minimum statistics). It follows noise that drifts over seconds and needs one pause
 *   per window, not a majority of pauses; within longer continuous speech it rises to the softest
 *   speech, which only raises the threshold there. Exact digital silence in the window makes the
 *   floor −∞ (clipped as below);
 * - speech level S: 90th percentile of the levels of frames at least `candidateMarginDb` above
 *   their local floor. Stationary noise never gets that far above its own running minimum, so a
 *   noise-only recording has no candidates (and no speech), and a mostly-silent one still has a
 *   speech level;
 * - the floor is taken no lower than S − maxRangeDb: below that, "noise" is digital silence or
 *   dither, and a threshold placed relative to −∞ would mean nothing.
 */
import type { FrameTable } from '../frames/types';
import { quantileInPlace, slidingMin } from '../dsp/stats';

export interface LevelModelSettings {
  noiseRadiusSec: number;
  candidateMarginDb: number;
  maxRangeDb: number;
  /** Fewer candidate frames than this → no speech level (and no speech). */
  minCandidateSec: number;
}

export const DEFAULT_LEVEL_MODEL: LevelModelSettings = {
  noiseRadiusSec: 0.75,
  candidateMarginDb: 6,
  maxRangeDb: 50,
  minCandidateSec: 0.1,
};

export interface LevelModel {
  /** Smoothed speech-band level per frame, dB (−Infinity for all-zero frames). */
  levelDb: Float64Array;
  /** Effective noise floor per frame, dB (finite whenever speechLevelDb is). */
  noiseFloorDb: Float64Array;
  /** Speech level S, dB; null when no frame rises clearly above the noise floor. */
  speechLevelDb: number | null;
}

/** Speech-band power of frame i: the sub-bands that lie at or below 4 kHz, into `out` (≥ frameCount values). */
export function speechBandPower(table: FrameTable, out: Float64Array = new Float64Array(table.frameCount)): Float64Array {
  const n = table.frameCount;
  out.fill(0, 0, n);
  for (let b = 0; b < table.bandPower.length; b++) {
    if (table.bandEdgesHz[b + 1] > 4000) continue;
    const col = table.bandPower[b];
    for (let i = 0; i < n; i++) out[i] += col[i];
  }
  return out;
}

/**
 * `scratch` (≥ frameCount values, overwritten) holds the band powers, then the candidate levels;
 * the caller may reuse it afterwards (fresh memory is slow to touch: runVad's onset thresholds
 * and the silence levels go there too).
 */
export function buildLevelModel(table: FrameTable, settings: Partial<LevelModelSettings> = {}, scratch?: Float64Array): LevelModel {
  const cfg = { ...DEFAULT_LEVEL_MODEL, ...settings };
  const n = table.frameCount;
  const p = speechBandPower(table, scratch && scratch.length >= n ? scratch : undefined);
  const levelDb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = i > 0 ? p[i - 1] : p[i];
    const c = i < n - 1 ? p[i + 1] : p[i];
    const s = (a + p[i] + c) / 3;
    levelDb[i] = s > 0 ? 10 * Math.log10(s) : -Infinity;
  }
  // Exact digital silence is the lowest floor there is: within its reach the floor is −∞ (then
  // S − maxRangeDb below), so a steady sound that starts after a splice of zeros is an onset.
  const radius = Math.max(1, Math.round(cfg.noiseRadiusSec / table.hopSec));
  const floor = slidingMin(levelDb, radius);

  // The band powers, read above, make room for the candidates; the sliding minimum becomes the
  // noise floor in place (fresh memory is slow to touch).
  const candidates = p;
  let candidateCount = 0;
  const margin = cfg.candidateMarginDb;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(levelDb[i]) && levelDb[i] - floor[i] >= margin) candidates[candidateCount++] = levelDb[i];
  }
  const minCandidates = Math.max(1, Math.round(cfg.minCandidateSec / table.hopSec));
  const speechLevelDb = candidateCount >= minCandidates ? quantileInPlace(candidates.subarray(0, candidateCount), 0.9) : null;

  const noiseFloorDb = floor;
  const lowest = speechLevelDb !== null ? speechLevelDb - cfg.maxRangeDb : NaN;
  for (let i = 0; i < n; i++) {
    let f = floor[i];
    if (speechLevelDb !== null) {
      if (!(f >= lowest)) f = lowest; // also replaces NaN (window of digital silence only)
      if (f > speechLevelDb) f = speechLevelDb;
    }
    noiseFloorDb[i] = f;
  }
  return { levelDb, noiseFloorDb, speechLevelDb };
}
