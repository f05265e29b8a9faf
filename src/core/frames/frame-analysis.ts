/**
 * One streaming pass over planar PCM that fills the frame table (see types.ts): time-domain
 * per-hop channel powers (around the local DC) and channel-pair sums, one Hann-windowed FFT per 10 ms hop of the
 * analysis signal for sub-band powers, and level-bucketed long-term spectra for bandwidth.
 *
 * Chunk invariance: every sum runs in sample order in a single accumulator, and every FFT sees the
 * same window of samples, so results are bit-identical however the audio was cut into chunks.
 */
import type { Accumulator } from '../types';
import { isPowerOfTwo } from '../dsp/fft';
import { nextPowerOfTwo } from '../dsp/window';
import { createStaging, kernels, owned, kernelMemoryFull } from '../kernels/runtime';
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
  /** Raw mean squares and means per hop, per channel and for the downmix (for mono, channel 0's arrays themselves). */
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
  /**
   * Set when the float columns are rows of a frame store (FrameSegment.store), from this row on:
   * whoever holds the store merges them without a copy (a store's arrays that crossed to another
   * thread cannot be told to be the same memory).
   */
  storeRow?: number;
  /** The float columns are this partial's own (a merge's copies, or a frame store's rows): finishing may write them in place. */
  ownsColumns?: boolean;
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
  /**
   * Where the audio is expected to end (samples), when `end` is null and the length is known
   * (a header says it): sizes the columns once. Growing them by doubling touched ~4× their final
   * size of fresh memory, and on a VM a fresh page costs ~14 µs (1 h: ~0.2 s).
   */
  expectedEnd?: number;
  /** Rows for the float columns of the whole file, shared by its segments (createFrameStore). */
  store?: FrameStore;
}

/**
 * The float columns of a whole file's frame table, one row per hop, for segments analysed on
 * several threads to write in place: each segment fills its own rows, so the merge has nothing to
 * copy, and each row is first touched by the thread that computes it rather than by the one that
 * merges (fresh memory costs ~14 µs a page on this VM: 1 h of 16 kHz mono has 12 MB of columns).
 * Backed by SharedArrayBuffers where they exist (Node's worker threads; the page only when it is
 * cross-origin isolated), so the arrays cross to a worker as views of the same memory.
 * Columns, in order: per channel the power, per channel the mean, with two channels or more the
 * downmix's power and mean and the channel pair's three sums, the sub-band powers. Its rows are
 * the analysis's own: finishFrameTable takes the DC out of them in place.
 */
export interface FrameStore {
  rows: number;
  columns: Float32Array[];
}

/** A store for `totalSamples` samples per channel, or null where memory cannot be shared. */
export function createFrameStore(
  sampleRateHz: number,
  channelCount: number,
  totalSamples: number,
  settings: Partial<FrameAnalysisSettings> = {},
): FrameStore | null {
  if (typeof SharedArrayBuffer !== 'function' || !(totalSamples > 0)) return null;
  const { rows, count } = storeShape(sampleRateHz, channelCount, totalSamples, settings);
  return { rows, columns: Array.from({ length: count }, () => new Float32Array(new SharedArrayBuffer(4 * rows))) };
}

/**
 * A store for a merge to copy the segments' columns into, where they could not write into a
 * shared one (the page's workers share no memory unless it is cross-origin isolated): every page
 * of it written once now, so that a worker with nothing else to do — the first to finish its
 * segment, while another still reads — pays for touching fresh memory (~10 µs a page on this VM:
 * 1 h of 48 kHz stereo has 27 MB of columns) before the merge instead of during it. The merge
 * copies its rows in from its first row (mergeFrameTables).
 */
export function createMergeStore(
  sampleRateHz: number,
  channelCount: number,
  totalSamples: number,
  settings: Partial<FrameAnalysisSettings> = {},
): FrameStore | null {
  if (!(totalSamples > 0) || !(sampleRateHz > 0) || !(channelCount >= 1)) return null;
  const { rows, count } = storeShape(sampleRateHz, channelCount, totalSamples, settings);
  return { rows, columns: Array.from({ length: count }, () => new Float32Array(rows).fill(0)) };
}

function storeShape(sampleRateHz: number, channelCount: number, totalSamples: number, settings: Partial<FrameAnalysisSettings>): { rows: number; count: number } {
  const cfg: FrameAnalysisSettings = { ...DEFAULT_FRAME_SETTINGS, ...settings };
  const hop = hopSamplesFor(sampleRateHz, cfg.hopSec);
  const rows = Math.ceil(totalSamples / hop);
  return { rows, count: storeColumnCount(channelCount, Math.max(0, effectiveBandEdges(cfg.bandEdgesHz, sampleRateHz).length - 1)) };
}

const storeColumnCount = (channelCount: number, bandCount: number): number => 2 * channelCount + (channelCount >= 2 ? 5 : 0) + bandCount;

const concat32 = (parts: Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/**
 * The frame tables of adjacent segments, in order, as one: each array is concatenated once (a
 * pairwise fold would copy the early segments' frames again at every step), or, when they all
 * wrote their rows into `store` one after another, taken from it as they are; the level buckets
 * are summed in segment order. A store they did not write into (createMergeStore) takes the copies
 * instead of fresh arrays, from its first row, when it has the rows and the columns for them.
 */
export function mergeFrameTables(tables: readonly FrameTablePartial[], store?: FrameStore): FrameTablePartial {
  const parts = tables.filter((t) => t.frameCount > 0);
  if (parts.length <= 1) return parts[0] ?? tables[tables.length - 1];
  for (const t of parts.slice(0, -1)) {
    if (t.lastFrameSamples !== t.hopSamples) throw new RangeError('frame tables merge only on the hop grid');
  }
  const first = parts[0];
  const last = parts[parts.length - 1];
  const buckets = new Map<number, { key: number; frames: number; powerSum: Float64Array }>();
  for (const bk of parts.flatMap((t) => t.buckets)) {
    const e = buckets.get(bk.key);
    if (!e) buckets.set(bk.key, { key: bk.key, frames: bk.frames, powerSum: Float64Array.from(bk.powerSum) });
    else {
      e.frames += bk.frames;
      for (let k = 0; k < e.powerSum.length; k++) e.powerSum[k] += bk.powerSum[k];
    }
  }
  const frameCount = parts.reduce((n, t) => n + t.frameCount, 0);
  const digitalSilence = new Uint8Array(frameCount);
  let at = 0;
  for (const t of parts) {
    digitalSilence.set(t.digitalSilence, at);
    at += t.frameCount;
  }
  const pairs = parts.map((t) => t.pair);
  const stored =
    store !== undefined &&
    first.storeRow !== undefined &&
    first.storeRow + frameCount <= store.rows &&
    parts.every((t, i) => i === 0 || t.storeRow === parts[i - 1].storeRow! + parts[i - 1].frameCount);
  const C = first.channelCount;
  const copied =
    !stored &&
    store !== undefined &&
    frameCount <= store.rows &&
    store.columns.length === storeColumnCount(C, first.bandPower.length) &&
    store.columns.every((col) => col.length >= frameCount);
  // The store's columns in its order (FrameStore): its rows as they are, or each column's parts
  // copied into it; else each column's parts concatenated.
  let nextColumn = 0;
  const intoStore = (col: Float32Array, pick: (t: FrameTablePartial) => Float32Array): Float32Array => {
    let row = 0;
    for (const t of parts) {
      col.set(pick(t).subarray(0, t.frameCount), row);
      row += t.frameCount;
    }
    return col.subarray(0, frameCount);
  };
  const each = (pick: (t: FrameTablePartial) => Float32Array): Float32Array =>
    stored
      ? store.columns[nextColumn++].subarray(first.storeRow, first.storeRow! + frameCount)
      : copied
        ? intoStore(store.columns[nextColumn++], pick)
        : concat32(parts.map(pick));
  const channelPower = Array.from({ length: C }, (_, i) => each((t) => t.channelPower[i]));
  const channelMean = Array.from({ length: C }, (_, i) => each((t) => t.channelMean[i]));
  const downmixPower = C === 1 ? channelPower[0] : each((t) => t.downmixPower);
  const downmixMean = C === 1 ? channelMean[0] : each((t) => t.downmixMean);
  const pair = pairs.every((x) => x !== null) ? { sumXY: each((t) => t.pair!.sumXY), sumX: each((t) => t.pair!.sumX), sumY: each((t) => t.pair!.sumY) } : null;
  const bandPower = first.bandPower.map((_, i) => each((t) => t.bandPower[i]));
  return {
    ...first,
    frameCount,
    sampleCount: parts.reduce((n, t) => n + t.sampleCount, 0),
    lastFrameSamples: last.lastFrameSamples,
    channelPower,
    channelMean,
    downmixPower,
    downmixMean,
    digitalSilence,
    pair,
    bandPower,
    buckets: [...buckets.values()],
    storeRow: stored ? first.storeRow : undefined,
    // Stored rows are the analysis's own; copied or concatenated columns were made for this merge.
    ownsColumns: true,
  };
}

/** The frame table of a whole file from its (merged) partial: the DC comes out here. */
export function finishFrameTable(p: FrameTablePartial): FrameTable {
  const { frameCount, hopSamples: hop, sampleRateHz, lastFrameSamples } = p;
  /**
   * Take the DC out of each hop's mean square: with D the local DC (the mean over ±0.5 s of
   * hops) and μ the hop's own mean, the hop's power around D is ms − 2·μ·D + D². A DC bias is
   * neither speech nor noise; left in, 0.05 FS of DC reads as a −26 dBFS noise floor. A 1 s
   * average follows a DC that changes (a splice, a pad of digital zeros) and leaves everything
   * above ~1 Hz in the power; per-hop means alone would also remove real noise below ~30 Hz.
   */
  const radius = Math.max(1, Math.round(DC_RADIUS_SEC / (hop / sampleRateHz)));
  // A merge's columns are its own (copies, or a frame store's rows): the DC comes out of them in place.
  const inPlace = p.ownsColumns === true;
  // In the kernels (src/core/kernels/c/levels.c), on copies in kernel memory: the running sums
  // there too, in memory the analysis has touched already (fresh memory is slow to touch on a VM),
  // and no cold JavaScript loop over every hop. An all-zero hop stays exactly 0: digital silence
  // is what it is, whatever the DC around it.
  const k = kernels();
  const n = Math.max(1, frameCount);
  const withoutDc = (power: Float32Array, mu: Float32Array): Float32Array => {
    const out = inPlace ? power.subarray(0, frameCount) : power.slice(0, frameCount);
    const block = k.allocUnzeroed(8 * (n + 1) + 8 * n); // all written before read
    try {
      const powerAt = block + 8 * (n + 1);
      const muAt = powerAt + 4 * n;
      k.f32(powerAt, frameCount).set(out);
      k.f32(muAt, frameCount).set(mu.subarray(0, frameCount));
      k.exports.frames_without_dc(powerAt, muAt, frameCount, hop, lastFrameSamples, radius, block);
      out.set(k.f32(powerAt, frameCount));
    } finally {
      k.exports.free(block);
    }
    return out;
  };
  const buckets = new Map<number, SpectrumBucket>();
  for (const b of p.buckets) buckets.set(b.key, { frames: b.frames, powerSum: b.powerSum });
  const channelPower = p.channelPower.map((col, c) => withoutDc(col, p.channelMean[c]));
  return {
    sampleRateHz,
    channelCount: p.channelCount,
    hopSamples: hop,
    hopSec: hop / sampleRateHz,
    fftSize: p.fftSize,
    frameCount,
    sampleCount: p.sampleCount,
    lastFrameSamples: frameCount > 0 ? lastFrameSamples : 0,
    channelPower,
    // Mono: the downmix is channel 0 (the same arrays), and so is its power around the DC.
    downmixPower: p.downmixPower === p.channelPower[0] && p.downmixMean === p.channelMean[0] ? channelPower[0] : withoutDc(p.downmixPower, p.downmixMean),
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
  /** The stretch ends at `end` instead (on the hop grid; no sample at or past it pushed yet): see SegmentAnalyzer.cut. */
  cut(end: number): void;
}

/** Half-width of the moving average that estimates the DC taken out of the hop powers, s. */
const DC_RADIUS_SEC = 0.5;

/** Growable Float32 column (its capacity a good guess of its final length, so it rarely grows). */
class Column {
  data: Float32Array;
  length = 0;
  /** Rows of a frame store: handed over as views, never copied (unless the column outgrew them). */
  stored: boolean;
  constructor(capacity: number, rows?: Float32Array) {
    this.stored = rows !== undefined;
    this.data = rows ?? new Float32Array(Math.max(1, capacity));
  }
  /** Room for `n` values (doubling). */
  private reserve(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < n) size *= 2;
    const next = new Float32Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
    this.stored = false;
  }
  append(values: Float32Array): void {
    this.setAt(this.length, values);
  }
  /** values[j] at row at + j. */
  setAt(at: number, values: Float32Array): void {
    this.reserve(at + values.length);
    this.data.set(values, at);
    if (at + values.length > this.length) this.length = at + values.length;
  }
  /** The first n values: the column itself when it holds exactly n or is a store's (no copy). */
  toArray(n: number): Float32Array {
    return n === this.data.length ? this.data : this.stored ? this.data.subarray(0, n) : this.data.slice(0, n);
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

/** Level buckets the kernel sums itself; a frame of a further level is summed here (rare). */
const BUCKET_SLOTS = 96;

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
  let segEnd = segment.end ?? Infinity;
  const binHz = sampleRateHz / fftSize;

  const edges = effectiveBandEdges(cfg.bandEdgesHz, sampleRateHz);
  const bandCount = Math.max(0, edges.length - 1);
  if (bandCount > 32) throw new RangeError('at most 32 sub-bands');
  const C = channelCount;

  // The per-sample pass and the FFTs run in the kernels (src/core/kernels/c/frames.c): each call
  // closes hops and analyses frames into fixed buffers, drained into the columns here.
  const k = kernels();
  const staging = createStaging(C);
  const state = k.exports.frames_new(
    C,
    hop,
    fftSize,
    Math.floor(hop / 2) - half, // window start of frame i = i·hop + offset
    segment.start / hop,
    segment.start,
    segment.end ?? -1,
    segment.firstPushed,
    bandCount,
    staging.maxFrames,
    BUCKET_SLOTS,
  );
  if (state === 0) throw kernelMemoryFull();
  const infoPtr = k.alloc(8 * 19);
  // Band b holds bins k with edges[b] ≤ k·binHz < edges[b+1] (the Nyquist bin joins the top band).
  const bands = k.i32(k.exports.frames_bands(state), 3 * 32);
  for (let b = 0; b < bandCount; b++) {
    bands[b] = Math.ceil(edges[b] / binHz - 1e-9);
    const top = Math.ceil(edges[b + 1] / binHz - 1e-9);
    bands[32 + b] = b === bandCount - 1 && edges[b + 1] >= sampleRateHz / 2 ? half + 1 : Math.min(top, half + 1);
    bands[64 + b] = edges[b + 1] <= 4000 ? 1 : 0;
  }

  // Per-frame columns, as long as the stretch's hops when its end is known or expected (at most
  // 2^20 rows, 2.9 h of 10 ms hops, so a header that lies costs 4 MB a column; more grow).
  const expectedEnd = segment.end ?? segment.expectedEnd;
  const rows =
    expectedEnd !== undefined && Number.isFinite(expectedEnd) && expectedEnd > segment.start
      ? Math.min(2 ** 20, Math.ceil((expectedEnd - segment.start) / hop))
      : 1024;
  // With a frame store, the float columns are the stretch's rows of it (see FrameStore).
  const frame0 = segment.start / hop;
  const store = segment.store && segment.store.columns.length === storeColumnCount(C, bandCount) && frame0 < segment.store.rows ? segment.store : null;
  const storeEnd = store ? Math.min(store.rows, segment.end !== null ? segment.end / hop : store.rows) : 0;
  let nextStored = 0;
  const column = (): Column => new Column(rows);
  const storedColumn = (): Column => (store ? new Column(rows, store.columns[nextStored++].subarray(frame0, storeEnd)) : column());
  const chanPower = Array.from({ length: C }, storedColumn);
  const chanMean = Array.from({ length: C }, storedColumn);
  // Mono: the downmix is channel 0 (its sums are the same, bit for bit), kept once.
  const downmixCol = C >= 2 ? storedColumn() : null;
  const downmixMean = C >= 2 ? storedColumn() : null;
  const hasPair = C >= 2;
  const pairXY = hasPair ? storedColumn() : null;
  const pairX = hasPair ? storedColumn() : null;
  const pairY = hasPair ? storedColumn() : null;
  const bandCols = Array.from({ length: bandCount }, storedColumn);
  const silenceCol = column();
  const storedColumns = [...chanPower, ...chanMean, ...[downmixCol, downmixMean, pairXY, pairX, pairY].filter((col) => col !== null), ...bandCols];
  /** Buckets of levels the kernel had no slot for, in order of first appearance. */
  const extraBuckets = new Map<number, SpectrumBucket>();

  let written = segment.firstPushed;
  let hopsDone = 0;
  let fftDone = 0;
  let slotsUsed = 0;

  /** Move what the last kernel call produced into the columns. */
  function drain(): void {
    const info = k.f64(infoPtr, 19);
    k.exports.frames_info(state, infoPtr);
    const [hopsOut, framesOut, overflowOut, firstFrame] = info;
    hopsDone = info[4];
    fftDone = info[5];
    written = info[6];
    slotsUsed = info[7];
    // The kernel hands the hop rows and band rows over column by column: one bulk copy each.
    const hopColumn = (j: number): Float32Array => k.f32(info[8] + 4 * j * info[17], hopsOut);
    for (let c = 0; c < C; c++) {
      chanPower[c].append(hopColumn(c));
      chanMean[c].append(hopColumn(C + c));
    }
    downmixCol?.append(hopColumn(2 * C));
    downmixMean?.append(hopColumn(2 * C + 1));
    silenceCol.append(hopColumn(2 * C + 2));
    if (pairXY && pairX && pairY) {
      pairXY.append(hopColumn(2 * C + 3));
      pairX.append(hopColumn(2 * C + 4));
      pairY.append(hopColumn(2 * C + 5));
    }
    for (let b = 0; b < bandCount; b++) bandCols[b].setAt(firstFrame, k.f32(info[9] + 4 * b * info[18], framesOut));
    if (overflowOut > 0) {
      const keys = k.i32(info[10], overflowOut);
      const spectra = k.f64(info[11], overflowOut * (half + 1));
      for (let f = 0; f < overflowOut; f++) {
        let bucket = extraBuckets.get(keys[f]);
        if (!bucket) {
          bucket = { frames: 0, powerSum: new Float64Array(half + 1) };
          extraBuckets.set(keys[f], bucket);
        }
        bucket.frames++;
        const sum = bucket.powerSum;
        for (let j = 0, o = f * (half + 1); j <= half; j++, o++) sum[j] += spectra[o];
      }
    }
  }

  let finished: FrameTablePartial | null = null;
  function partial(): FrameTablePartial {
    if (finished) return finished;
    k.exports.frames_finish(state);
    drain();
    const lastFrameSamples = hopsDone > 0 ? Math.min(hop, written - (frame0 + hopsDone - 1) * hop) : 0;
    const info = k.f64(infoPtr, 19);
    k.exports.frames_info(state, infoPtr);
    const slotKeys = k.i32(info[12], slotsUsed);
    const slotFrames = k.i32(info[13], slotsUsed);
    const slotSums = k.f64(info[14], slotsUsed * (half + 1));
    const buckets: FrameTablePartial['buckets'] = [];
    for (let s = 0; s < slotsUsed; s++) {
      buckets.push({ key: slotKeys[s], frames: slotFrames[s], powerSum: slotSums.slice(s * (half + 1), (s + 1) * (half + 1)) });
    }
    for (const [key, b] of extraBuckets) buckets.push({ key, frames: b.frames, powerSum: b.powerSum });
    releaseKernel();
    const n = hopsDone;
    const channelPower = chanPower.map((col) => col.toArray(n));
    const channelMean = chanMean.map((col) => col.toArray(n));
    const stored = store !== null && storedColumns.every((col) => col.stored);
    finished = {
      sampleRateHz,
      channelCount: C,
      hopSamples: hop,
      fftSize,
      frameCount: n,
      sampleCount: n > 0 ? (n - 1) * hop + lastFrameSamples : 0,
      lastFrameSamples,
      channelPower,
      channelMean,
      downmixPower: downmixCol ? downmixCol.toArray(n) : channelPower[0],
      downmixMean: downmixMean ? downmixMean.toArray(n) : channelMean[0],
      digitalSilence: Uint8Array.from(silenceCol.toArray(n)),
      pair: pairXY && pairX && pairY ? { sumXY: pairXY.toArray(n), sumX: pairX.toArray(n), sumY: pairY.toArray(n) } : null,
      bandEdgesHz: edges,
      bandPower: bandCols.map((col) => col.toArray(n)),
      binHz,
      binCount: half + 1,
      buckets,
      storeRow: stored ? frame0 : undefined,
      // A frame store's rows are this analysis's own; its other columns may be views it keeps.
      ownsColumns: stored,
    };
    return finished;
  }

  const analysis: FrameAnalysis = {
    push(channels) {
      if (finished) throw new RangeError('the frame analysis has finished');
      if (channels.length !== C) throw new RangeError(`expected ${C} channels, got ${channels.length}`);
      const len = channels[0].length;
      for (let c = 1; c < C; c++) {
        if (channels[c].length !== len) throw new RangeError('channels of one chunk differ in length');
      }
      for (let from = 0; from < len; from += staging.maxFrames) {
        const n = Math.min(staging.maxFrames, len - from);
        k.exports.frames_push(state, staging.stage(channels, from, n), n);
        drain();
      }
    },
    needsMore() {
      return written < segEnd || fftDone < hopsDone;
    },
    cut(end) {
      if (end % hop !== 0 || end < written) throw new RangeError('a frame segment is cut on the hop grid, past what was pushed');
      segEnd = end;
      k.exports.frames_cut(state, end);
    },
    partial,
    finish() {
      return finishFrameTable(partial());
    },
  };
  const releaseKernel = owned(analysis, () => {
    k.exports.frames_free(state);
    k.exports.free(infoPtr);
    staging.release();
  });
  return analysis;
}
