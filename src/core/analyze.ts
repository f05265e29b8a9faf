/**
 * The one analysis entry point: the CLI, the workers and the tests all call this.
 * TEMPORARY STUB: returns placeholder numbers until the measurement modules land; the
 * signature is the contract the page and CLI build against.
 */
import type { Accumulator, PcmAudio, TimeRange } from './types';
import type {
  BandwidthSummary,
  ChannelSummary,
  ClippingSummary,
  LayoutSummary,
  LevelsSummary,
  SilenceSummary,
  SnrSummary,
  VadSettings,
  VadSummary,
} from './summary/types';

export interface AnalyzeOptions {
  vad?: Partial<VadSettings>;
}

/** Everything measured on the audio itself (the summary adds source, findings, schema). */
export interface Measurements {
  sampleRateHz: number;
  channelCount: number;
  /** Frames (samples per channel) analysed. */
  frameCount: number;
  durationSec: number;
  levels: LevelsSummary;
  channels: ChannelSummary[];
  clipping: ClippingSummary;
  silence: SilenceSummary;
  vad: VadSummary;
  snr: SnrSummary;
  bandwidth: BandwidthSummary;
  layout: LayoutSummary;
  warnings: string[];
}

export function createAnalyzer(
  sampleRateHz: number,
  channelCount: number,
  options: AnalyzeOptions = {},
): Accumulator<Measurements> {
  let frameCount = 0;
  return {
    push(channels) {
      frameCount += channels[0]?.length ?? 0;
    },
    finish() {
      const durationSec = frameCount / sampleRateHz;
      const segments: TimeRange[] = [{ startSec: 0, endSec: durationSec }];
      return {
        sampleRateHz,
        channelCount,
        frameCount,
        durationSec,
        levels: {
          peakDbfs: 0, rmsDbfs: -20, dcOffset: 0, crestFactor: 10, noiseFloorDbfs: -60,
          activeSpeechLevelDbfs: null, speechActivityRatio: null, integratedLoudnessLufs: null,
          nonFiniteSamples: 0,
        },
        channels: Array.from({ length: channelCount }, () => ({
          peakDbfs: 0, rmsDbfs: -20, dcOffset: 0, crestFactor: 10, noiseFloorDbfs: -60,
          clippingRatio: 0, clippedSamples: 0, digitalSilenceRatio: 0,
        })),
        clipping: { ratio: 0, clippedSamples: 0, runs: 0, flatTop: { detected: false, levelDbfs: null, samples: 0, runs: 0 } },
        silence: { ratio: 0, digitalSilenceRatio: 0, thresholdDbfs: null, frameSec: 0.02 },
        vad: {
          engine: 'builtin',
          settings: { threshold: 0.5, minSpeechSec: 0.1, minSilenceSec: 0.3, padSec: 0.1, absoluteFloorDbfs: null, ...options.vad },
          frameSec: 0.01, segments, speechRatio: 1, firstSpeechSec: 0, lastSpeechEndSec: durationSec,
          leadingSilenceSec: 0, trailingSilenceSec: 0,
        },
        snr: { db: null, wadaDb: null, noiseIsDigitalSilence: false, noiseDbfs: null, speechDbfs: null },
        bandwidth: { effectiveHz: null, fractionOfNyquist: null },
        layout: { kind: channelCount === 1 ? 'mono' : 'stereo', interChannelCorrelation: null, levelDifferenceDb: null, deadChannels: [], monoDownmixDeltaDb: null },
        warnings: ['stub analyzer'],
      };
    },
  };
}

export function analyzePcm(audio: PcmAudio, options: AnalyzeOptions = {}): Measurements {
  const analyzer = createAnalyzer(audio.sampleRateHz, audio.channels.length, options);
  analyzer.push(audio.channels);
  return analyzer.finish();
}
