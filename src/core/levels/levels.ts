/**
 * The levels family in one accumulator: sample statistics + clipping (sample-stats.ts), ITU-T
 * P.56 active speech level (p56.ts) and BS.1770 loudness (loudness.ts), mapped onto the
 * summary's `levels`, `channels` and `clipping` parts. The analyzer pushes chunks here once.
 */
import type { Accumulator } from '../types';
import type { KernelHeld } from '../kernels/runtime';
import type { ChannelSummary, ClippingSummary, LevelsSummary } from '../summary/types';
import { createLoudness, finishLoudness, mergeLoudness, type LoudnessPartial, type LoudnessResult } from './loudness';
import { createP56, finishP56, mergeP56, type P56Partial, type P56Result } from './p56';
import { createSampleStats, finishSampleStats, mergeSampleStats, type SampleStats, type SampleStatsPartial } from './sample-stats';

export interface LevelsResult {
  levels: LevelsSummary;
  channels: ChannelSummary[];
  clipping: ClippingSummary;
  detail: { sampleStats: SampleStats; p56: P56Result; loudness: LoudnessResult };
}

export function toLevelsSummary(stats: SampleStats, p56: P56Result | null, loudness: LoudnessResult | null): LevelsSummary {
  const o = stats.overall;
  return {
    peakDbfs: o.peakDbfs,
    rmsDbfs: o.rmsDbfs,
    dcOffset: o.dcOffset,
    crestFactor: o.crestFactor,
    noiseFloorDbfs: o.noiseFloorDbfs,
    activeSpeechLevelDbfs: p56?.activeSpeechLevelDbfs ?? null,
    speechActivityRatio: p56?.activityFactor ?? null,
    integratedLoudnessLufs: loudness?.integratedLufs ?? null,
    nonFiniteSamples: o.nonFiniteSamples,
  };
}

/** The levels family over a stretch of a file, as plain data (see each part for how it merges). */
export interface LevelsPartial {
  stats: SampleStatsPartial;
  p56: P56Partial;
  loudness: LoudnessPartial;
}

export function mergeLevels(a: LevelsPartial, b: LevelsPartial): LevelsPartial {
  return { stats: mergeSampleStats(a.stats, b.stats), p56: mergeP56(a.p56, b.p56), loudness: mergeLoudness(a.loudness, b.loudness) };
}

export function finishLevels(p: LevelsPartial): LevelsResult {
  const s = finishSampleStats(p.stats);
  const p56 = finishP56(p.p56);
  const l = finishLoudness(p.stats.sampleRateHz, p.stats.channelCount, p.loudness);
  return {
    levels: toLevelsSummary(s, p56, l),
    channels: s.channels,
    clipping: s.clipping,
    detail: { sampleStats: s, p56, loudness: l },
  };
}

export interface LevelsAccumulator extends Accumulator<LevelsResult>, KernelHeld {
  partial(): LevelsPartial;
}

/**
 * `warmupSamples`: the first samples pushed only settle the P.56 envelope and the K-weighting
 * filters (a segment of a file starts 2 s early); the sample statistics start after them.
 * `originSample`: the index in the file of the first sample pushed.
 */
export function createLevels(sampleRateHz: number, channelCount: number, warmupSamples = 0, originSample = 0): LevelsAccumulator {
  const stats = createSampleStats(sampleRateHz, channelCount);
  const p56 = createP56(sampleRateHz, channelCount, warmupSamples, originSample);
  const loudness = createLoudness(sampleRateHz, channelCount, {}, warmupSamples);
  let warm = warmupSamples;
  const partial = (): LevelsPartial => ({ stats: stats.partial(), p56: p56.partial(), loudness: loudness.partial() });
  return {
    push(channels) {
      p56.push(channels);
      loudness.push(channels);
      const n = channels[0]?.length ?? 0;
      if (warm >= n) {
        warm -= n;
        return;
      }
      stats.push(warm > 0 ? channels.map((c) => c.subarray(warm)) : channels);
      warm = 0;
    },
    partial,
    finish() {
      return finishLevels(partial());
    },
    release() {
      stats.release();
      p56.release();
      loudness.release();
    },
  };
}
