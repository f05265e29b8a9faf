/**
 * A stretch of a file for the display accumulators: they own frames [start, end) (end null = to
 * the end of the audio) and are pushed from `firstPushed` ≤ start, the same absolute sample
 * positions as the core's analysis segments (src/core/analyze.ts).
 */
export interface DisplaySegment {
  start: number;
  end: number | null;
  firstPushed: number;
}
