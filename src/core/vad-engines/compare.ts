/**
 * Engines side by side: per-row numbers for the timeline's text summary, and where the engines
 * disagree, on one 10 ms grid over the file (from each engine's final segments, so engines with
 * different hops are compared on equal terms).
 */
import type { TimeRange } from '../types';
import { framesFromSegments, runsOf } from '../vad/segments';

export const COMPARE_GRID_SEC = 0.01;

export interface RowSummary {
  speechSec: number;
  /** 0..1 of the file. */
  speechRatio: number;
  firstOnsetSec: number | null;
  segmentCount: number;
}

export function rowSummary(segments: readonly TimeRange[], durationSec: number): RowSummary {
  let speechSec = 0;
  for (const s of segments) speechSec += s.endSec - s.startSec;
  return {
    speechSec,
    speechRatio: durationSec > 0 ? Math.min(1, speechSec / durationSec) : 0,
    firstOnsetSec: segments.length > 0 ? segments[0].startSec : null,
    segmentCount: segments.length,
  };
}

export interface Disagreement {
  /** Where not every engine says the same, merged runs of grid frames. */
  ranges: TimeRange[];
  /** Share of the file in those ranges, 0..1. */
  ratio: number;
  /** Per row (same order as the input): where that row alone differs from all the others. */
  alone: TimeRange[][];
  /** Per row: seconds it stands alone. */
  aloneSec: number[];
}

function rangesOf(flags: Uint8Array, gridSec: number, durationSec: number): TimeRange[] {
  return runsOf(flags).map(([a, b]) => ({ startSec: a * gridSec, endSec: Math.min(durationSec, b * gridSec) }));
}

/** Disagreement among two or more rows of segments over [0, durationSec]. */
export function compareRows(rows: ReadonlyArray<readonly TimeRange[]>, durationSec: number, gridSec = COMPARE_GRID_SEC): Disagreement {
  const n = Math.max(0, Math.ceil(durationSec / gridSec - 1e-9));
  const flags = rows.map((r) => framesFromSegments(r, gridSec, n));
  const any = new Uint8Array(n);
  const alone = rows.map(() => new Uint8Array(n));
  let count = 0;
  if (rows.length >= 2) {
    for (let i = 0; i < n; i++) {
      let speech = 0;
      for (const f of flags) speech += f[i];
      if (speech === 0 || speech === rows.length) continue;
      any[i] = 1;
      count++;
      // One row against all the rest: that row is the odd one out here.
      if (speech === 1 || speech === rows.length - 1) {
        const odd = speech === 1 ? 1 : 0;
        for (let r = 0; r < rows.length; r++) if (flags[r][i] === odd) alone[r][i] = 1;
      }
    }
  }
  const aloneRanges = alone.map((f) => (rows.length > 2 || rows.length === 0 ? rangesOf(f, gridSec, durationSec) : []));
  return {
    ranges: rangesOf(any, gridSec, durationSec),
    ratio: n > 0 ? count / n : 0,
    alone: aloneRanges,
    aloneSec: alone.map((f) => (rows.length > 2 ? f.reduce((a, b) => a + b, 0) * gridSec : 0)),
  };
}
