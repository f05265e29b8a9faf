import type { TimeRange } from '../types';

/**
 * The privacy-safe summary: the only document that ever leaves the page or the CLI.
 * It holds aggregates only: no samples, peaks, spectra or anything audio can be rebuilt from.
 * The JSON Schema beside this file (summary.schema.json) is the contract; keep both in step.
 */
export const SUMMARY_SCHEMA_ID = 'audio-path-lab/summary@1';

export interface Summary {
  schema: typeof SUMMARY_SCHEMA_ID;
  generator: { name: 'audio-path-lab'; version: string };
  source: SourceSummary;
  levels: LevelsSummary;
  channels: ChannelSummary[];
  clipping: ClippingSummary;
  silence: SilenceSummary;
  vad: VadSummary;
  snr: SnrSummary;
  bandwidth: BandwidthSummary;
  layout: LayoutSummary;
  findings: Finding[];
  /** Non-fatal problems met while reading (e.g. NaN samples, a corrupt tail). */
  warnings: string[];
}

export interface SourceSummary {
  container: string;
  codec: string;
  /** Declared by the header. */
  sampleRateHz: number;
  /** What the analysis ran at (the decoder's output rate; never resampled by us). */
  decodedSampleRateHz: number;
  channels: number;
  /** null for lossy codecs */
  bitDepth: number | null;
  /** Duration of the audio actually decoded. */
  durationSec: number;
  bytes: number;
  /** Only when the user asked to keep it (--keep-name). */
  name?: string;
  /** First 16 hex chars of the file's BLAKE3 hash, as b3sum prints it (src/core/hash.ts). */
  contentHash: string;
}

export interface LevelsSummary {
  /** dBFS, null = digital silence. Over all channels. */
  peakDbfs: number | null;
  rmsDbfs: number | null;
  dcOffset: number;
  /** peak / RMS as a linear ratio (SoX "Crest factor"); null when silent. */
  crestFactor: number | null;
  /** Smallest running max |x| over 50 ms windows, dBFS (null = a window of digital silence). */
  noiseFloorDbfs: number | null;
  /** ITU-T P.56 method B active speech level, dBFS; null if it could not be measured. */
  activeSpeechLevelDbfs: number | null;
  /** P.56 activity factor, 0..1 */
  speechActivityRatio: number | null;
  /** ITU-R BS.1770-4 / EBU R128 gated integrated loudness, LUFS; null when below the gate. */
  integratedLoudnessLufs: number | null;
  /** Samples that were NaN or ±Infinity (counted as 0 in every measurement). */
  nonFiniteSamples: number;
}

export interface ChannelSummary {
  peakDbfs: number | null;
  rmsDbfs: number | null;
  dcOffset: number;
  crestFactor: number | null;
  noiseFloorDbfs: number | null;
  clippingRatio: number;
  clippedSamples: number;
  digitalSilenceRatio: number;
}

export interface ClippingSummary {
  /** Share of samples (all channels) with |x| ≥ 0.999 FS. */
  ratio: number;
  clippedSamples: number;
  /** Runs of ≥ 3 consecutive clipped samples (per channel, summed). */
  runs: number;
  /** Flat tops below full scale: clipped upstream, then attenuated. */
  flatTop: {
    detected: boolean;
    /** The level of the plateau, dBFS; null when none. */
    levelDbfs: number | null;
    /** Samples sitting exactly at ±plateau. */
    samples: number;
    /** Runs of ≥ 3 at the plateau. */
    runs: number;
  };
}

export interface SilenceSummary {
  /** Share of 20 ms frames below `thresholdDbfs`. */
  ratio: number;
  /** Share of samples exactly 0.0. */
  digitalSilenceRatio: number;
  /** The threshold used: relative to the recording's speech level (see README). */
  thresholdDbfs: number | null;
  frameSec: number;
}

export interface VadSettings {
  /** Sensitivity 0..1: where the decision threshold sits between noise floor (0) and speech level (1). */
  threshold: number;
  minSpeechSec: number;
  minSilenceSec: number;
  padSec: number;
  /** Optional absolute gate: frames quieter than this are never speech. null = off (default). */
  absoluteFloorDbfs: number | null;
}

export interface VadSummary {
  engine: 'builtin';
  settings: VadSettings;
  frameSec: number;
  segments: TimeRange[];
  speechRatio: number;
  firstSpeechSec: number | null;
  lastSpeechEndSec: number | null;
  leadingSilenceSec: number | null;
  trailingSilenceSec: number | null;
}

export interface SnrSummary {
  /** Active-speech SNR: speech-frame power over non-speech-frame power, dB. Capped at 60. */
  db: number | null;
  /** WADA-SNR (Kim & Stern 2008), a global estimate, dB. */
  wadaDb: number | null;
  /** Non-speech frames are exact digital silence: SNR is reported as the 60 dB cap. */
  noiseIsDigitalSilence: boolean;
  noiseDbfs: number | null;
  speechDbfs: number | null;
}

export interface BandwidthSummary {
  /** Highest frequency within 50 dB of the maximum of the speech frames' long-term spectrum. */
  effectiveHz: number | null;
  fractionOfNyquist: number | null;
}

export type LayoutKind = 'mono' | 'stereo' | 'dual-mono' | 'phase-inverted' | 'dead-channel' | 'multichannel';

export interface LayoutSummary {
  kind: LayoutKind;
  /** Pearson correlation of channels 0 and 1 over active frames; null for mono. */
  interChannelCorrelation: number | null;
  /** RMS of channel 0 minus channel 1 over active frames, dB; null for mono. */
  levelDifferenceDb: number | null;
  /** Indices of channels below −90 dBFS RMS. */
  deadChannels: number[];
  /** Level of the mono downmix relative to the louder channel, dB (very negative = cancels). */
  monoDownmixDeltaDb: number | null;
}

export type Severity = 'info' | 'warn' | 'critical';

export interface Finding {
  id: string;
  plane: string;
  severity: Severity;
  message: string;
  /** What to check next. */
  checkNext?: string;
  /** The numbers that triggered it. */
  evidence: Record<string, number | string | boolean | null>;
  /** Where in the file it applies, if anywhere in particular. */
  ranges?: TimeRange[];
}
