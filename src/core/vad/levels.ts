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
import { kernels } from '../kernels/runtime';

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

/**
 * The level model of `frameCount` frames in kernel memory (byte offsets; views of them are made
 * right before use, as the memory rules in src/core/kernels/runtime.ts say). Freed by `release`.
 */
export interface LevelModelInKernels {
  /** Per-frame level and effective floor, dB (the table's frameCount doubles each). */
  levelDb: number;
  noiseFloorDb: number;
  speechLevelDb: number | null;
  /** As many doubles, the caller may overwrite (the VAD's onset thresholds go there). */
  scratch: number;
  /** The `extraBytes` the caller asked for (8-byte aligned). */
  extra: number;
  release(): void;
}

/**
 * Builds the model with the kernels (src/core/kernels/c/levels.c), all in one block of kernel
 * memory with `extraBytes` more for the caller: reused memory (fresh memory is slow to touch on a
 * VM; the analysis freed its accumulators' just before), and no cold JavaScript loop over every
 * frame: ~65 ms per hour of audio in the CLI's last step before, ~25 ms now (~10 of them first
 * touches of memory).
 */
export function levelModelInKernels(table: FrameTable, settings: Partial<LevelModelSettings> = {}, extraBytes = 0): LevelModelInKernels {
  const cfg = { ...DEFAULT_LEVEL_MODEL, ...settings };
  const k = kernels();
  const n = table.frameCount;
  const radius = Math.max(1, Math.round(cfg.noiseRadiusSec / table.hopSec));
  const doubles = 8 * Math.max(1, n);
  // Every buffer is written before it is read (the caller's extra included: see runVad).
  const block = k.allocUnzeroed(3 * doubles + 8 * Math.ceil(extraBytes / 8));
  const scratch = block;
  const levelDb = block + doubles;
  const noiseFloorDb = levelDb + doubles;
  const release = (): void => k.exports.free(block);
  try {
    // The speech-band power (the sub-bands at or below 4 kHz) into the scratch, band by band,
    // each band staged in the level's room unless it is in kernel memory already.
    let first = 1;
    for (let b = 0; b < table.bandPower.length; b++) {
      if (table.bandEdgesHz[b + 1] > 4000) continue;
      const col = table.bandPower[b];
      let ptr = col.byteOffset;
      if (!k.holds(col)) k.f32((ptr = levelDb), n).set(col.subarray(0, n));
      k.exports.levels_add_band(scratch, ptr, n, first);
      first = 0;
    }
    if (first) k.f64(scratch, n).fill(0);
    k.exports.levels_db(scratch, levelDb, n);
    // Exact digital silence is the lowest floor there is: within its reach the floor is −∞ (then
    // S − maxRangeDb below), so a steady sound that starts after a splice of zeros is an onset.
    // (The band powers, read by then, are its working memory.)
    k.exports.sliding_min_f64(levelDb, n, radius, noiseFloorDb, scratch);
    // The band powers make room for the candidates.
    const candidates = k.exports.levels_candidates(levelDb, noiseFloorDb, n, cfg.candidateMarginDb, scratch);
    const minCandidates = Math.max(1, Math.round(cfg.minCandidateSec / table.hopSec));
    const speechLevelDb = candidates >= minCandidates ? k.exports.quantile_f64(scratch, candidates, 0.9) : null;
    if (speechLevelDb !== null) k.exports.levels_clamp_floor(noiseFloorDb, n, speechLevelDb - cfg.maxRangeDb, speechLevelDb);
    return { levelDb, noiseFloorDb, speechLevelDb, scratch, extra: noiseFloorDb + doubles, release };
  } catch (error) {
    release();
    throw error;
  }
}
