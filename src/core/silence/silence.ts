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
  const C = Math.max(1, table.channelCount);
  const { frameCount, channelCount, hopSamples, lastFrameSamples } = table;
  const columns = table.channelPower.slice(0, channelCount);
  const count = Math.ceil(frameCount / hopsPerFrame);
  /** The level of silence frame k (hops k·hopsPerFrame …), dBFS. */
  const levelDb = (k: number): number => {
    let energy = 0;
    let samples = 0;
    const i = k * hopsPerFrame;
    const end = Math.min(frameCount, i + hopsPerFrame);
    for (let j = i; j < end; j++) {
      const len = j === frameCount - 1 ? lastFrameSamples : hopSamples;
      let p = 0;
      for (const column of columns) p += column[j];
      energy += (p / C) * len;
      samples += len;
    }
    const power = samples > 0 ? energy / samples : 0;
    return power > 0 ? 10 * Math.log10(power) : -Infinity;
  };
  if (count === 0) return { ratio: 0, digitalSilenceRatio, thresholdDbfs: null, frameSec };
  let reference = speechLevelDbfs;
  // The levels are kept only when no speech gives the reference (fresh memory is slow to touch).
  let levels: Float64Array | null = null;
  if (reference === null) {
    levels = new Float64Array(count);
    for (let k = 0; k < count; k++) levels[k] = levelDb(k);
    const finite = levels.filter((v) => Number.isFinite(v));
    reference = finite.length > 0 ? quantile(finite, 0.95) : null;
  }
  if (reference === null) return { ratio: 1, digitalSilenceRatio, thresholdDbfs: null, frameSec };
  const threshold = reference + relativeDb;
  let below = 0;
  for (let k = 0; k < count; k++) if ((levels ? levels[k] : levelDb(k)) < threshold) below++;
  return { ratio: below / count, digitalSilenceRatio, thresholdDbfs: threshold, frameSec };
}
