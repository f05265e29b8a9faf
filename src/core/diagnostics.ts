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
  /** The VAD's raw (unpadded) decision is speech in the first / last frame. */
  speechAtStart: boolean;
  speechAtEnd: boolean;
  /** Where clipped runs are, merged to ≥ 50 ms apart; at most 200. */
  clippedRanges: TimeRange[];
}
