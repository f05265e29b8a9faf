/**
 * Echo: a delayed copy of the signal, y = x + α·x(t − d), multiplies the spectrum by
 * (1 + α·e^{−jωd}); in the real cepstrum that is a peak of height ≈ α at quefrency d. Speech's own
 * cepstrum has its pitch peaks below 20 ms, so a consistent peak at 20–450 ms, averaged over the
 * loud blocks of the file, is the echo.
 *
 * The mono downmix is boxcar-decimated to ~8 kHz and cut into 8192-sample Hann blocks (~1 s,
 * quefrencies up to ~0.5 s). |cepstrum| is averaged per 2-dB block-level bucket (bounded memory);
 * at the end only buckets within 20 dB of the speech level count, so pauses do not dilute it.
 */
import type { Accumulator } from '../types';
import { createBlockDecimator } from '../dsp/block-decimator';
import { kernels, owned, type KernelHeld, kernelMemoryFull } from '../kernels/runtime';

export interface EchoResult {
  /** Quefrency of the strongest peak in 20–450 ms, seconds; null when nothing was measured. */
  delaySec: number | null;
  /** (peak − median) / robust spread of the averaged |cepstrum| over 20–450 ms. */
  peakScore: number | null;
  /** Height of that peak above the median, in cepstral units: ≈ the echo gain α for steady input, lower for bursty speech (0.42 for α = 0.5 on real speech; ≤ 0.05 without echo). */
  peakHeight: number | null;
  blocks: number;
}

const TARGET_RATE_HZ = 8000;
const BLOCK = 8192;
const MIN_DELAY_SEC = 0.02;
const MAX_DELAY_SEC = 0.45;
const BUCKET_DB = 2;
const BUCKETS = 70; // −140..0 dBFS
const INCLUDE_BELOW_SPEECH_DB = 20;

/**
 * |cepstrum| sums per level bucket and block counts, as plain data: segments merge by adding.
 * `sums` holds a row of BLOCK/2 + 1 values for each bucket with blocks, in bucket order (a file
 * fills a dozen of the 70: the rows of empty ones were 2 MB of zeros to copy per segment).
 */
export interface EchoPartial {
  sums: Float64Array;
  counts: Uint32Array;
  blocks: number;
}

const ROW = BLOCK / 2 + 1;

/** Buckets with blocks: the rows a partial's sums hold. */
const usedBuckets = (counts: Uint32Array): number => counts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);

/** Bucket b's row in a partial's sums, or null when it has no blocks. */
function rowOf(p: EchoPartial, bucket: number): Float64Array | null {
  if (p.counts[bucket] === 0) return null;
  let row = 0;
  for (let b = 0; b < bucket; b++) if (p.counts[b] > 0) row++;
  return p.sums.subarray(row * ROW, (row + 1) * ROW);
}

/** The partials of adjacent segments, in order, as one: the sums and counts added in that order. */
export function mergeEcho(parts: readonly EchoPartial[]): EchoPartial {
  if (parts.length === 0) throw new RangeError('no segments');
  const counts = new Uint32Array(BUCKETS);
  for (const p of parts) for (let b = 0; b < BUCKETS; b++) counts[b] += p.counts[b];
  const sums = new Float64Array(usedBuckets(counts) * ROW);
  // Added in the kernels (a cold loop over boxed doubles here took ~8 ms for 1 h in two segments).
  const k = kernels();
  const acc = k.alloc(16 * ROW);
  const x = acc + 8 * ROW;
  try {
    for (let b = 0, row = 0; b < BUCKETS; b++) {
      if (counts[b] === 0) continue;
      let first = true;
      for (const p of parts) {
        const s = rowOf(p, b);
        if (!s) continue;
        k.f64(first ? acc : x, ROW).set(s);
        if (!first) k.exports.f64_add(acc, x, ROW);
        first = false;
      }
      sums.set(k.f64(acc, ROW), ROW * row++);
    }
  } finally {
    k.exports.free(acc);
  }
  return { sums, counts, blocks: parts.reduce((n, p) => n + p.blocks, 0) };
}

const echoDecimation = (sampleRateHz: number): number => Math.max(1, Math.round(sampleRateHz / TARGET_RATE_HZ));

/** Input samples per cepstrum block: a segment owns the blocks that start inside it. */
export function echoBlockSamples(sampleRateHz: number): number {
  return echoDecimation(sampleRateHz) * BLOCK;
}

export interface EchoAnalysis extends Accumulator<EchoResult>, KernelHeld {
  /** The state so far; `final` also takes in the partial last block, as finish() does. */
  partial(final: boolean): EchoPartial;
  /** The result from a (merged) state. */
  finishFrom(p: EchoPartial): EchoResult;
}

export function createEchoAnalysis(sampleRateHz: number, channelCount: number): EchoAnalysis {
  const decimation = echoDecimation(sampleRateHz);
  // Each block runs in the kernels (src/core/kernels/c/echo.c), which keep the bucket sums.
  const k = kernels();
  const e = k.exports.echo_new(BLOCK, BUCKETS, BUCKET_DB);
  if (e === 0) throw kernelMemoryFull();
  const decimator = createBlockDecimator(channelCount, decimation, BLOCK, (_block, _filled, blockPtr) => k.exports.echo_block(e, blockPtr));
  const analysis: EchoAnalysis = {
    push(channels) {
      decimator.push(channels);
    },
    partial(final) {
      if (final) decimator.flushPartial(BLOCK / 2);
      const counts = new Uint32Array(k.u8(k.exports.echo_counts(e), 4 * BUCKETS).slice().buffer);
      const all = k.f64(k.exports.echo_sums(e), BUCKETS * ROW);
      const sums = new Float64Array(usedBuckets(counts) * ROW);
      for (let b = 0, row = 0; b < BUCKETS; b++) if (counts[b] > 0) sums.set(all.subarray(b * ROW, (b + 1) * ROW), ROW * row++);
      return { sums, counts, blocks: k.exports.echo_blocks(e) };
    },
    finish() {
      return this.finishFrom(this.partial(true));
    },
    finishFrom: (p) => finishEcho(sampleRateHz, p),
    release: (): void => undefined,
  };
  const freeEcho = owned(analysis, () => k.exports.echo_free(e));
  analysis.release = (): void => {
    decimator.release();
    freeEcho();
  };
  return analysis;
}

/** The result from a (merged) state: what finish() gives, without an analysis to hold (pure). */
export function finishEcho(sampleRateHz: number, p: EchoPartial): EchoResult {
  const rateHz = sampleRateHz / echoDecimation(sampleRateHz);
  const half = BLOCK / 2;
  const { counts, blocks } = p;
  const none: EchoResult = { delaySec: null, peakScore: null, peakHeight: null, blocks };
  if (blocks === 0) return none;
  // Speech level: the bucket below which 90 % of the blocks' levels lie (from the top, 10 %).
  let seen = 0;
  let top = BUCKETS - 1;
  for (; top > 0; top--) {
    seen += counts[top];
    if (seen >= Math.max(1, 0.1 * blocks)) break;
  }
  const lowest = Math.max(0, top - Math.ceil(INCLUDE_BELOW_SPEECH_DB / BUCKET_DB));
  const avg = new Float64Array(half + 1);
  let used = 0;
  for (let b = lowest; b < BUCKETS; b++) {
    const row = rowOf(p, b);
    if (!row) continue;
    used += counts[b];
    for (let n = 0; n <= half; n++) avg[n] += row[n];
  }
  if (used === 0) return none;
  const from = Math.ceil(MIN_DELAY_SEC * rateHz);
  const to = Math.min(half, Math.floor(MAX_DELAY_SEC * rateHz));
  const values: number[] = [];
  let peak = -Infinity;
  let peakAt = from;
  for (let n = from; n <= to; n++) {
    const v = avg[n] / used;
    values.push(v);
    if (v > peak) {
      peak = v;
      peakAt = n;
    }
  }
  values.sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)];
  const deviations = values.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  const spread = 1.4826 * deviations[Math.floor(deviations.length / 2)];
  return {
    delaySec: peakAt / rateHz,
    peakScore: spread > 0 ? (peak - median) / spread : null,
    peakHeight: peak - median,
    blocks: used,
  };
}
