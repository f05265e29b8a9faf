import type { EchoResult } from './echo/cepstrum-echo';
import type { HumResult } from './hum/hum';
import type { ZeroRunsResult } from './dropouts/zero-runs';
import type { TimeRange } from './types';

/**
 * Evidence the detectors read that does not go into the summary as such (the findings carry the
 * few numbers that matter). Kept out of the summary: zero-run positions and clip positions are
 * aggregates, but there is no need to export them.
 */
export interface Diagnostics {
  hum: HumResult;
  echo: EchoResult;
  zeroRuns: ZeroRunsResult;
  /**
   * Where the VAD's raw (unpadded, unbridged) decision first says speech, and where it last
   * stops, seconds; null when it never does. The endpointing detectors compare these with the
   * file's edges.
   */
  firstRawSpeechSec: number | null;
  lastRawSpeechEndSec: number | null;
  /** How far the first / last 30 ms sit below the speech level, dB (see FrameMeasurements). */
  edgeBelowSpeechDb: { start: number | null; end: number | null };
  /** Where clipped runs are, merged to ≥ 50 ms apart; at most 200. */
  clippedRanges: TimeRange[];
}
