/**
 * Silence ratio: the share of 20 ms frames (pairs of 10 ms hops) whose level is below
 * `relativeDb` (−40 dB) under the recording's reference level. The reference is the active
 * speech level (full-band power over VAD speech frames); with no speech found, the loudest
 * 5 % of frames (95th percentile) stand in, so steady noise with no speech is not "silence".
 * A recording of digital silence only has no reference: threshold null, ratio 1.
 * Levels are full band, time domain, averaged over channels.
 */
import type { FrameTable } from '../frames/types';
import type { SilenceSummary } from '../summary/types';
import { quantile } from '../dsp/stats';
import { kernels, withColumns } from '../kernels/runtime';

export const SILENCE_RELATIVE_DB = -40;
export const SILENCE_FRAME_SEC = 0.02;

export function silenceRatio(
  table: FrameTable,
  speechLevelDbfs: number | null,
  digitalSilenceRatio = 0,
  relativeDb = SILENCE_RELATIVE_DB,
): SilenceSummary {
  const hopsPerFrame = Math.max(1, Math.round(SILENCE_FRAME_SEC / table.hopSec));
  const frameSec = hopsPerFrame * table.hopSec;
  const { frameCount, channelCount, hopSamples, lastFrameSamples } = table;
  const count = Math.ceil(frameCount / hopsPerFrame);
  if (count === 0) return { ratio: 0, digitalSilenceRatio, thresholdDbfs: null, frameSec };
  // Each silence frame's level (the channels' mean power over its hops, weighted by their
  // samples, in dBFS) in the kernels (src/core/kernels/c/frame-sums.c): counted against the
  // threshold as they come when speech gives the reference, kept for their 95th percentile when
  // it does not.
  const r = withColumns(table.channelPower.slice(0, channelCount), frameCount, speechLevelDbfs === null ? 8 * count : 0, (_, levelsAt, power) => {
    const k = kernels();
    const levels = (threshold: number, out: number): number =>
      k.exports.silence_levels(power, channelCount, frameCount, hopSamples, lastFrameSamples, hopsPerFrame, threshold, out);
    if (speechLevelDbfs !== null) return { reference: speechLevelDbfs, below: levels(speechLevelDbfs + relativeDb, 0) };
    levels(0, levelsAt);
    const finite = k.f64(levelsAt, count).filter((v) => Number.isFinite(v));
    const reference = finite.length > 0 ? quantile(finite, 0.95) : null;
    if (reference === null) return { reference, below: count };
    let below = 0;
    // (a view made after quantile, which may have grown the memory)
    for (const v of k.f64(levelsAt, count)) if (v < reference + relativeDb) below++;
    return { reference, below };
  });
  if (r.reference === null) return { ratio: 1, digitalSilenceRatio, thresholdDbfs: null, frameSec };
  return { ratio: r.below / count, digitalSilenceRatio, thresholdDbfs: r.reference + relativeDb, frameSec };
}
