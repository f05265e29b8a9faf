/**
 * Waveform overview for display: per channel, the minimum and maximum of each bucket of
 * `samplesPerBucket` frames, interleaved as [min0, max0, min1, max1, …]. A waveform renderer that
 * draws the envelope of consecutive values (wavesurfer.js `peaks`) then shows the true extremes.
 * Display only: never part of the summary (it would let the audio be roughly rebuilt). NaN and
 * ±∞ draw as 0, −0 as +0; the extremes are taken in the kernels (src/core/kernels/c/peaks.c).
 *
 * Segments: the bucket grid is the file's (bucket b covers frames [b·S, (b+1)·S)), so a segment
 * of a file analysed on several workers may start and end inside a bucket; `mergePeaks` takes the
 * min and max across the seam, which makes segmented peaks equal one pass exactly.
 */
import type { Accumulator } from '../types';
import { createStaging, kernels, owned } from '../kernels/runtime';
import type { DisplaySegment } from './segment';

export interface Peaks {
  sampleRateHz: number;
  samplesPerBucket: number;
  /** Frames (samples per channel) seen. */
  frameCount: number;
  /** One array per channel: 2 values (min, max) per bucket; the last bucket may be partial. */
  channels: Float32Array[];
}

/** The peaks of frames [start, start + frameCount) on the file's bucket grid, as plain data. */
export interface PeaksPartial {
  sampleRateHz: number;
  samplesPerBucket: number;
  start: number;
  frameCount: number;
  /** Index of the bucket holding `start`; `channels` hold buckets from it on (first/last may be partial). */
  firstBucket: number;
  channels: Float32Array[];
}

/** A bucket size that keeps the overview near `maxBuckets` buckets, and never below 1 frame. */
export function choosePeaksBucket(expectedFrames: number, maxBuckets = 100_000): number {
  if (!(expectedFrames > 0)) return 1;
  return Math.max(1, Math.ceil(expectedFrames / maxBuckets));
}

export interface PeaksSegmentAccumulator {
  /** Planar chunks in order from `segment.firstPushed`. */
  push(channels: readonly Float32Array[]): void;
  /** True until the segment's end has been pushed (always for the last segment). */
  needsMore(): boolean;
  /** The segment ends at `end` instead (no sample at or past it pushed yet): see SegmentAnalyzer.cut. */
  cut(end: number): void;
  partial(): PeaksPartial;
}

export function createPeaksSegment(
  sampleRateHz: number,
  channelCount: number,
  samplesPerBucket: number,
  segment: DisplaySegment,
): PeaksSegmentAccumulator {
  if (!Number.isInteger(samplesPerBucket) || samplesPerBucket < 1) {
    throw new RangeError(`samplesPerBucket must be a positive integer, got ${samplesPerBucket}`);
  }
  const { start, firstPushed } = segment;
  let end = segment.end ?? Infinity;
  if (firstPushed > start) throw new RangeError('a peaks segment must be pushed from its start or earlier');
  let capacity = 2048;
  let store = Array.from({ length: channelCount }, () => new Float32Array(capacity));
  let pos = firstPushed;
  // The bucket being filled already holds `inBucket` frames (a segment that starts inside a
  // bucket starts part-way through it); its running extremes sit in kernel memory, 2 per channel.
  let inBucket = start % samplesPerBucket;
  let open = false;
  let buckets = 0;
  // Per-channel extremes run in the kernels (src/core/kernels/c/peaks.c).
  const k = kernels();
  const staging = createStaging(channelCount);
  const statePtr = k.alloc(8 * channelCount);
  const state = (): Float32Array => k.f32(statePtr, 2 * channelCount);
  for (let c = 0; c < channelCount; c++) state().set([Infinity, -Infinity], 2 * c);
  const outPtr = k.alloc(8 * (Math.floor(staging.maxFrames / samplesPerBucket) + 2));

  const grow = (needed: number): void => {
    if (needed <= capacity) return;
    while (capacity < needed) capacity *= 2;
    store = store.map((old) => {
      const next = new Float32Array(capacity);
      next.set(old);
      return next;
    });
  };

  let done: PeaksPartial | null = null;
  const accumulator: PeaksSegmentAccumulator = {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      const at = pos;
      pos += n;
      // Only the frames the segment owns: [start, end).
      let i = Math.max(0, start - at);
      const stop = Math.min(n, end - at);
      while (i < stop) {
        const len = Math.min(staging.maxFrames, stop - i);
        const ptrs = k.i32(staging.stage(channels, i, len), channelCount);
        let completed = 0;
        for (let c = 0; c < channelCount; c++) {
          completed = k.exports.peaks_push(ptrs[c], len, samplesPerBucket, inBucket, statePtr + 8 * c, outPtr);
          grow(2 * (buckets + completed));
          if (completed > 0) store[c].set(k.f32(outPtr, 2 * completed), 2 * buckets);
        }
        buckets += completed;
        inBucket = (inBucket + len) % samplesPerBucket;
        open = inBucket > 0;
        i += len;
      }
    },
    needsMore() {
      return pos < end;
    },
    cut(at) {
      end = at;
    },
    partial() {
      if (done) return done;
      if (open) {
        grow(2 * buckets + 2);
        const s = state();
        for (let c = 0; c < channelCount; c++) store[c].set(s.subarray(2 * c, 2 * c + 2), 2 * buckets);
        buckets++;
        open = false;
      }
      done = {
        sampleRateHz,
        samplesPerBucket,
        start,
        frameCount: Math.max(0, Math.min(pos, end) - start),
        firstBucket: Math.floor(start / samplesPerBucket),
        channels: store.map((s) => s.slice(0, 2 * buckets)),
      };
      release(); // the partial is plain data: the kernel memory is free for the merge now
      return done;
    },
  };
  const release = owned(accumulator, () => {
    k.exports.free(statePtr);
    k.exports.free(outPtr);
    staging.release();
  });
  return accumulator;
}

/** The peaks of segment `a` followed by the adjacent segment `b`: the seam bucket is combined. */
export function mergePeaks(a: PeaksPartial, b: PeaksPartial): PeaksPartial {
  if (a.samplesPerBucket !== b.samplesPerBucket || a.channels.length !== b.channels.length) {
    throw new RangeError('peaks of different grids');
  }
  if (a.start + a.frameCount !== b.start) throw new RangeError(`peaks segments not adjacent: ${a.start + a.frameCount} ≠ ${b.start}`);
  const aBuckets = (a.channels[0]?.length ?? 0) / 2;
  const bBuckets = (b.channels[0]?.length ?? 0) / 2;
  if (aBuckets === 0) return { ...b, start: a.start, frameCount: a.frameCount + b.frameCount, firstBucket: a.firstBucket };
  const seam = bBuckets > 0 && a.firstBucket + aBuckets - 1 === b.firstBucket ? 1 : 0;
  const channels = a.channels.map((x, c) => {
    const y = b.channels[c];
    const out = new Float32Array(x.length + y.length - 2 * seam);
    out.set(x);
    out.set(y.subarray(2 * seam), x.length);
    if (seam) {
      const i = x.length - 2;
      // Ties keep the earlier value, as one pass does (0 vs −0).
      out[i] = y[0] < x[i] ? y[0] : x[i];
      out[i + 1] = y[1] > x[i + 1] ? y[1] : x[i + 1];
    }
    return out;
  });
  return { ...a, frameCount: a.frameCount + b.frameCount, channels };
}

/** The whole file's peaks from its segments' partials, in order (the first starts at 0). */
export function finishPeaks(partials: readonly PeaksPartial[]): Peaks {
  if (partials.length === 0) throw new RangeError('no segments');
  const p = partials.slice(1).reduce(mergePeaks, partials[0]);
  return { sampleRateHz: p.sampleRateHz, samplesPerBucket: p.samplesPerBucket, frameCount: p.frameCount, channels: p.channels };
}

/** One pass over the whole file. */
export function createPeaksAccumulator(sampleRateHz: number, channelCount: number, samplesPerBucket: number): Accumulator<Peaks> {
  const segment = createPeaksSegment(sampleRateHz, channelCount, samplesPerBucket, { start: 0, end: null, firstPushed: 0 });
  return {
    push(channels) {
      segment.push(channels);
    },
    finish() {
      return finishPeaks([segment.partial()]);
    },
  };
}
