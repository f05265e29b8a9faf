/**
 * Waveform overview for display: per channel, the minimum and maximum of each bucket of
 * `samplesPerBucket` frames, interleaved as [min0, max0, min1, max1, …]. A waveform renderer that
 * draws the envelope of consecutive values (wavesurfer.js `peaks`) then shows the true extremes.
 * Display only: never part of the summary (it would let the audio be roughly rebuilt).
 *
 * Segments: the bucket grid is the file's (bucket b covers frames [b·S, (b+1)·S)), so a segment
 * of a file analysed on several workers may start and end inside a bucket; `mergePeaks` takes the
 * min and max across the seam, which makes segmented peaks equal one pass exactly.
 */
import type { Accumulator } from '../types';
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
  const end = segment.end ?? Infinity;
  if (firstPushed > start) throw new RangeError('a peaks segment must be pushed from its start or earlier');
  let capacity = 2048;
  let store = Array.from({ length: channelCount }, () => new Float32Array(capacity));
  let pos = firstPushed;
  // Running extremes of the bucket being filled, which already holds `inBucket` frames (a
  // segment that starts inside a bucket starts part-way through it).
  const lo = new Float64Array(channelCount).fill(Infinity);
  const hi = new Float64Array(channelCount).fill(-Infinity);
  let inBucket = start % samplesPerBucket;
  let open = false;
  let buckets = 0;

  const flush = (): void => {
    if (2 * buckets + 2 > capacity) {
      capacity *= 2;
      store = store.map((old) => {
        const next = new Float32Array(capacity);
        next.set(old);
        return next;
      });
    }
    for (let c = 0; c < channelCount; c++) {
      store[c][2 * buckets] = lo[c];
      store[c][2 * buckets + 1] = hi[c];
      lo[c] = Infinity;
      hi[c] = -Infinity;
    }
    buckets++;
    inBucket = 0;
    open = false;
  };

  let done: PeaksPartial | null = null;
  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      const at = pos;
      pos += n;
      // Only the frames the segment owns: [start, end).
      let i = Math.max(0, start - at);
      const stop = Math.min(n, end - at);
      while (i < stop) {
        const take = Math.min(stop - i, samplesPerBucket - inBucket);
        for (let c = 0; c < channelCount; c++) {
          const x = channels[c];
          let l = lo[c];
          let h = hi[c];
          for (let k = i; k < i + take; k++) {
            const v = x[k];
            // NaN/±Inf draw as 0, as they count in the measurements.
            const s = Number.isFinite(v) ? v : 0;
            if (s < l) l = s;
            if (s > h) h = s;
          }
          lo[c] = l;
          hi[c] = h;
        }
        inBucket += take;
        i += take;
        open = true;
        if (inBucket === samplesPerBucket) flush();
      }
    },
    needsMore() {
      return pos < end;
    },
    partial() {
      if (done) return done;
      if (open) flush();
      done = {
        sampleRateHz,
        samplesPerBucket,
        start,
        frameCount: Math.max(0, Math.min(pos, end) - start),
        firstBucket: Math.floor(start / samplesPerBucket),
        channels: store.map((s) => s.slice(0, 2 * buckets)),
      };
      return done;
    },
  };
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
