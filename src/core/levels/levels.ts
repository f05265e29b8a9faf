/**
 * The levels family in one accumulator: sample statistics + clipping (sample-stats.ts), ITU-T
 * P.56 active speech level (p56.ts) and BS.1770 loudness (loudness.ts), mapped onto the
 * summary's `levels`, `channels` and `clipping` parts. The analyzer pushes chunks here once.
 */
import type { Accumulator } from '../types';
import type { ChannelSummary, ClippingSummary, LevelsSummary } from '../summary/types';
import { createLoudness, type LoudnessResult } from './loudness';
import { createP56, type P56Result } from './p56';
import { createSampleStats, type SampleStats } from './sample-stats';

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

export function createLevels(sampleRateHz: number, channelCount: number): Accumulator<LevelsResult> {
  const stats = createSampleStats(sampleRateHz, channelCount);
  const p56 = createP56(sampleRateHz, channelCount);
  const loudness = createLoudness(sampleRateHz, channelCount);
  return {
    push(channels) {
      stats.push(channels);
      p56.push(channels);
      loudness.push(channels);
    },
    finish() {
      const s = stats.finish();
      const p = p56.finish();
      const l = loudness.finish();
      return {
        levels: toLevelsSummary(s, p, l),
        channels: s.channels,
        clipping: s.clipping,
        detail: { sampleStats: s, p56: p, loudness: l },
      };
    },
  };
}
