/**
 * The page's display data for one file — waveform peaks and a spectrogram — from the same pass as
 * the analysis, whole or in segments (a long WAV split across workers): one plan for the file,
 * one accumulator pair per segment, merged in file order. Display only: never in the summary.
 */
import { choosePeaksBucket, createPeaksSegment, finishPeaks, type Peaks, type PeaksPartial } from './peaks';
import {
  createSpectrogramSegment,
  finishSpectrogram,
  planSpectrogram,
  type Spectrogram,
  type SpectrogramPartial,
  type SpectrogramPlan,
} from './spectrogram';
import type { DisplaySegment } from './segment';

export type { DisplaySegment } from './segment';

/** Channels shown in the spectrogram (more would be too tall to read). */
export const SPECTROGRAM_CHANNELS = 2;
/** Enough waveform detail for the widest zoom the page allows (30 000 px), and no more. */
export const PEAK_BUCKETS = 30_000;

/** Decided once per file (from its expected length) and shared by all its segments. */
export interface DisplayPlan {
  sampleRateHz: number;
  channelCount: number;
  samplesPerBucket: number;
  spectrogram: SpectrogramPlan;
  spectrogramChannels: number;
}

export function planDisplay(sampleRateHz: number, channelCount: number, expectedFrames: number): DisplayPlan {
  return {
    sampleRateHz,
    channelCount,
    samplesPerBucket: choosePeaksBucket(expectedFrames, PEAK_BUCKETS),
    spectrogram: planSpectrogram(sampleRateHz, expectedFrames),
    spectrogramChannels: Math.min(channelCount, SPECTROGRAM_CHANNELS),
  };
}

export interface DisplayPartial {
  peaks: PeaksPartial;
  spectrogram: SpectrogramPartial;
}

export interface Display {
  peaks: Peaks;
  spectrogram: Spectrogram;
}

export interface DisplaySegmentAccumulator {
  push(channels: readonly Float32Array[]): void;
  needsMore(): boolean;
  /** The segment ends at `end` instead (no sample at or past it pushed yet): see SegmentAnalyzer.cut. */
  cut(end: number): void;
  partial(): DisplayPartial;
}

export function createDisplaySegment(plan: DisplayPlan, segment: DisplaySegment): DisplaySegmentAccumulator {
  const peaks = createPeaksSegment(plan.sampleRateHz, plan.channelCount, plan.samplesPerBucket, segment);
  const shown = plan.spectrogramChannels;
  const spectrogram = createSpectrogramSegment(plan.sampleRateHz, shown, plan.spectrogram, segment);
  return {
    push(channels) {
      peaks.push(channels);
      spectrogram.push(channels.length > shown ? channels.slice(0, shown) : channels);
    },
    needsMore() {
      return peaks.needsMore() || spectrogram.needsMore();
    },
    cut(end) {
      peaks.cut(end);
      spectrogram.cut(end);
    },
    partial() {
      return { peaks: peaks.partial(), spectrogram: spectrogram.partial() };
    },
  };
}

/** The whole file's display data from its segments' partials, in order. */
export function finishDisplay(partials: readonly DisplayPartial[]): Display {
  return { peaks: finishPeaks(partials.map((p) => p.peaks)), spectrogram: finishSpectrogram(partials.map((p) => p.spectrogram)) };
}
