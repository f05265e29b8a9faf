/**
 * Sample-level statistics, streaming: peak, RMS, DC offset, crest factor, noise floor,
 * digital silence, non-finite samples, clipping and flat tops — per channel and overall.
 *
 * Definitions follow SoX `stats` (src/stats.c) so the numbers can be checked against it:
 *   - samples are taken as floats in [−1, 1) exactly as SoX sees integer PCM (16-bit x/32768,
 *     24-bit x/8388608); decoders must scale integer PCM by 2^(bits−1) for the figures to match.
 *   - peakDbfs = 20·log10(max(|min|, |max|)); rmsDbfs = 10·log10(Σx²/n); dcOffset = Σx/n;
 *     crestFactor = peak/RMS (linear, SoX "Crest factor").
 *   - Overall peak and RMS pool every channel's samples. Overall DC offset is, as in SoX and
 *     ffmpeg astats, the per-channel DC offset of largest magnitude (a pooled mean would let
 *     +0.1 on the left cancel −0.1 on the right). Overall crest factor = overall peak / RMS.
 *   - peakCount (SoX "Pk count") = samples equal to the channel's min plus samples equal to its
 *     max; SoX's overall figure is the mean over channels.
 * Noise floor (ffmpeg astats style): the smallest, over all 50 ms windows, of the window's max |x|;
 * overall = the largest channel floor, as in astats. Windows are 50 sub-blocks of round(f/1000)
 * samples (50 ms; 49.9 ms at 44.1 kHz) and start every sub-block (hop 1 ms), counted from the
 * first sample; only whole windows count, and a file shorter than one window uses its max |x|.
 * ffmpeg 5.1 `astats` (default length 0.05) slides a 50 ms window by one sample and quantises
 * |x| to 1/8191 (below −78 dBFS it reads −78.3 or −inf); on the LibriVox fixtures the two agree
 * within 0.15 dB. The 1 ms hop can only read a little higher than a 1-sample hop, and costs one
 * integer max per sample instead of a sliding-window update.
 * NaN and ±Infinity count as 0 in every figure (including digital silence) and are counted.
 * Sums are float64, accumulated in fixed 65,536-sample blocks (by sample position, so the result
 * is bit-identical for any chunking) and the block sums are added with Neumaier compensation.
 */
import type { Accumulator } from '../types';
import type { ChannelSummary, ClippingSummary } from '../summary/types';
import { CLIP_LEVEL, CLIP_RUN_MIN, TopLevels, combineFlatTops, mergeTopLevels, type FlatTopResult, type TopLevelsPartial } from './clipping';

/** Noise-floor windows: 50 sub-blocks of round(f/1000) samples (50 ms; 49.9 ms at 44.1 kHz), hop 1 sub-block. */
export const NOISE_FLOOR_SUBBLOCKS = 50;
/** Samples per fixed sum block: segments that start on a multiple of it form the same block sums. */
export const SUM_BLOCK = 65536;

/** Everything measured on one channel; `ChannelSummary` is a subset (see `channels`). */
export interface ChannelDetail extends ChannelSummary {
  sampleCount: number;
  zeroSamples: number;
  nonFiniteSamples: number;
  /** Runs of ≥ 3 consecutive samples with |x| ≥ 0.999. */
  clippedRuns: number;
  /** SoX "Pk count": samples equal to the channel's minimum plus samples equal to its maximum. */
  peakCount: number;
  /** Smallest and largest sample (0 for an empty channel). */
  minSample: number;
  maxSample: number;
  flatTop: FlatTopResult;
}

export interface OverallLevels {
  /** Samples over all channels. */
  sampleCount: number;
  peakDbfs: number | null;
  rmsDbfs: number | null;
  /** The channel DC offset of largest magnitude (SoX/ffmpeg "Overall"). */
  dcOffset: number;
  crestFactor: number | null;
  /** Largest channel noise floor. */
  noiseFloorDbfs: number | null;
  zeroSamples: number;
  digitalSilenceRatio: number;
  nonFiniteSamples: number;
  /** SoX's overall "Pk count": the mean of the channels' peak counts. */
  peakCount: number;
}

export interface SampleStats {
  sampleRateHz: number;
  channelCount: number;
  /** Samples per channel. */
  frameCount: number;
  noiseFloorWindowSec: number;
  overall: OverallLevels;
  /** Exactly the summary's per-channel shape. */
  channels: ChannelSummary[];
  channelDetails: ChannelDetail[];
  /** Exactly the summary's clipping shape. */
  clipping: ClippingSummary;
}

// Float32 bit patterns (see ChannelState.scan).
const scratchF = new Float32Array(1);
const scratchI = new Int32Array(scratchF.buffer);
const bitsToFloat = (bits: number): number => {
  scratchI[0] = bits;
  return scratchF[0];
};
const floatBits = (v: number): number => {
  scratchF[0] = v;
  return scratchI[0];
};
/** Bits of the smallest float32 ≥ CLIP_LEVEL. */
const CLIP_BITS = Math.fround(CLIP_LEVEL) >= CLIP_LEVEL ? floatBits(CLIP_LEVEL) : floatBits(CLIP_LEVEL) + 1;
/** Signed order key of a float32 (as in ChannelState.scan); ±Infinity map beyond every finite value. */
const orderKey = (v: number): number => {
  const b = floatBits(v);
  return b ^ ((b >> 31) & 0x7fffffff);
};
/** A flat-top threshold (a float32 value, or the initial Number.MIN_VALUE) as |x| bits. */
const thresholdBits = (t: number): number => (t === Number.MIN_VALUE ? 1 : floatBits(t));

const linToDb = (x: number): number | null => (x > 0 ? 20 * Math.log10(x) : null);
const powToDb = (p: number): number | null => (p > 0 ? 10 * Math.log10(p) : null);

class ChannelState {
  count = 0;
  // Running sums of the current fixed block, and the compensated totals.
  blockSum = 0;
  blockSumSq = 0;
  sum = 0;
  sumComp = 0;
  sumSq = 0;
  sumSqComp = 0;
  zeros = 0;
  nonFinite = 0;
  min = Infinity;
  max = -Infinity;
  minCount = 0;
  maxCount = 0;
  clipped = 0;
  clipRun = 0;
  clipRuns = 0;
  lastClipPos = -2;
  /** Clipped samples from position 0 on (for exact segment merges). */
  headClip = 0;
  /** The first NOISE_FLOOR_SUBBLOCKS − 1 and the last NOISE_FLOOR_SUBBLOCKS − 1 sub-block maxima. */
  readonly firstSubs: number[] = [];
  readonly lastSubs = new Float64Array(NOISE_FLOOR_SUBBLOCKS - 1); // ring, slot = index mod length
  // Noise floor: max |x| of the current 1 ms sub-block (as float32 bits), and a monotonic deque
  // (ring of 64) of the last NOISE_FLOOR_SUBBLOCKS sub-block maxima, for each 50 ms window's max.
  subFill = 0;
  subMaxBits = 0;
  subIndex = 0;
  allMax = 0;
  floor = Infinity;
  private readonly dqValue = new Float64Array(64);
  private readonly dqIndex = new Float64Array(64);
  private dqHead = 0;
  private dqTail = 0;
  readonly pos = new TopLevels();
  readonly neg = new TopLevels();
  private cachedPosThr = NaN;
  private cachedNegThr = NaN;
  private cachedRareBits = 0;

  constructor(readonly subLen: number) {}

  addBlock(): void {
    // Neumaier summation of the block sums.
    let t = this.sum + this.blockSum;
    this.sumComp += Math.abs(this.sum) >= Math.abs(this.blockSum) ? this.sum - t + this.blockSum : this.blockSum - t + this.sum;
    this.sum = t;
    t = this.sumSq + this.blockSumSq;
    this.sumSqComp += this.sumSq >= this.blockSumSq ? this.sumSq - t + this.blockSumSq : this.blockSumSq - t + this.sumSq;
    this.sumSq = t;
    this.blockSum = 0;
    this.blockSumSq = 0;
  }

  /** A 1 ms sub-block is complete: slide the 50 ms window by one sub-block. */
  closeSub(maxBits: number): void {
    const m = bitsToFloat(maxBits);
    const k = this.subIndex++;
    if (m > this.allMax) this.allMax = m;
    if (k < NOISE_FLOOR_SUBBLOCKS - 1) this.firstSubs.push(m);
    this.lastSubs[k % (NOISE_FLOOR_SUBBLOCKS - 1)] = m;
    const v = this.dqValue;
    const idx = this.dqIndex;
    while (this.dqTail > this.dqHead && v[(this.dqTail - 1) & 63] <= m) this.dqTail--;
    v[this.dqTail & 63] = m;
    idx[this.dqTail & 63] = k;
    this.dqTail++;
    while (idx[this.dqHead & 63] <= k - NOISE_FLOOR_SUBBLOCKS) this.dqHead++;
    if (k >= NOISE_FLOOR_SUBBLOCKS - 1) {
      const windowMax = v[this.dqHead & 63];
      if (windowMax < this.floor) this.floor = windowMax;
    }
  }

  /**
   * Process x[from, to), all inside one sum block. Several short passes over the (cache-hot)
   * segment run faster in V8 than one loop doing everything: each stays small enough to keep its
   * state in registers, and the rare calls (flat-top bookkeeping, window updates) stay out of the
   * hot loops. Branches are rare or predictable; |x| is taken without a sign branch.
   */
  run(x: Float32Array, from: number, to: number): void {
    let bs = this.blockSum;
    let bss = this.blockSumSq;
    let zeros = this.zeros;
    let nonFinite = 0;
    for (let i = from; i < to; i++) {
      const v = x[i];
      // NaN − NaN and ∞ − ∞ are NaN: one test catches every non-finite value.
      if (v - v !== 0) nonFinite++;
      else {
        bs += v;
        bss += v * v;
        if (v === 0) zeros++;
      }
    }
    this.blockSum = bs;
    this.blockSumSq = bss;
    this.zeros = zeros;
    if (nonFinite > 0) {
      // Rare: continue on a copy with non-finite samples set to 0 (they count as 0 everywhere).
      this.nonFinite += nonFinite;
      const clean = new Float32Array(to - from);
      for (let i = from; i < to; i++) {
        const v = x[i];
        clean[i - from] = v - v === 0 ? v : 0;
      }
      this.zeros += nonFinite;
      this.rest(clean, 0, to - from);
      return;
    }
    this.rest(x, from, to);
  }

  private rest(x: Float32Array, from: number, to: number): void {
    this.scan(x, new Int32Array(x.buffer, x.byteOffset, x.length), from, to, this.count - from);
    this.count += to - from;
  }

  /**
   * Everything but the sums, on the float32 bit patterns (xi = x's bits, no NaN/∞ here):
   *   - |x| as `b & 0x7fffffff`, which orders exactly like |x|;
   *   - a signed order key `b ^ ((b >> 31) & 0x7fffffff)`, which orders like x (−0 just below +0).
   * Integer max/min compile without data-dependent branches, so the hot loop only takes, per
   * 1 ms piece, the max |x| and the min/max key. A piece is scanned again, sample by sample,
   * only when it can matter: when it reaches the running min or max (SoX peak counts), or holds
   * a sample large enough to be clipped or among the top values tracked for flat tops.
   */
  private scan(x: Float32Array, xi: Int32Array, from: number, to: number, base: number): void {
    const subLen = this.subLen;
    let subFill = this.subFill;
    let subMax = this.subMaxBits;
    let rareBits = this.rareBits();
    let maxKey = this.max === 0 ? -1 : orderKey(this.max);
    let minKey = this.min === 0 ? 0 : orderKey(this.min);
    let i = from;
    while (i < to) {
      const start = i;
      const end = Math.min(to, i + subLen - subFill);
      let am = 0;
      let hi = -2147483648;
      let lo = 2147483647;
      for (; i < end; i++) {
        const b = xi[i];
        am = Math.max(am, b & 0x7fffffff);
        const key = b ^ ((b >> 31) & 0x7fffffff);
        hi = Math.max(hi, key);
        lo = Math.min(lo, key);
      }
      if (hi >= maxKey || lo <= minKey) {
        this.minMax(x, start, end);
        maxKey = this.max === 0 ? -1 : orderKey(this.max);
        minKey = this.min === 0 ? 0 : orderKey(this.min);
      }
      if (am >= rareBits) {
        for (let j = start; j < end; j++) {
          const b = xi[j] & 0x7fffffff;
          if (b >= rareBits) {
            this.rare(x[j], b, base + j);
            rareBits = this.rareBits();
          }
        }
      }
      subMax = Math.max(subMax, am);
      subFill += end - start;
      if (subFill === subLen) {
        this.closeSub(subMax);
        subFill = 0;
        subMax = 0;
      }
    }
    this.subFill = subFill;
    this.subMaxBits = subMax;
  }

  /** Running min/max and how many samples equal them (SoX "Pk count"), over x[from, to). */
  private minMax(x: Float32Array, from: number, to: number): void {
    let min = this.min;
    let max = this.max;
    let minCount = this.minCount;
    let maxCount = this.maxCount;
    for (let i = from; i < to; i++) {
      const v = x[i];
      if (v >= max) {
        if (v > max) {
          max = v;
          maxCount = 1;
        } else maxCount++;
      }
      if (v <= min) {
        if (v < min) {
          min = v;
          minCount = 1;
        } else minCount++;
      }
    }
    this.min = min;
    this.max = max;
    this.minCount = minCount;
    this.maxCount = maxCount;
  }

  /** The smallest |x| bit pattern that needs `rare`. */
  private rareBits(): number {
    const p = this.pos.threshold;
    const n = this.neg.threshold;
    if (p !== this.cachedPosThr || n !== this.cachedNegThr) {
      this.cachedPosThr = p;
      this.cachedNegThr = n;
      this.cachedRareBits = Math.min(CLIP_BITS, thresholdBits(p), thresholdBits(n));
    }
    return this.cachedRareBits;
  }

  private rare(v: number, bits: number, pos: number): void {
    if (bits >= CLIP_BITS) {
      this.clipped++;
      this.clipRun = pos === this.lastClipPos + 1 ? this.clipRun + 1 : 1;
      if (pos === this.headClip) this.headClip++;
      if (this.clipRun === CLIP_RUN_MIN) this.clipRuns++;
      this.lastClipPos = pos;
    }
    if (v >= this.pos.threshold) this.pos.observe(v, pos);
    else if (-v >= this.neg.threshold) this.neg.observe(-v, pos);
  }

  push(x: Float32Array): void {
    let i = 0;
    const n = x.length;
    while (i < n) {
      const room = SUM_BLOCK - (this.count % SUM_BLOCK);
      const end = Math.min(n, i + room);
      this.run(x, i, end);
      i = end;
      if (this.count % SUM_BLOCK === 0) this.addBlock();
    }
  }

  totals(): { sum: number; sumSq: number } {
    return {
      sum: this.sum + this.sumComp + this.blockSum,
      sumSq: this.sumSq + this.sumSqComp + this.blockSumSq,
    };
  }

  /** Noise floor as linear max |x|; null for an empty channel. */
  noiseFloor(): number | null {
    if (this.count === 0) return null;
    if (this.floor !== Infinity) return this.floor;
    return Math.max(this.allMax, bitsToFloat(this.subMaxBits)); // shorter than one window: its max |x|
  }
}

/** One channel's running state as plain data (see `SampleStatsPartial`). */
export interface ChannelStatsPartial {
  count: number;
  sum: number;
  sumComp: number;
  sumSq: number;
  sumSqComp: number;
  /** Sums of the unfinished fixed block (0 unless the stretch ends off the block grid). */
  blockSum: number;
  blockSumSq: number;
  zeros: number;
  nonFinite: number;
  min: number;
  max: number;
  minCount: number;
  maxCount: number;
  clipped: number;
  clipRuns: number;
  /** Clipped samples at the start and at the end of the stretch (runs across a seam). */
  headClip: number;
  tailClip: number;
  /** Smallest 50 ms window max inside the stretch (Infinity: none), largest sub-block max. */
  floor: number;
  allMax: number;
  subIndex: number;
  /** The unfinished last sub-block (fill 0 unless the stretch ends off the 1 ms grid). */
  subFill: number;
  subMax: number;
  /** The first and the last (up to) 49 sub-block maxima, for the windows across a seam. */
  firstSubs: number[];
  lastSubs: number[];
  pos: TopLevelsPartial;
  neg: TopLevelsPartial;
}

/**
 * Sample statistics of a stretch of a file as plain data: consecutive stretches merge exactly
 * (`mergeSampleStats`) when each but the last ends on the 1 ms sub-block grid, so a file cut into
 * segments reads as one pass does, apart from the rounding of the compensated sums (none when
 * the cuts are on the SUM_BLOCK grid too).
 */
export interface SampleStatsPartial {
  sampleRateHz: number;
  channelCount: number;
  channels: ChannelStatsPartial[];
}

function channelPartial(s: ChannelState): ChannelStatsPartial {
  const L = NOISE_FLOOR_SUBBLOCKS - 1;
  const lastSubs: number[] = [];
  for (let k = Math.max(0, s.subIndex - L); k < s.subIndex; k++) lastSubs.push(s.lastSubs[k % L]);
  return {
    count: s.count,
    sum: s.sum,
    sumComp: s.sumComp,
    sumSq: s.sumSq,
    sumSqComp: s.sumSqComp,
    blockSum: s.blockSum,
    blockSumSq: s.blockSumSq,
    zeros: s.zeros,
    nonFinite: s.nonFinite,
    min: s.min,
    max: s.max,
    minCount: s.minCount,
    maxCount: s.maxCount,
    clipped: s.clipped,
    clipRuns: s.clipRuns,
    headClip: s.headClip,
    tailClip: s.lastClipPos === s.count - 1 ? s.clipRun : 0,
    floor: s.floor,
    allMax: s.allMax,
    subIndex: s.subIndex,
    subFill: s.subFill,
    subMax: bitsToFloat(s.subMaxBits),
    firstSubs: s.firstSubs.slice(),
    lastSubs,
    pos: s.pos.toPartial(s.count),
    neg: s.neg.toPartial(s.count),
  };
}

/** Neumaier addition of (sum, comp) pairs. */
function addCompensated(sum: number, comp: number, v: number): [number, number] {
  const t = sum + v;
  return [t, comp + (Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum)];
}

function mergeChannel(a: ChannelStatsPartial, b: ChannelStatsPartial): ChannelStatsPartial {
  if (a.count === 0) return b;
  if (b.count === 0) return a;
  if (a.subFill !== 0) throw new RangeError('sample statistics merge only on the 1 ms sub-block grid');
  // a's unfinished fixed block joins its totals: off the SUM_BLOCK grid the sums differ from one
  // pass by rounding only.
  let [sum, sumComp] = addCompensated(a.sum, a.sumComp, a.blockSum);
  let [sumSq, sumSqComp] = addCompensated(a.sumSq, a.sumSqComp, a.blockSumSq);
  [sum, sumComp] = addCompensated(sum, sumComp, b.sum);
  sumComp += b.sumComp;
  [sumSq, sumSqComp] = addCompensated(sumSq, sumSqComp, b.sumSq);
  sumSqComp += b.sumSqComp;
  // Min/max and how many samples equal them (the first-seen value is kept on a ±0 tie, as one pass does).
  const min = b.min < a.min ? b.min : a.min;
  const max = b.max > a.max ? b.max : a.max;
  const minCount = (a.min === min ? a.minCount : 0) + (b.min === min ? b.minCount : 0);
  const maxCount = (a.max === max ? a.maxCount : 0) + (b.max === max ? b.maxCount : 0);
  // A clip run across the seam counts once, when the joined run reaches CLIP_RUN_MIN.
  const atLeast = (n: number): number => (n >= CLIP_RUN_MIN ? 1 : 0);
  let clipRuns = a.clipRuns + b.clipRuns;
  if (a.tailClip > 0 && b.headClip > 0) clipRuns += atLeast(a.tailClip + b.headClip) - atLeast(a.tailClip) - atLeast(b.headClip);
  // Noise-floor windows across the seam: j + 1 sub-blocks of b after 49 − j of a.
  const L = NOISE_FLOOR_SUBBLOCKS - 1;
  let floor = Math.min(a.floor, b.floor);
  for (let j = 0; j < Math.min(L, b.subIndex); j++) {
    const fromA = L - j;
    if (a.lastSubs.length < fromA) continue; // the window would start before the file
    let m = 0;
    for (let q = a.lastSubs.length - fromA; q < a.lastSubs.length; q++) m = Math.max(m, a.lastSubs[q]);
    for (let q = 0; q <= j; q++) m = Math.max(m, b.firstSubs[q]);
    if (m < floor) floor = m;
  }
  return {
    count: a.count + b.count,
    sum,
    sumComp,
    sumSq,
    sumSqComp,
    blockSum: b.blockSum,
    blockSumSq: b.blockSumSq,
    zeros: a.zeros + b.zeros,
    nonFinite: a.nonFinite + b.nonFinite,
    min,
    max,
    minCount,
    maxCount,
    clipped: a.clipped + b.clipped,
    clipRuns,
    headClip: a.headClip === a.count ? a.count + b.headClip : a.headClip,
    tailClip: b.tailClip === b.count ? a.tailClip + b.count : b.tailClip,
    floor,
    allMax: Math.max(a.allMax, b.allMax),
    subIndex: a.subIndex + b.subIndex,
    subFill: b.subFill,
    subMax: b.subMax,
    firstSubs: a.firstSubs.concat(b.firstSubs).slice(0, L),
    lastSubs: a.lastSubs.concat(b.lastSubs).slice(-L),
    pos: mergeTopLevels(a.pos, b.pos),
    neg: mergeTopLevels(a.neg, b.neg),
  };
}

/** The statistics of stretch `a` followed by stretch `b` (see SampleStatsPartial). */
export function mergeSampleStats(a: SampleStatsPartial, b: SampleStatsPartial): SampleStatsPartial {
  return { ...a, channels: a.channels.map((c, i) => mergeChannel(c, b.channels[i])) };
}

export interface SampleStatsAccumulator extends Accumulator<SampleStats> {
  partial(): SampleStatsPartial;
}

export function createSampleStats(sampleRateHz: number, channelCount: number): SampleStatsAccumulator {
  const subLen = Math.max(1, Math.round(sampleRateHz / 1000));
  const states = Array.from({ length: channelCount }, () => new ChannelState(subLen));
  const partial = (): SampleStatsPartial => ({ sampleRateHz, channelCount, channels: states.map(channelPartial) });
  return {
    push(channels) {
      for (let c = 0; c < channelCount; c++) states[c].push(channels[c]);
    },
    partial,
    finish() {
      return finishSampleStats(partial());
    },
  };
}

export function finishSampleStats(partial: SampleStatsPartial): SampleStats {
  const { sampleRateHz, channelCount } = partial;
  const subLen = Math.max(1, Math.round(sampleRateHz / 1000));
  const states = partial.channels.map((p) => ({
    count: p.count,
    min: p.min,
    max: p.max,
    zeros: p.zeros,
    nonFinite: p.nonFinite,
    clipped: p.clipped,
    clipRuns: p.clipRuns,
    minCount: p.minCount,
    maxCount: p.maxCount,
    totals: () => ({ sum: p.sum + p.sumComp + p.blockSum, sumSq: p.sumSq + p.sumSqComp + p.blockSumSq }),
    // Noise floor as linear max |x|; null for an empty channel; a file shorter than one window: its max |x|.
    noiseFloor: (): number | null => (p.count === 0 ? null : p.floor !== Infinity ? p.floor : Math.max(p.allMax, p.subMax)),
    pos: TopLevels.fromPartial(p.pos),
    neg: TopLevels.fromPartial(p.neg),
  }));
  const details: ChannelDetail[] = states.map((s) => {
    const n = s.count;
    const { sum, sumSq } = s.totals();
    const peak = n > 0 ? Math.max(-s.min, s.max) : 0;
    const meanSq = n > 0 ? sumSq / n : 0;
    const rms = Math.sqrt(meanSq);
    const floor = s.noiseFloor();
    return {
      peakDbfs: linToDb(peak),
      rmsDbfs: powToDb(meanSq),
      dcOffset: n > 0 ? sum / n : 0,
      crestFactor: rms > 0 ? peak / rms : null,
      noiseFloorDbfs: floor === null ? null : linToDb(floor),
      clippingRatio: n > 0 ? s.clipped / n : 0,
      clippedSamples: s.clipped,
      digitalSilenceRatio: n > 0 ? s.zeros / n : 0,
      sampleCount: n,
      zeroSamples: s.zeros,
      nonFiniteSamples: s.nonFinite,
      clippedRuns: s.clipRuns,
      peakCount: n > 0 ? s.minCount + s.maxCount : 0,
      minSample: n > 0 ? s.min : 0,
      maxSample: n > 0 ? s.max : 0,
      flatTop: combineFlatTops(s.pos.flatTop(), s.neg.flatTop()),
    };
  });

  let total = 0;
  let sumSq = 0;
  let peak = 0;
  let dc = 0;
  let zeros = 0;
  let nonFinite = 0;
  let clipped = 0;
  let clipRuns = 0;
  let peakCount = 0;
  let floor: number | null = null;
  for (let c = 0; c < channelCount; c++) {
    const s = states[c];
    const d = details[c];
    total += s.count;
    sumSq += s.totals().sumSq;
    if (s.count > 0) peak = Math.max(peak, -s.min, s.max);
    if (Math.abs(d.dcOffset) > Math.abs(dc)) dc = d.dcOffset;
    zeros += s.zeros;
    nonFinite += s.nonFinite;
    clipped += s.clipped;
    clipRuns += s.clipRuns;
    peakCount += d.peakCount;
    const f = s.noiseFloor();
    if (f !== null && (floor === null || f > floor)) floor = f;
  }
  const meanSq = total > 0 ? sumSq / total : 0;
  const rms = Math.sqrt(meanSq);

  const detected = details.filter((d) => d.flatTop.detected);
  let flatLevel = 0;
  for (const d of detected) flatLevel = Math.max(flatLevel, d.flatTop.level ?? 0);

  return {
    sampleRateHz,
    channelCount,
    frameCount: states[0]?.count ?? 0,
    noiseFloorWindowSec: (NOISE_FLOOR_SUBBLOCKS * subLen) / sampleRateHz,
    overall: {
      sampleCount: total,
      peakDbfs: linToDb(peak),
      rmsDbfs: powToDb(meanSq),
      dcOffset: dc,
      crestFactor: rms > 0 ? peak / rms : null,
      noiseFloorDbfs: floor === null ? null : linToDb(floor),
      zeroSamples: zeros,
      digitalSilenceRatio: total > 0 ? zeros / total : 0,
      nonFiniteSamples: nonFinite,
      peakCount: channelCount > 0 ? peakCount / channelCount : 0,
    },
    channels: details.map((d) => ({
      peakDbfs: d.peakDbfs,
      rmsDbfs: d.rmsDbfs,
      dcOffset: d.dcOffset,
      crestFactor: d.crestFactor,
      noiseFloorDbfs: d.noiseFloorDbfs,
      clippingRatio: d.clippingRatio,
      clippedSamples: d.clippedSamples,
      digitalSilenceRatio: d.digitalSilenceRatio,
    })),
    channelDetails: details,
    clipping: {
      ratio: total > 0 ? clipped / total : 0,
      clippedSamples: clipped,
      runs: clipRuns,
      flatTop: {
        detected: detected.length > 0,
        levelDbfs: detected.length > 0 ? linToDb(flatLevel) : null,
        samples: detected.reduce((s, d) => s + d.flatTop.samples, 0),
        runs: detected.reduce((s, d) => s + d.flatTop.runs, 0),
      },
    },
  };
}
