/**
 * Spectrogram for display, computed once from the native-rate PCM (the single source of truth the
 * page's worker adapts; the waveform view only draws it). Per channel, frame k summarises the time
 * slot [k·hop, (k+1)·hop): a Hann window of `fftSize` samples centred on the slot (zero-padded at
 * the edges), its power spectrum in dB relative to a full-scale sine, max-pooled into at most
 * `maxBins` equal-width bins from 0 Hz to Nyquist, then mapped to 0..255 over `rangeDb` below the
 * loudest bin of the file. Display only: never part of the summary.
 *
 * Segments: frames sit on the file's hop grid, and a segment owns the frames whose slot starts in
 * it (reading past its end for their windows, while `needsMore()`); its partial keeps the frames
 * in dB, and the 0..255 quantisation relative to the file's loudest bin happens after the merge
 * (`finishSpectrogram`), so segmented bytes equal one pass.
 */
import type { Accumulator } from '../types';
import type { DisplaySegment } from './segment';
import { kernels, owned, kernelMemoryFull } from '../kernels/runtime';
import { hannWindow, nextPowerOfTwo } from '../dsp/window';

export interface SpectrogramPlan {
  fftSize: number;
  hopSamples: number;
  maxBins: number;
  /** Dynamic range shown: bins this far below the loudest map to 0. */
  rangeDb: number;
}

export interface Spectrogram {
  sampleRateHz: number;
  fftSize: number;
  hopSamples: number;
  frameCount: number;
  binCount: number;
  /** Width of one (pooled) bin in Hz; bin b covers [b·binHz, (b+1)·binHz). */
  binHz: number;
  /** Per channel, frame-major: value of frame f, bin b at [f·binCount + b], 0..255. */
  channels: Uint8Array[];
  /** Level that maps to 255, dB re full-scale sine; null when the audio is digital silence. */
  topDb: number | null;
  rangeDb: number;
}

/** The dB frames a segment owns, as plain data: frames [firstFrame, firstFrame + frameCount). */
export interface SpectrogramPartial {
  sampleRateHz: number;
  fftSize: number;
  hopSamples: number;
  binCount: number;
  binHz: number;
  rangeDb: number;
  firstFrame: number;
  frameCount: number;
  /** Per channel, frame-major, dB re a full-scale sine (−Infinity for a silent bin). */
  db: Float32Array[];
}

export interface SpectrogramSegmentAccumulator {
  /** Planar chunks in order from `segment.firstPushed`. */
  push(channels: readonly Float32Array[]): void;
  /** True until the windows of every frame the segment owns are complete (always for the last segment). */
  needsMore(): boolean;
  /** The segment ends at `end` instead (no sample at or past it pushed yet): see SegmentAnalyzer.cut. */
  cut(end: number): void;
  /** When the audio ended first, the missing samples are zeros, as at the end of the file. */
  partial(): SpectrogramPartial;
}

export interface PlanOptions {
  /** Upper bound on frames for the whole file (the hop grows for long files). Default 2400. */
  maxFrames?: number;
  maxBins?: number;
  rangeDb?: number;
}

/** A ~32 ms window (power of two) and a hop that keeps the whole file within `maxFrames`. */
export function planSpectrogram(sampleRateHz: number, expectedFrames: number, options: PlanOptions = {}): SpectrogramPlan {
  const maxFrames = options.maxFrames ?? 2400;
  const fftSize = Math.min(8192, Math.max(128, nextPowerOfTwo(Math.round(0.032 * sampleRateHz))));
  const byLength = expectedFrames > 0 ? Math.ceil(expectedFrames / maxFrames) : 1;
  return {
    fftSize,
    hopSamples: Math.max(Math.round(fftSize / 4), byLength),
    maxBins: options.maxBins ?? 256,
    rangeDb: options.rangeDb ?? 90,
  };
}

export function createSpectrogramSegment(
  sampleRateHz: number,
  channelCount: number,
  plan: SpectrogramPlan,
  segment: DisplaySegment,
): SpectrogramSegmentAccumulator {
  const { fftSize, hopSamples: hop, rangeDb } = plan;
  if (!Number.isInteger(hop) || hop < 1) throw new RangeError(`hop must be a positive integer, got ${hop}`);
  const window = hannWindow(fftSize);
  let windowSum = 0;
  for (let i = 0; i < fftSize; i++) windowSum += window[i];
  // A full-scale sine on a bin centre gives |X| = sum(w)/2: that is 0 dB.
  const refPower = (windowSum / 2) ** 2;
  const rawBins = fftSize / 2; // drop the Nyquist bin so pooled bins are equal in width
  const pool = Math.max(1, Math.ceil(rawBins / plan.maxBins));
  const binCount = Math.ceil(rawBins / pool);
  // Frames are computed in the kernels (spectro_frame in src/core/kernels/c/fft.c), over a
  // pending-sample buffer per channel in kernel memory: it never holds more than one window.
  const k = kernels();
  const fftPlan = k.exports.fft_plan_new(fftSize);
  if (fftPlan === 0) throw kernelMemoryFull();
  const capacity = 2 * fftSize;
  const windowPtr = k.alloc(8 * fftSize);
  k.f64(windowPtr, fftSize).set(window);
  const bufferPtr = k.alloc(4 * capacity * channelCount);
  const outPtr = k.alloc(4 * binCount);
  const buffer = (c: number): Float32Array => k.f32(bufferPtr + 4 * capacity * c, capacity);

  // Frames owned: those whose slot [k·hop, (k+1)·hop) starts in [start, end).
  const firstFrame = Math.ceil(segment.start / hop);
  let endFrame = segment.end === null ? Infinity : Math.ceil(segment.end / hop);
  const offsetToWindow = Math.floor(hop / 2) - fftSize / 2;

  // Pending samples: absolute index of buffer[0] is bufferStart; buffer holds `length` samples and
  // always ends at the last sample pushed (when non-empty).
  let bufferStart = segment.firstPushed;
  let length = 0;
  let pos = segment.firstPushed;
  // Window start of the next frame; may be negative (the first window reaches before the file).
  let nextStart = firstFrame * hop + offsetToWindow;
  let frames = 0;
  if (nextStart < segment.firstPushed) {
    if (segment.firstPushed > 0) throw new RangeError(`a spectrogram segment needs samples from ${nextStart}, pushed from ${segment.firstPushed}`);
    bufferStart = nextStart;
    length = -nextStart; // zeros
  }
  const ownsMore = (): boolean => firstFrame + frames < endFrame;

  let dbCapacity = 256 * binCount;
  let db = Array.from({ length: channelCount }, () => new Float32Array(dbCapacity));

  const emitFrames = (): void => {
    while (ownsMore() && bufferStart + length >= nextStart + fftSize) {
      const offset = nextStart - bufferStart;
      if ((frames + 1) * binCount > dbCapacity) {
        dbCapacity *= 2;
        db = db.map((old) => {
          const next = new Float32Array(dbCapacity);
          next.set(old);
          return next;
        });
      }
      for (let c = 0; c < channelCount; c++) {
        k.exports.spectro_frame(fftPlan, bufferPtr + 4 * (capacity * c + offset), windowPtr, rawBins, pool, refPower, outPtr, binCount);
        db[c].set(k.f32(outPtr, binCount), frames * binCount);
      }
      frames++;
      nextStart += hop;
    }
    // Drop samples no later frame needs.
    const drop = Math.min(length, nextStart - bufferStart);
    if (drop > 0) {
      for (let c = 0; c < channelCount; c++) buffer(c).copyWithin(0, drop, length);
      length -= drop;
      bufferStart += drop;
    }
  };

  /**
   * A chunk of n samples from absolute `pos` (null channels: zeros). Only the samples inside the
   * windows still to be taken are copied: for a long file the hop is far longer than the window,
   * and everything between windows is skipped.
   */
  const append = (channels: readonly (Float32Array | null)[], n: number): void => {
    let i = 0;
    while (i < n && ownsMore()) {
      if (length === 0) {
        // Nothing pending: skip to the next window's start.
        i += Math.max(0, Math.min(n - i, nextStart - (pos + i)));
        if (i >= n) break;
        bufferStart = pos + i;
      }
      // Copy up to the end of the next window.
      const to = Math.min(n, nextStart + fftSize - pos);
      const count = to - i;
      if (count > 0) {
        if (length + count > capacity) throw new RangeError('spectrogram buffer overrun');
        for (let c = 0; c < channelCount; c++) {
          const src = channels[c];
          // Non-finite samples read as 0 in the kernel.
          if (src === null) buffer(c).fill(0, length, length + count);
          else buffer(c).set(src.subarray(i, to), length);
        }
        length += count;
        i = to;
      }
      emitFrames();
    }
    pos += n;
  };

  let done: SpectrogramPartial | null = null;
  const accumulator: SpectrogramSegmentAccumulator = {
    push(channels) {
      append(channels, channels[0]?.length ?? 0);
    },
    needsMore() {
      return ownsMore();
    },
    // The frames emitted so far have slots starting before the last sample pushed, so before `end`.
    cut(end) {
      endFrame = Math.ceil(end / hop);
    },
    partial() {
      if (done) return done;
      // The audio ended at `pos`: the frames whose slot starts before it, windows zero-padded.
      const wanted = Math.min(endFrame, Math.ceil(pos / hop));
      const zeros = Array.from({ length: channelCount }, (): Float32Array | null => null);
      while (firstFrame + frames < wanted) append(zeros, Math.max(1, nextStart + fftSize - pos));
      done = {
        sampleRateHz,
        fftSize,
        hopSamples: hop,
        binCount,
        binHz: (pool * sampleRateHz) / fftSize,
        rangeDb,
        firstFrame,
        frameCount: frames,
        db: db.map((d) => d.slice(0, frames * binCount)),
      };
      release(); // the partial is plain data: the kernel memory is free for the merge now
      return done;
    },
  };
  const release = owned(accumulator, () => {
    k.exports.fft_plan_free(fftPlan);
    k.exports.free(windowPtr);
    k.exports.free(bufferPtr);
    k.exports.free(outPtr);
  });
  return accumulator;
}

/** The first of the partials of adjacent segments of one plan, in order (else a RangeError). */
function checkAdjacent(parts: readonly SpectrogramPartial[]): SpectrogramPartial {
  if (parts.length === 0) throw new RangeError('no segments');
  const first = parts[0];
  for (let k = 1; k < parts.length; k++) {
    const [a, b] = [parts[k - 1], parts[k]];
    if (first.hopSamples !== b.hopSamples || first.binCount !== b.binCount || first.db.length !== b.db.length) {
      throw new RangeError('spectrograms of different plans');
    }
    if (a.firstFrame + a.frameCount !== b.firstFrame) {
      throw new RangeError(`spectrogram segments not adjacent: frame ${a.firstFrame + a.frameCount} ≠ ${b.firstFrame}`);
    }
  }
  return first;
}

/** The whole file's spectrogram from its segments' partials in order: 0..255 below the loudest bin. */
export function finishSpectrogram(partials: readonly SpectrogramPartial[]): Spectrogram {
  const p = checkAdjacent(partials);
  const { rangeDb, binCount } = p;
  const frames = partials.reduce((n, part) => n + part.frameCount, 0);
  // The loudest value and the levels below it, in the kernels (spectro-out.c): as JavaScript these
  // loops ran once per file, in V8's baseline tiers (~50 ms for 1 h of 48 kHz stereo's 1.2 M
  // values). Each channel's frames are copied in segment by segment, with no merged copy first.
  const n = frames * binCount;
  const C = p.db.length;
  const k = kernels();
  const block = k.allocUnzeroed(4 * C * n + Math.max(1, n)); // all written before read
  let topDb: number | null;
  let channels: Uint8Array[];
  try {
    // Every channel's frames in a row: channel c at block + 4·c·n.
    let at = block;
    for (let c = 0; c < C; c++) {
      for (const part of partials) {
        const len = part.frameCount * binCount;
        k.f32(at, len).set(part.db[c].subarray(0, len));
        at += 4 * len;
      }
    }
    const top = k.exports.f32_top(block, C * n, -Infinity);
    topDb = Number.isFinite(top) ? top : null;
    const levels = block + 4 * C * n;
    channels = p.db.map((_, c) => {
      if (topDb === null) return new Uint8Array(n);
      k.exports.spectro_levels(block + 4 * c * n, n, topDb, rangeDb, levels);
      return k.u8(levels, n).slice();
    });
  } finally {
    k.exports.free(block);
  }
  return {
    sampleRateHz: p.sampleRateHz,
    fftSize: p.fftSize,
    hopSamples: p.hopSamples,
    frameCount: frames,
    binCount,
    binHz: p.binHz,
    channels,
    topDb,
    rangeDb,
  };
}

/** One pass over the whole file. */
export function createSpectrogramAccumulator(
  sampleRateHz: number,
  channelCount: number,
  plan: SpectrogramPlan,
): Accumulator<Spectrogram> {
  const segment = createSpectrogramSegment(sampleRateHz, channelCount, plan, { start: 0, end: null, firstPushed: 0 });
  return {
    push(channels) {
      segment.push(channels);
    },
    finish() {
      return finishSpectrogram([segment.partial()]);
    },
  };
}
