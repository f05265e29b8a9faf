/**
 * Every number a detector compares against, in one place, with its unit in its name.
 * The defaults are documented in docs/findings.md; callers may override any of them
 * (CLI: --threshold name=value; page: settings).
 */
export interface FindingThresholds {
  /** clipping: share of samples at ≥ 0.999 FS for warn / critical, and runs ≥ 3 needed at all. */
  clippingWarnRatio: number;
  clippingCriticalRatio: number;
  clippingMinRuns: number;
  /** low-level: active speech level below these, dBFS. Nominal speech is about −26 dBov (P.56). */
  lowLevelWarnDbfs: number;
  lowLevelCriticalDbfs: number;
  /** low-snr: active-speech SNR below these, dB. */
  lowSnrWarnDb: number;
  lowSnrCriticalDb: number;
  /** low-snr: with no pauses (speech ratio at or above this), judge WADA-SNR instead. */
  lowSnrWadaFallbackSpeechRatio: number;
  /** dc-offset: |mean| at or above these, full-scale units (info, warn). */
  dcOffsetInfo: number;
  dcOffsetWarn: number;
  /** hum: line prominence over its neighbourhood, dB, and its level must exceed this, dBFS. */
  humProminenceDb: number;
  humMinLevelDbfs: number;
  /** hum: warn when the hum lines together come within this many dB of the active speech level. */
  humWarnBelowSpeechDb: number;
  /** band-limited: effective bandwidth below this fraction of Nyquist. */
  bandLimitedFraction: number;
  /** channel-imbalance: |L − R| over active frames, dB. */
  imbalanceDb: number;
  /** dual-mono: correlated channels count as identical only within this level difference, dB. */
  dualMonoMaxLevelDifferenceDb: number;
  /** dropouts: edge abruptness above this counts as a hard cut; runs needed inside speech. */
  dropoutAbruptness: number;
  /** dropouts: both edge samples at least this loud, dBFS (−66 dBFS ≈ 16 LSB at 16 bits): zeros
   * between ±1 LSB neighbours are a quiet signal crossing zero, not a cut. */
  dropoutMinEdgeDbfs: number;
  dropoutMinRuns: number;
  dropoutMaxRunSec: number;
  /** echo: cepstral peak height (≈ echo gain) and robust score. */
  echoMinHeight: number;
  echoMinScore: number;
  /** long-leading-silence: seconds before the first speech. */
  leadingSilenceWarnSec: number;
  /** leading/trailing-speech-cut: raw VAD speech closer than this to the file's edge, seconds… */
  edgeSec: number;
  /** …and the first/last 30 ms no further than this below the speech level, dB (a word, not a breath). */
  edgeMaxBelowSpeechDb: number;
}

export const DEFAULT_THRESHOLDS: FindingThresholds = {
  clippingWarnRatio: 1e-4,
  clippingCriticalRatio: 1e-3,
  clippingMinRuns: 1,
  lowLevelWarnDbfs: -36,
  lowLevelCriticalDbfs: -46,
  lowSnrWarnDb: 15,
  lowSnrCriticalDb: 5,
  lowSnrWadaFallbackSpeechRatio: 0.95,
  dcOffsetInfo: 0.005,
  dcOffsetWarn: 0.02,
  humProminenceDb: 12,
  humMinLevelDbfs: -80,
  humWarnBelowSpeechDb: 20,
  bandLimitedFraction: 0.6,
  imbalanceDb: 4,
  dualMonoMaxLevelDifferenceDb: 1,
  dropoutAbruptness: 0.3,
  dropoutMinEdgeDbfs: -66,
  dropoutMinRuns: 2,
  dropoutMaxRunSec: 0.2,
  echoMinHeight: 0.15,
  echoMinScore: 20,
  leadingSilenceWarnSec: 2,
  edgeSec: 0.03,
  edgeMaxBelowSpeechDb: 15,
};

export function resolveThresholds(overrides: Partial<FindingThresholds> = {}): FindingThresholds {
  return { ...DEFAULT_THRESHOLDS, ...overrides };
}
