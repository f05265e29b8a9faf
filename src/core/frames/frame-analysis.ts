/**
 * One streaming pass over planar PCM that fills the frame table (see types.ts): time-domain
 * per-hop channel powers (around the local DC) and channel-pair sums, one Hann-windowed FFT per 10 ms hop of the
 * analysis signal for sub-band powers, and level-bucketed long-term spectra for bandwidth.
 *
 * Chunk invariance: every sum runs in sample order in a single accumulator, and every FFT sees the
 * same window of samples, so results are bit-identical however the audio was cut into chunks.
 */
import type { Accumulator } from '../types';
import { createPowerSpectrum, isPowerOfTwo } from '../dsp/fft';
import { hannWindow, nextPowerOfTwo } from '../dsp/window';
import { DEFAULT_FRAME_SETTINGS, type FrameAnalysisSettings, type FrameTable, type SpectrumBucket } from './types';

/**
 * The frame columns of a stretch of a file before the DC is taken out (that needs ±0.5 s around
 * each hop, so it runs once on the whole table): consecutive stretches merge by concatenation.
 */
export interface FrameTablePartial {
  sampleRateHz: number;
  channelCount: number;
  hopSamples: number;
  fftSize: number;
  frameCount: number;
  sampleCount: number;
  lastFrameSamples: number;
  /** Raw mean squares and means per hop, per channel and for the downmix. */
  channelPower: Float32Array[];
  channelMean: Float32Array[];
  downmixPower: Float32Array;
  downmixMean: Float32Array;
  digitalSilence: Uint8Array;
  pair: { sumXY: Float32Array; sumX: Float32Array; sumY: Float32Array } | null;
  bandEdgesHz: number[];
  bandPower: Float32Array[];
  binHz: number;
  binCount: number;
  buckets: Array<{ key: number; frames: number; powerSum: Float64Array }>;
}

/**
 * A stretch [start, end) of a file (absolute sample positions, multiples of the hop; end null =
 * to the end of the audio), pushed from `firstPushed` ≤ start. Samples before `start` and after
 * `end` only fill the windows of the stretch's first and last frames.
 */
export interface FrameSegment {
  start: number;
  end: number | null;
  firstPushed: number;
}

const concat32 = (parts: Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export function mergeFrameTables(a: FrameTablePartial, b: FrameTablePartial): FrameTablePartial {
  if (a.frameCount === 0) return b;
  if (b.frameCount === 0) return a;
  if (a.lastFrameSamples !== a.hopSamples) throw new RangeError('frame tables merge only on the hop grid');
  const buckets = new Map<number, { key: number; frames: number; powerSum: Float64Array }>();
  for (const bk of a.buckets.concat(b.buckets)) {
    const e = buckets.get(bk.key);
    if (!e) buckets.set(bk.key, { key: bk.key, frames: bk.frames, powerSum: Float64Array.from(bk.powerSum) });
    else {
      e.frames += bk.frames;
      for (let k = 0; k < e.powerSum.length; k++) e.powerSum[k] += bk.powerSum[k];
    }
  }
  const u8 = new Uint8Array(a.frameCount + b.frameCount);
  u8.set(a.digitalSilence);
  u8.set(b.digitalSilence, a.frameCount);
  return {
    ...a,
    frameCount: a.frameCount + b.frameCount,
    sampleCount: a.sampleCount + b.sampleCount,
    lastFrameSamples: b.lastFrameSamples,
    channelPower: a.channelPower.map((c, i) => concat32([c, b.channelPower[i]])),
    channelMean: a.channelMean.map((c, i) => concat32([c, b.channelMean[i]])),
    downmixPower: concat32([a.downmixPower, b.downmixPower]),
    downmixMean: concat32([a.downmixMean, b.downmixMean]),
    digitalSilence: u8,
    pair:
      a.pair && b.pair
        ? { sumXY: concat32([a.pair.sumXY, b.pair.sumXY]), sumX: concat32([a.pair.sumX, b.pair.sumX]), sumY: concat32([a.pair.sumY, b.pair.sumY]) }
        : null,
    bandPower: a.bandPower.map((c, i) => concat32([c, b.bandPower[i]])),
    buckets: [...buckets.values()],
  };
}

/** The frame table of a whole file from its (merged) partial: the DC comes out here. */
export function finishFrameTable(p: FrameTablePartial): FrameTable {
  const { frameCount, hopSamples: hop, sampleRateHz, lastFrameSamples } = p;
  const len = (i: number): number => (i === frameCount - 1 ? lastFrameSamples : hop);
  /**
   * Take the DC out of each hop's mean square: with D the local DC (the mean over ±0.5 s of
   * hops) and μ the hop's own mean, the hop's power around D is ms − 2·μ·D + D². A DC bias is
   * neither speech nor noise; left in, 0.05 FS of DC reads as a −26 dBFS noise floor. A 1 s
   * average follows a DC that changes (a splice, a pad of digital zeros) and leaves everything
   * above ~1 Hz in the power; per-hop means alone would also remove real noise below ~30 Hz.
   */
  const withoutDc = (power: Float32Array, mu: Float32Array): Float32Array => {
    const out = power.slice(0, frameCount);
    const prefix = new Float64Array(frameCount + 1);
    const prefixLen = new Float64Array(frameCount + 1);
    for (let i = 0; i < frameCount; i++) {
      prefix[i + 1] = prefix[i] + mu[i] * len(i);
      prefixLen[i + 1] = prefixLen[i] + len(i);
    }
    const radius = Math.max(1, Math.round(DC_RADIUS_SEC / (hop / sampleRateHz)));
    for (let i = 0; i < frameCount; i++) {
      // An all-zero hop stays exactly 0: digital silence is what it is, whatever the DC around it.
      if (out[i] === 0) continue;
      const a = Math.max(0, i - radius);
      const b = Math.min(frameCount, i + radius + 1);
      const dc = (prefix[b] - prefix[a]) / (prefixLen[b] - prefixLen[a]);
      out[i] = Math.max(0, out[i] - 2 * mu[i] * dc + dc * dc);
    }
    return out;
  };
  const buckets = new Map<number, SpectrumBucket>();
  for (const b of p.buckets) buckets.set(b.key, { frames: b.frames, powerSum: b.powerSum });
  return {
    sampleRateHz,
    channelCount: p.channelCount,
    hopSamples: hop,
    hopSec: hop / sampleRateHz,
    fftSize: p.fftSize,
    frameCount,
    sampleCount: p.sampleCount,
    lastFrameSamples: frameCount > 0 ? lastFrameSamples : 0,
    channelPower: p.channelPower.map((col, c) => withoutDc(col, p.channelMean[c])),
    downmixPower: withoutDc(p.downmixPower, p.downmixMean),
    digitalSilence: p.digitalSilence.slice(0, frameCount),
    pair: p.pair,
    bandEdgesHz: p.bandEdgesHz,
    bandPower: p.bandPower,
    spectrum: { binHz: p.binHz, binCount: p.binCount, buckets },
  };
}

export interface FrameAnalysis extends Accumulator<FrameTable> {
  partial(): FrameTablePartial;
  /** True while the stretch's last frames still wait for samples past its end. */
  needsMore(): boolean;
}

/** Half-width of the moving average that estimates the DC taken out of the hop powers, s. */
const DC_RADIUS_SEC = 0.5;

/** Growable Float32 column. */
class Column {
  data: Float32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  set(i: number, v: number): void {
    while (i >= this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
  toArray(n: number): Float32Array {
    return this.data.slice(0, n);
  }
}

/** Band edges kept below Nyquist, closed at Nyquist when the next configured edge lies beyond it. */
export function effectiveBandEdges(edgesHz: readonly number[], sampleRateHz: number): number[] {
  const nyquist = sampleRateHz / 2;
  const kept = edgesHz.filter((e) => e < nyquist);
  const next = edgesHz.find((e) => e >= nyquist);
  if (next !== undefined) kept.push(Math.min(next, nyquist));
  return kept.length >= 2 ? kept : [];
}

/**
 * FFT/window length for a hop: two hops rounded up to a power of two (32 ms at 8 and 16 kHz,
 * 23 ms at 22.05 kHz), but no more than 512 samples unless a hop needs more, which keeps the
 * FFT cost per hop flat at high rates (512 = 10.7 ms at 48 kHz, still a full hop).
 */
export function defaultFftSize(hop: number): number {
  const twoHops = nextPowerOfTwo(2 * hop);
  return Math.max(8, twoHops <= 512 ? twoHops : nextPowerOfTwo(hop));
}

export function hopSamplesFor(sampleRateHz: number, hopSec: number): number {
  return Math.max(1, Math.round(sampleRateHz * hopSec));
}

export function createFrameAnalysis(
  sampleRateHz: number,
  channelCount: number,
  settings: Partial<FrameAnalysisSettings> = {},
  segment: FrameSegment = { start: 0, end: null, firstPushed: 0 },
): FrameAnalysis {
  if (!(sampleRateHz > 0)) throw new RangeError(`sample rate must be positive, got ${sampleRateHz}`);
  if (!(channelCount >= 1)) throw new RangeError(`channel count must be ≥ 1, got ${channelCount}`);
  const cfg: FrameAnalysisSettings = { ...DEFAULT_FRAME_SETTINGS, ...settings };
  const hop = hopSamplesFor(sampleRateHz, cfg.hopSec);
  const fftSize = cfg.fftSize ?? defaultFftSize(hop);
  if (!isPowerOfTwo(fftSize) || fftSize < hop) throw new RangeError(`fftSize must be a power of two ≥ the hop (${hop})`);
  const half = fftSize / 2;
  if (segment.start % hop !== 0 || (segment.end !== null && segment.end % hop !== 0) || segment.firstPushed > segment.start) {
    throw new RangeError('a frame segment starts and ends on the hop grid, and is pushed from its start or before');
  }
  const segStart = segment.start;
  const segEnd = segment.end ?? Infinity;
  const frame0 = segStart / hop;
  const window = hannWindow(fftSize);
  let windowPower = 0;
  for (let n = 0; n < fftSize; n++) windowPower += window[n] * window[n];
  // |X_k|² · binScale = mean-square power in bin k (one-sided): white noise σ² sums to σ² over 0..N/2.
  const binScale = 2 / (fftSize * windowPower);
  const binHz = sampleRateHz / fftSize;
  const spectrum = createPowerSpectrum(fftSize);

  const edges = effectiveBandEdges(cfg.bandEdgesHz, sampleRateHz);
  const bandCount = Math.max(0, edges.length - 1);
  // Band b holds bins k with edges[b] ≤ k·binHz < edges[b+1] (the Nyquist bin joins the top band).
  const bandStartBin = new Int32Array(bandCount);
  const bandEndBin = new Int32Array(bandCount);
  for (let b = 0; b < bandCount; b++) {
    bandStartBin[b] = Math.ceil(edges[b] / binHz - 1e-9);
    const top = Math.ceil(edges[b + 1] / binHz - 1e-9);
    bandEndBin[b] = b === bandCount - 1 && edges[b + 1] >= sampleRateHz / 2 ? half + 1 : Math.min(top, half + 1);
  }

  const C = channelCount;
  const stereo = C === 2;
  const invC = 1 / C;

  // Per-frame columns.
  const chanPower = Array.from({ length: C }, () => new Column());
  const silenceCol = new Column();
  const downmixCol = new Column();
  const hasPair = C >= 2;
  const pairXY = hasPair ? new Column() : null;
  const pairX = hasPair ? new Column() : null;
  const pairY = hasPair ? new Column() : null;
  const bandCols = Array.from({ length: bandCount }, () => new Column());
  const buckets = new Map<number, SpectrumBucket>();

  // Running sums of the current hop.
  const ss = new Float64Array(C);
  const sLin = new Float64Array(C); // Σx per channel: the hop's mean, to take the file's DC out at the end
  let sDown = 0; // Σ of the downmix for C > 2
  const chanMean = Array.from({ length: C }, () => new Column());
  const downmixMean = new Column();
  let sxy = 0;
  let sx = 0;
  let sy = 0;
  let ssMid = 0;
  let ssDown = 0; // downmix sum of squares for C > 2
  let inHop = 0; // samples of the current hop seen so far
  let hopsDone = 0;

  // Ring buffers of the analysis signals (mid, and side for stereo), indexed by absolute sample.
  const ringSize = nextPowerOfTwo(fftSize + 2 * hop);
  const mask = ringSize - 1;
  const ringMid = new Float64Array(ringSize);
  const ringSide = stereo ? new Float64Array(ringSize) : null;
  let written = segment.firstPushed; // absolute position of the next sample pushed
  let fftDone = 0; // frames whose FFT has been taken
  const framePower = new Float64Array(half + 1);
  const offset = Math.floor(hop / 2) - half; // window start of frame i = i·hop + offset

  function closeHop(): void {
    if (stereo) {
      sLin[0] = sx;
      sLin[1] = sy;
    }
    for (let c = 0; c < C; c++) {
      chanPower[c].push(ss[c] / inHop);
      chanMean[c].push(sLin[c] / inHop);
    }
    downmixMean.push((C === 1 ? sLin[0] : stereo ? 0.5 * (sx + sy) : sDown) / inHop);
    // Σx² > 0 exactly when some sample is non-zero (a float32 sample squared never underflows a double).
    let nonZero = false;
    for (let c = 0; c < C; c++) if (ss[c] > 0) nonZero = true;
    silenceCol.push(nonZero ? 0 : 1);
    downmixCol.push((C === 1 ? ss[0] : stereo ? ssMid : ssDown) / inHop);
    if (pairXY && pairX && pairY) {
      pairXY.push(sxy);
      pairX.push(sx);
      pairY.push(sy);
    }
    ss.fill(0);
    sLin.fill(0);
    sxy = sx = sy = ssMid = ssDown = sDown = 0;
    inHop = 0;
    hopsDone++;
  }

  /** FFT of frame i; samples at or past `end` (absolute) read as 0. */
  function analyseFrame(i: number, end: number): void {
    const start = (frame0 + i) * hop + offset;
    // Valid absolute range [lo, hi) of the window; the rest is zero padding.
    const lo = Math.max(start, 0);
    const hi = Math.min(start + fftSize, end);
    let ring = ringMid;
    if (ringSide) {
      // Stereo: analyse whichever of mid and side carries more (windowed) energy in this window.
      let eMid = 0;
      let eSide = 0;
      for (let idx = lo; idx < hi; idx++) {
        const w = window[idx - start];
        const m = ringMid[idx & mask] * w;
        const d = ringSide[idx & mask] * w;
        eMid += m * m;
        eSide += d * d;
      }
      if (eSide > eMid) ring = ringSide;
    }
    const input = spectrum.input;
    // The frame's own mean (over the samples present) comes out first, as speech front ends do:
    // a DC offset would otherwise become a step at the file's edges, where the window is zero-padded,
    // and read as broadband energy (speech) in the first and last frames.
    let frameSum = 0;
    for (let idx = lo; idx < hi; idx++) frameSum += ring[idx & mask];
    const frameMean = hi > lo ? frameSum / (hi - lo) : 0;
    let energy = 0;
    for (let n = 0; n < lo - start; n++) input[n] = 0;
    let idx = lo;
    while (idx < hi) {
      // Copy in linear runs of the ring (at most two).
      const r0 = idx & mask;
      const run = Math.min(hi - idx, ringSize - r0);
      const n0 = idx - start;
      for (let q = 0; q < run; q++) {
        const v = ring[r0 + q];
        energy += v * v;
        input[n0 + q] = (v - frameMean) * window[n0 + q];
      }
      idx += run;
    }
    for (let n = Math.max(hi - start, 0); n < fftSize; n++) input[n] = 0;
    if (energy === 0) {
      for (let b = 0; b < bandCount; b++) bandCols[b].set(i, 0);
      return;
    }
    spectrum.power(input, framePower);
    let speechBand = 0;
    for (let b = 0; b < bandCount; b++) {
      let acc = 0;
      for (let k = bandStartBin[b]; k < bandEndBin[b]; k++) acc += framePower[k];
      acc *= binScale;
      bandCols[b].set(i, acc);
      if (edges[b + 1] <= 4000) speechBand += acc;
    }
    if (speechBand > 0) {
      const key = Math.floor(10 * Math.log10(speechBand));
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { frames: 0, powerSum: new Float64Array(half + 1) };
        buckets.set(key, bucket);
      }
      bucket.frames++;
      const sum = bucket.powerSum;
      for (let k = 0; k <= half; k++) sum[k] += framePower[k] * binScale;
    }
  }

  /** Take the FFT of every frame whose window is complete (its hop is then closed too). */
  function drainFrames(): void {
    while (fftDone < hopsDone && (frame0 + fftDone) * hop + offset + fftSize <= written) {
      analyseFrame(fftDone, written);
      fftDone++;
    }
  }

  /** Samples outside the stretch: the analysis signal goes into the ring, nothing is summed. */
  function toRing(channels: readonly Float32Array[], from: number, to: number): void {
    let w = written;
    for (let t = from; t < to; t++) {
      if (stereo) {
        let a = channels[0][t];
        let b = channels[1][t];
        if (a - a !== 0) a = 0;
        if (b - b !== 0) b = 0;
        ringMid[w & mask] = 0.5 * (a + b);
        (ringSide as Float64Array)[w & mask] = 0.5 * (a - b);
      } else if (C === 1) {
        const a = channels[0][t];
        ringMid[w & mask] = a - a === 0 ? a : 0;
      } else {
        let m = 0;
        for (let c = 0; c < C; c++) {
          const v = channels[c][t];
          if (v - v === 0) m += v;
        }
        ringMid[w & mask] = m * invC;
      }
      w++;
    }
    written = w;
  }

  let finished: FrameTablePartial | null = null;
  function partial(): FrameTablePartial {
    if (finished) return finished;
    if (inHop > 0) closeHop();
    const lastFrameSamples = hopsDone > 0 ? Math.min(hop, written - (frame0 + hopsDone - 1) * hop) : 0;
    while (fftDone < hopsDone) {
      analyseFrame(fftDone, written);
      fftDone++;
    }
    const n = hopsDone;
    finished = {
      sampleRateHz,
      channelCount: C,
      hopSamples: hop,
      fftSize,
      frameCount: n,
      sampleCount: n > 0 ? (n - 1) * hop + lastFrameSamples : 0,
      lastFrameSamples,
      channelPower: chanPower.map((col) => col.toArray(n)),
      channelMean: chanMean.map((col) => col.toArray(n)),
      downmixPower: downmixCol.toArray(n),
      downmixMean: downmixMean.toArray(n),
      digitalSilence: Uint8Array.from(silenceCol.toArray(n)),
      pair: pairXY && pairX && pairY ? { sumXY: pairXY.toArray(n), sumX: pairX.toArray(n), sumY: pairY.toArray(n) } : null,
      bandEdgesHz: edges,
      bandPower: bandCols.map((col) => col.toArray(n)),
      binHz,
      binCount: half + 1,
      buckets: [...buckets].map(([key, b]) => ({ key, frames: b.frames, powerSum: b.powerSum })),
    };
    return finished;
  }

  return {
    push(channels) {
      if (channels.length !== C) throw new RangeError(`expected ${C} channels, got ${channels.length}`);
      const len = channels[0].length;
      for (let c = 1; c < C; c++) {
        if (channels[c].length !== len) throw new RangeError('channels of one chunk differ in length');
      }
      let j = 0;
      // Before the stretch: only the ring (the first frames' windows reach back).
      if (written < segStart) {
        j = Math.min(len, segStart - written);
        toRing(channels, 0, j);
      }
      // Past the stretch: only the ring, and only as far as its last frames' windows reach.
      const own = Math.min(len, j + Math.max(0, segEnd - written));
      while (j < own) {
        const n = Math.min(hop - inHop, own - j);
        const end = j + n;
        if (stereo) {
          // One fused pass: channel powers, pair sums, downmix power and the mid/side rings.
          const x0 = channels[0];
          const x1 = channels[1];
          const side = ringSide as Float64Array;
          let s0 = ss[0], s1 = ss[1], axy = sxy, ax = sx, ay = sy, am = ssMid;
          let w = written;
          for (let t = j; t < end; t++) {
            let a = x0[t];
            let b = x1[t];
            if (a - a !== 0) a = 0;
            if (b - b !== 0) b = 0;
            s0 += a * a;
            s1 += b * b;
            axy += a * b;
            ax += a;
            ay += b;
            const m = 0.5 * (a + b);
            const d = 0.5 * (a - b);
            am += m * m;
            ringMid[w & mask] = m;
            side[w & mask] = d;
            w++;
          }
          ss[0] = s0; ss[1] = s1;
          sxy = axy; sx = ax; sy = ay; ssMid = am;
        } else if (C === 1) {
          const x0 = channels[0];
          let s0 = ss[0];
          let l0 = sLin[0];
          let w = written;
          for (let t = j; t < end; t++) {
            let a = x0[t];
            if (a - a !== 0) a = 0;
            s0 += a * a;
            l0 += a;
            ringMid[w & mask] = a;
            w++;
          }
          ss[0] = s0;
          sLin[0] = l0;
        } else {
          for (let c = 0; c < C; c++) {
            const x = channels[c];
            let acc = ss[c];
            let lin = sLin[c];
            for (let t = j; t < end; t++) {
              const v = x[t];
              if (v - v === 0) {
                acc += v * v;
                lin += v;
              }
            }
            ss[c] = acc;
            sLin[c] = lin;
          }
          const x0 = channels[0];
          const x1 = channels[1];
          let axy = sxy, ax = sx, ay = sy;
          for (let t = j; t < end; t++) {
            let a = x0[t];
            let b = x1[t];
            if (a - a !== 0) a = 0;
            if (b - b !== 0) b = 0;
            axy += a * b;
            ax += a;
            ay += b;
          }
          sxy = axy; sx = ax; sy = ay;
          let w = written;
          let ad = ssDown;
          let ld = sDown;
          for (let t = j; t < end; t++) {
            let m = 0;
            for (let c = 0; c < C; c++) {
              const v = channels[c][t];
              if (v - v === 0) m += v;
            }
            m *= invC;
            ad += m * m;
            ld += m;
            ringMid[w & mask] = m;
            w++;
          }
          ssDown = ad;
          sDown = ld;
        }
        written += n;
        inHop += n;
        j = end;
        if (inHop === hop) closeHop();
        drainFrames();
      }
      while (j < len && fftDone < hopsDone) {
        const need = (frame0 + fftDone) * hop + offset + fftSize - written;
        const n = Math.min(len - j, Math.max(1, need));
        toRing(channels, j, j + n);
        j += n;
        drainFrames();
      }
    },
    needsMore() {
      return written < segEnd || fftDone < hopsDone;
    },
    partial,
    finish() {
      return finishFrameTable(partial());
    },
  };
}
