/**
 * Where the clipping is: runs of ≥ 3 samples at |x| ≥ 0.999 FS (the same definition as
 * clipping.ts), merged into time ranges when closer than 50 ms, at most 200 ranges. The counts
 * live in sample-stats; this only locates them so the page can jump to them.
 */
import type { Accumulator, TimeRange } from '../types';
import { CLIP_LEVEL, CLIP_RUN_MIN } from './clipping';

const MERGE_GAP_SEC = 0.05;
const MAX_RANGES = 200;
const BLOCK = 64;
/** Bits of the smallest float32 ≥ CLIP_LEVEL: |x| ≥ CLIP_LEVEL exactly when (bits & 0x7fffffff) ≥ this. */
const CLIP_BITS = ((): number => {
  const f = new Float32Array([CLIP_LEVEL]);
  const i = new Int32Array(f.buffer);
  return f[0] >= CLIP_LEVEL ? i[0] : i[0] + 1;
})();

/**
 * The merged ranges of a stretch, in samples, in the order they were closed (every one, not
 * capped: ranges are ≥ 50 ms apart, so there are at most 20 per second): consecutive stretches
 * merge by concatenation, joining the seam's two ranges when they are within 50 ms.
 */
export interface ClipRangesPartial {
  /** [start, end) pairs, flat. */
  ranges: number[];
}

/**
 * A stretch [start, end) of a file (absolute sample positions; end null = to the end of the
 * audio) pushed from `firstPushed` (at least one sample before `start` unless it is 0): the
 * stretch owns the runs that start inside it, and needs samples past `end` until those have ended.
 */
export interface ClipSegment {
  start: number;
  end: number | null;
  firstPushed: number;
}

export function mergeClipRanges(sampleRateHz: number, a: ClipRangesPartial, b: ClipRangesPartial): ClipRangesPartial {
  const out = a.ranges.slice();
  const mergeGap = Math.round(MERGE_GAP_SEC * sampleRateHz);
  let k = 0;
  if (out.length > 0 && b.ranges.length > 0 && b.ranges[0] - out[out.length - 1] <= mergeGap) {
    out[out.length - 2] = Math.min(out[out.length - 2], b.ranges[0]);
    out[out.length - 1] = Math.max(out[out.length - 1], b.ranges[1]);
    k = 2;
  }
  for (; k < b.ranges.length; k++) out.push(b.ranges[k]);
  return { ranges: out };
}

export function finishClipRanges(sampleRateHz: number, p: ClipRangesPartial): TimeRange[] {
  const ranges: TimeRange[] = [];
  for (let k = 0; k < p.ranges.length && ranges.length < MAX_RANGES; k += 2) {
    ranges.push({ startSec: p.ranges[k] / sampleRateHz, endSec: p.ranges[k + 1] / sampleRateHz });
  }
  return ranges.sort((x, y) => x.startSec - y.startSec);
}

export interface ClipRangesAnalysis extends Accumulator<TimeRange[]> {
  partial(): ClipRangesPartial;
  /** True while a run the stretch owns has not ended. */
  needsMore(): boolean;
}

export function createClipRanges(
  sampleRateHz: number,
  channelCount: number,
  segment: ClipSegment = { start: 0, end: null, firstPushed: 0 },
): ClipRangesAnalysis {
  const runLength = new Int32Array(channelCount);
  const ranges: number[] = [];
  let position = segment.firstPushed;
  const ownStart = segment.start;
  const ownEnd = segment.end ?? Infinity;
  const mergeGap = Math.round(MERGE_GAP_SEC * sampleRateHz);
  let openStart = -1;
  let openEnd = -1;

  const addRun = (start: number, end: number): void => {
    // A run that started before the stretch (or after it) belongs to another one.
    if (start < ownStart || start >= ownEnd) return;
    if (openStart >= 0 && start - openEnd <= mergeGap) {
      openEnd = Math.max(openEnd, end);
      openStart = Math.min(openStart, start);
      return;
    }
    closeOpen();
    openStart = start;
    openEnd = end;
  };
  const closeOpen = (): void => {
    if (openStart >= 0) ranges.push(openStart, openEnd);
    openStart = -1;
  };
  let done: ClipRangesPartial | null = null;
  const partial = (): ClipRangesPartial => {
    if (done) return done;
    for (let c = 0; c < channelCount; c++) {
      if (runLength[c] >= CLIP_RUN_MIN) addRun(position - runLength[c], position);
      runLength[c] = 0;
    }
    closeOpen();
    done = { ranges };
    return done;
  };

  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      // With several channels, the runs that end in this chunk are merged in order of their end
      // (then channel), as they would be one sample at a time: how the audio was cut into chunks
      // must not change the ranges.
      const ended: number[] = [];
      const addOrDefer = channelCount === 1 ? addRun : (start: number, end: number): void => void ended.push(start, end);
      for (let c = 0; c < channelCount; c++) {
        const x = channels[c];
        const bits = new Int32Array(x.buffer, x.byteOffset, x.length);
        let run = runLength[c];
        for (let b = 0; b < n; b += BLOCK) {
          const e = Math.min(n, b + BLOCK);
          // Most blocks hold no sample near full scale: one integer max of |x|'s bits tells
          // (NaN reads as large and takes the exact test below, which rejects it).
          if (run === 0) {
            let m = 0;
            for (let i = b; i < e; i++) m = Math.max(m, bits[i] & 0x7fffffff);
            if (m < CLIP_BITS) continue;
          }
          for (let i = b; i < e; i++) {
            const v = x[i];
            if (v >= CLIP_LEVEL || v <= -CLIP_LEVEL) run++;
            else {
              if (run >= CLIP_RUN_MIN) addOrDefer(position + i - run, position + i);
              run = 0;
            }
          }
        }
        runLength[c] = run;
      }
      if (ended.length > 0) {
        const order = Array.from({ length: ended.length / 2 }, (_, r) => r);
        // Stable sort by end: runs of one channel keep their order, lower channels first on a tie.
        order.sort((a, b) => ended[2 * a + 1] - ended[2 * b + 1]);
        for (const r of order) addRun(ended[2 * r], ended[2 * r + 1]);
      }
      position += n;
    },
    needsMore() {
      if (position < ownEnd) return true;
      for (let c = 0; c < channelCount; c++) if (runLength[c] > 0 && position - runLength[c] < ownEnd) return true;
      return false;
    },
    partial,
    finish() {
      return finishClipRanges(sampleRateHz, partial());
    },
  };
}
