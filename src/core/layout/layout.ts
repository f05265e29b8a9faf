/**
 * Channel layout (Essentia FalseStereoDetector-style), measured over ACTIVE frames (the VAD's
 * speech frames; all non-silent frames when it found none) so pauses do not dilute it:
 * - more than 2 channels → multichannel (channels 0/1 still measured);
 * - a channel whose RMS over the whole file is below −90 dBFS, while another is not → dead-channel;
 * - Pearson correlation of channels 0/1 ≤ −0.9995 → phase-inverted (cancels in a mono downmix);
 * - ≥ 0.9995 → dual-mono (the same signal twice); otherwise stereo.
 * levelDifferenceDb = 10·log10(P0 / P1); monoDownmixDeltaDb = downmix power over the louder
 * channel's power (0 dB for dual mono, −∞ → null for exact cancellation).
 */
import type { FrameTable } from '../frames/types';
import type { LayoutKind, LayoutSummary } from '../summary/types';
import { dbOrNull, powerToDb } from '../dsp/db';

export const DEAD_CHANNEL_DBFS = -90;
export const DUAL_MONO_CORRELATION = 0.9995;

export function channelLayout(table: FrameTable, active: Uint8Array | null): LayoutSummary {
  const C = table.channelCount;
  const n = table.frameCount;
  const frameLen = (i: number): number => (i === n - 1 ? table.lastFrameSamples : table.hopSamples);

  // Whole-file channel RMS decides dead channels.
  const deadChannels: number[] = [];
  const totalSamples = Math.max(1, table.sampleCount);
  for (let c = 0; c < C; c++) {
    let e = 0;
    for (let i = 0; i < n; i++) e += table.channelPower[c][i] * frameLen(i);
    if (!(powerToDb(e / totalSamples) >= DEAD_CHANNEL_DBFS)) deadChannels.push(c);
  }
  if (C === 1) {
    return { kind: 'mono', interChannelCorrelation: null, levelDifferenceDb: null, deadChannels, monoDownmixDeltaDb: null };
  }

  // Active frames; fall back to every non-silent frame.
  let use = active;
  let anyActive = false;
  if (use) for (let i = 0; i < n && !anyActive; i++) if (use[i]) anyActive = true;
  if (!use || !anyActive) {
    use = new Uint8Array(n);
    for (let i = 0; i < n; i++) use[i] = table.digitalSilence[i] ? 0 : 1;
  }

  let count = 0;
  let e0 = 0;
  let e1 = 0;
  let eDown = 0;
  const eAll = new Float64Array(C);
  let sxy = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    if (!use[i]) continue;
    const len = frameLen(i);
    count += len;
    e0 += table.channelPower[0][i] * len;
    e1 += table.channelPower[1][i] * len;
    for (let c = 0; c < C; c++) eAll[c] += table.channelPower[c][i] * len;
    eDown += table.downmixPower[i] * len;
    if (table.pair) {
      sxy += table.pair.sumXY[i];
      sx += table.pair.sumX[i];
      sy += table.pair.sumY[i];
    }
  }

  let correlation: number | null = null;
  let levelDifferenceDb: number | null = null;
  let monoDownmixDeltaDb: number | null = null;
  if (count > 0) {
    if (table.pair) {
      const vx = e0 - (sx * sx) / count;
      const vy = e1 - (sy * sy) / count;
      const cov = sxy - (sx * sy) / count;
      if (vx > 0 && vy > 0) correlation = Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy)));
    }
    if (e0 > 0 && e1 > 0) levelDifferenceDb = 10 * Math.log10(e0 / e1);
    let loudest = 0;
    for (let c = 0; c < C; c++) loudest = Math.max(loudest, eAll[c]);
    if (loudest > 0) monoDownmixDeltaDb = dbOrNull(powerToDb(eDown / loudest));
  }

  let kind: LayoutKind;
  if (C > 2) kind = 'multichannel';
  else if (deadChannels.length > 0 && deadChannels.length < C) kind = 'dead-channel';
  else if (correlation !== null && correlation <= -DUAL_MONO_CORRELATION) kind = 'phase-inverted';
  else if (correlation !== null && correlation >= DUAL_MONO_CORRELATION) kind = 'dual-mono';
  else kind = 'stereo';
  return { kind, interChannelCorrelation: correlation, levelDifferenceDb, deadChannels, monoDownmixDeltaDb };
}
