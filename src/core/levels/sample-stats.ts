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
 * The per-sample pass runs in the analysis kernels (src/core/kernels/c/stats.c): per 1 ms piece
 * one integer max of |x|'s float bits and the min/max order keys (vectorised); a piece is looked
 * at sample by sample only when it reaches the running min or max (SoX peak counts) or holds a
 * sample large enough to be clipped or among the top values tracked for flat tops.
 */
import type { Accumulator } from '../types';
import type { ChannelSummary, ClippingSummary } from '../summary/types';
import { CLIP_LEVEL, CLIP_RUN_MIN, TopLevels, combineFlatTops, mergeTopLevels, type FlatTopResult, type TopLevelsPartial } from './clipping';
import { createStaging, kernels, owned, type KernelHeld } from '../kernels/runtime';

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

/** Bits of the smallest float32 ≥ CLIP_LEVEL: |x| ≥ CLIP_LEVEL exactly when (bits & 0x7fffffff) ≥ this. */
const CLIP_BITS = ((): number => {
  const f = new Float32Array([CLIP_LEVEL]);
  const i = new Int32Array(f.buffer);
  return f[0] >= CLIP_LEVEL ? i[0] : i[0] + 1;
})();

const bitsToFloat = (bits: number): number => new Float32Array(new Int32Array([bits]).buffer)[0];
const linToDb = (x: number): number | null => (x > 0 ? 20 * Math.log10(x) : null);
const powToDb = (p: number): number | null => (p > 0 ? 10 * Math.log10(p) : null);

/**
 * Where each field of a channel's state sits (in doubles) in kernel memory, from the kernel
 * itself (stats_layout in src/core/kernels/c/stats.c), in the order listed here.
 */
const FIELDS = [
  'size', 'count', 'blockSum', 'blockSumSq', 'sum', 'sumComp', 'sumSq', 'sumSqComp', 'zeros', 'nonFinite', 'min', 'max',
  'minCount', 'maxCount', 'clipped', 'clipRun', 'clipRuns', 'lastClipPos', 'headClip', 'subFill', 'subMaxBits', 'subIndex',
  'allMax', 'floor', 'firstSubsCount', 'firstSubs', 'lastSubs', 'pos', 'neg', 'topCounts', 'topRuns', 'topSize',
  'topThreshold', 'topLastPos', 'topLastValue', 'topRunLength', 'topHeadLength', 'topHeadValue',
] as const;
type Layout = Record<(typeof FIELDS)[number], number>;
let layout: Layout | null = null;
function stateLayout(): Layout {
  if (layout) return layout;
  const k = kernels();
  const ptr = k.alloc(4 * FIELDS.length);
  k.exports.stats_layout(ptr);
  const offsets = k.i32(ptr, FIELDS.length);
  layout = Object.fromEntries(FIELDS.map((f, i) => [f, offsets[i]])) as Layout;
  k.exports.free(ptr);
  return layout;
}

/** One polarity's flat-top table out of a channel's state (`at`: its offset in doubles). */
function topLevels(s: Float64Array, at: number, l: Layout): TopLevels {
  const t = new TopLevels();
  const size = s[at + l.topSize];
  t.size = size;
  t.values.set(s.subarray(at, at + size));
  t.counts.set(s.subarray(at + l.topCounts, at + l.topCounts + size));
  t.runs.set(s.subarray(at + l.topRuns, at + l.topRuns + size));
  t.threshold = s[at + l.topThreshold];
  t.lastPos = s[at + l.topLastPos];
  t.lastValue = s[at + l.topLastValue];
  t.runLength = s[at + l.topRunLength];
  t.headLength = s[at + l.topHeadLength];
  t.headValue = s[at + l.topHeadValue];
  return t;
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

/** A channel's state (a view of kernel memory) as plain data. */
function channelPartial(s: Float64Array, l: Layout): ChannelStatsPartial {
  const L = NOISE_FLOOR_SUBBLOCKS - 1;
  const count = s[l.count];
  const subIndex = s[l.subIndex];
  const lastSubs: number[] = [];
  for (let k = Math.max(0, subIndex - L); k < subIndex; k++) lastSubs.push(s[l.lastSubs + (k % L)]);
  return {
    count,
    sum: s[l.sum],
    sumComp: s[l.sumComp],
    sumSq: s[l.sumSq],
    sumSqComp: s[l.sumSqComp],
    blockSum: s[l.blockSum],
    blockSumSq: s[l.blockSumSq],
    zeros: s[l.zeros],
    nonFinite: s[l.nonFinite],
    min: s[l.min],
    max: s[l.max],
    minCount: s[l.minCount],
    maxCount: s[l.maxCount],
    clipped: s[l.clipped],
    clipRuns: s[l.clipRuns],
    headClip: s[l.headClip],
    tailClip: s[l.lastClipPos] === count - 1 ? s[l.clipRun] : 0,
    floor: s[l.floor],
    allMax: s[l.allMax],
    subIndex,
    subFill: s[l.subFill],
    subMax: bitsToFloat(s[l.subMaxBits]),
    firstSubs: Array.from(s.subarray(l.firstSubs, l.firstSubs + s[l.firstSubsCount])),
    lastSubs,
    pos: topLevels(s, l.pos, l).toPartial(count),
    neg: topLevels(s, l.neg, l).toPartial(count),
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

export interface SampleStatsAccumulator extends Accumulator<SampleStats>, KernelHeld {
  partial(): SampleStatsPartial;
}

/**
 * The per-sample work runs in the analysis kernels (src/core/kernels/c/stats.c), one state of
 * doubles per channel in kernel memory; partial() reads them out as plain data.
 */
export function createSampleStats(sampleRateHz: number, channelCount: number): SampleStatsAccumulator {
  const subLen = Math.max(1, Math.round(sampleRateHz / 1000));
  const k = kernels();
  const l = stateLayout();
  const bytes = 8 * l.size;
  const block = k.alloc(bytes * channelCount);
  const clean = k.alloc(4 * SUM_BLOCK);
  const staging = createStaging(channelCount);
  const state = (c: number): number => block + bytes * c;
  for (let c = 0; c < channelCount; c++) k.exports.stats_init(state(c), subLen, CLIP_BITS);
  const partial = (): SampleStatsPartial => ({
    sampleRateHz,
    channelCount,
    channels: Array.from({ length: channelCount }, (_, c) => channelPartial(k.f64(state(c), l.size), l)),
  });
  const accumulator: SampleStatsAccumulator = {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      for (let from = 0; from < n; from += staging.maxFrames) {
        const len = Math.min(staging.maxFrames, n - from);
        const ptrs = k.i32(staging.stage(channels, from, len), channelCount);
        for (let c = 0; c < channelCount; c++) k.exports.stats_push(state(c), ptrs[c], len, clean);
      }
    },
    partial,
    finish() {
      return finishSampleStats(partial());
    },
    release: (): void => undefined,
  };
  accumulator.release = owned(accumulator, () => {
    k.exports.free(block);
    k.exports.free(clean);
    staging.release();
  });
  return accumulator;
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
