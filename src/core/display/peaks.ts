/**
 * Waveform overview for display: per channel, the minimum and maximum of each bucket of
 * `samplesPerBucket` frames, interleaved as [min0, max0, min1, max1, …]. A waveform renderer that
 * draws the envelope of consecutive values (wavesurfer.js `peaks`) then shows the true extremes.
 * Display only: never part of the summary (it would let the audio be roughly rebuilt).
 */
import type { Accumulator } from '../types';

export interface Peaks {
  sampleRateHz: number;
  samplesPerBucket: number;
  /** Frames (samples per channel) seen. */
  frameCount: number;
  /** One array per channel: 2 values (min, max) per bucket; the last bucket may be partial. */
  channels: Float32Array[];
}

/** A bucket size that keeps the overview near `maxBuckets` buckets, and never below 1 frame. */
export function choosePeaksBucket(expectedFrames: number, maxBuckets = 100_000): number {
  if (!(expectedFrames > 0)) return 1;
  return Math.max(1, Math.ceil(expectedFrames / maxBuckets));
}

export function createPeaksAccumulator(
  sampleRateHz: number,
  channelCount: number,
  samplesPerBucket: number,
): Accumulator<Peaks> {
  if (!Number.isInteger(samplesPerBucket) || samplesPerBucket < 1) {
    throw new RangeError(`samplesPerBucket must be a positive integer, got ${samplesPerBucket}`);
  }
  let capacity = 2048;
  let store = Array.from({ length: channelCount }, () => new Float32Array(capacity));
  let frameCount = 0;
  // Running extremes of the bucket being filled.
  const lo = new Float64Array(channelCount).fill(Infinity);
  const hi = new Float64Array(channelCount).fill(-Infinity);
  let inBucket = 0;
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
  };

  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      let i = 0;
      while (i < n) {
        const take = Math.min(n - i, samplesPerBucket - inBucket);
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
        if (inBucket === samplesPerBucket) flush();
      }
      frameCount += n;
    },
    finish() {
      if (inBucket > 0) flush();
      return {
        sampleRateHz,
        samplesPerBucket,
        frameCount,
        channels: store.map((s) => s.slice(0, 2 * buckets)),
      };
    },
  };
}
