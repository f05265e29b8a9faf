/**
 * Where the clipping is: runs of ≥ 3 samples at |x| ≥ 0.999 FS (the same definition as
 * clipping.ts), merged into time ranges when closer than 50 ms, at most 200 ranges. The counts
 * live in sample-stats; this only locates them so the page can jump to them.
 */
import type { Accumulator, TimeRange } from '../types';
import { CLIP_LEVEL, CLIP_RUN_MIN } from './clipping';
import { createStaging, kernels, owned, type KernelHeld } from '../kernels/runtime';

const MERGE_GAP_SEC = 0.05;
const MAX_RANGES = 200;
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

export interface ClipRangesAnalysis extends Accumulator<TimeRange[]>, KernelHeld {
  partial(): ClipRangesPartial;
  /** True while a run the stretch owns has not ended. */
  needsMore(): boolean;
  /** The stretch ends at `end` instead (no sample at or past it pushed yet): see SegmentAnalyzer.cut. */
  cut(end: number): void;
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
  let ownEnd = segment.end ?? Infinity;
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

  // The scan runs in the kernels (src/core/kernels/c/clip-ranges.c): per channel and piece, the
  // runs that ended, as (start, end) pairs; a run of at least 3 needs 4 samples, so n/4 + 1 pairs.
  const k = kernels();
  const staging = createStaging(channelCount);
  const runPtr = k.alloc(4 * channelCount); // zeroed
  const outPtr = k.alloc(16 * (Math.floor(staging.maxFrames / 4) + 2));
  const analysis: ClipRangesAnalysis = {
    push(channels) {
      const len = channels[0]?.length ?? 0;
      for (let at = 0; at < len; at += staging.maxFrames) {
        const n = Math.min(staging.maxFrames, len - at);
        const ptrs = k.i32(staging.stage(channels, at, n), channelCount);
        // With several channels, the runs that end in this piece are merged in order of their
        // end (then channel), as they would be one sample at a time: how the audio was cut into
        // chunks must not change the ranges.
        const ended: number[] = [];
        for (let c = 0; c < channelCount; c++) {
          const count = k.exports.clip_runs(ptrs[c], n, runPtr + 4 * c, CLIP_BITS, position, outPtr);
          const out = k.f64(outPtr, 2 * count);
          if (channelCount === 1) for (let r = 0; r < count; r++) addRun(out[2 * r], out[2 * r + 1]);
          else for (let r = 0; r < 2 * count; r++) ended.push(out[r]);
        }
        if (ended.length > 0) {
          const order = Array.from({ length: ended.length / 2 }, (_, r) => r);
          // Stable sort by end: runs of one channel keep their order, lower channels first on a tie.
          order.sort((a, b) => ended[2 * a + 1] - ended[2 * b + 1]);
          for (const r of order) addRun(ended[2 * r], ended[2 * r + 1]);
        }
        position += n;
      }
      runLength.set(k.i32(runPtr, channelCount));
    },
    needsMore() {
      if (position < ownEnd) return true;
      for (let c = 0; c < channelCount; c++) if (runLength[c] > 0 && position - runLength[c] < ownEnd) return true;
      return false;
    },
    cut(end) {
      ownEnd = end;
    },
    partial,
    finish() {
      return finishClipRanges(sampleRateHz, partial());
    },
    release: (): void => undefined,
  };
  analysis.release = owned(analysis, () => {
    k.exports.free(runPtr);
    k.exports.free(outPtr);
    staging.release();
  });
  return analysis;
}
