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
import { kernels, withColumns } from '../kernels/runtime';

export const DEAD_CHANNEL_DBFS = -90;
export const DUAL_MONO_CORRELATION = 0.9995;

export function channelLayout(table: FrameTable, active: Uint8Array | null): LayoutSummary {
  const C = table.channelCount;
  const n = table.frameCount;
  // The hop sums in the kernels (src/core/kernels/c/frame-sums.c): every channel's energy over
  // the file; with two channels or more, over the active frames (or, with none, every frame that
  // is not digital silence) the energies of the downmix and of each channel, and the pair's
  // correlation sums.
  const pair = table.pair ? [table.pair.sumXY, table.pair.sumX, table.pair.sumY] : [];
  const columns = [...table.channelPower.slice(0, C), table.downmixPower, ...pair, table.digitalSilence, ...(active ? [active] : [])];
  const outCount = 2 * C + 5;
  const sums = withColumns(columns, n, 8 * outCount, (ptrs, out, power) => {
    const k = kernels();
    const silent = ptrs[C + 1 + pair.length];
    const activePtr = active ? ptrs[C + 2 + pair.length] : 0;
    const pairPtr = table.pair ? power + 4 * (C + 1) : 0;
    k.exports.layout_sums(power, C, n, table.hopSamples, table.lastFrameSamples, ptrs[C], pairPtr, activePtr, silent, out);
    return Array.from(k.f64(out, outCount));
  });

  // Whole-file channel RMS decides dead channels.
  const deadChannels: number[] = [];
  const totalSamples = Math.max(1, table.sampleCount);
  for (let c = 0; c < C; c++) if (!(powerToDb(sums[c] / totalSamples) >= DEAD_CHANNEL_DBFS)) deadChannels.push(c);
  if (C === 1) {
    return { kind: 'mono', interChannelCorrelation: null, levelDifferenceDb: null, deadChannels, monoDownmixDeltaDb: null };
  }
  const [count, eDown, sxy, sx, sy] = sums.slice(C, C + 5);
  const eAll = sums.slice(C + 5, 2 * C + 5);
  const [e0, e1] = eAll;

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
