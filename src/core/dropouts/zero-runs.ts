/**
 * Runs of exact digital zero (every channel 0.0) and how abruptly the signal enters and leaves
 * them — the raw material of the packet-loss detector.
 *
 * Lost packets replaced by zeros cut the waveform mid-cycle: the sample before the gap is about
 * as large as the local RMS (edge abruptness ≈ 0.6 here). TTS stop closures and µ-law pauses decay
 * into their zeros (≈ 0.1 and 0.0), so edge abruptness separates them where zero counting alone
 * cannot.
 *
 * A frame is zero only when every channel is exactly 0 (non-finite samples count as 0): stereo
 * channels that cancel (a = −b, phase-inverted audio) are signal, not a gap.
 */
import type { Accumulator } from '../types';
import { createStaging, kernels, owned, type KernelHeld } from '../kernels/runtime';

export interface ZeroRun {
  startSec: number;
  durationSec: number;
  /** |last sample before| / RMS of the 10 ms before; 0 when that context is silent. */
  abruptnessBefore: number;
  /** |first sample after| / RMS of the 10 ms after. */
  abruptnessAfter: number;
  /** |last sample before| and |first sample after|, full-scale units: a cut leaves a real step,
   * while a quiet 16-bit signal crossing zero leaves zeros between ±1 LSB neighbours. */
  edgeBeforeAbs: number;
  edgeAfterAbs: number;
}

export interface ZeroRunsResult {
  runs: ZeroRun[];
  /** Runs seen, including any beyond the stored cap. */
  totalRuns: number;
  minRunSec: number;
}

const MIN_RUN_SEC = 0.002;
const CONTEXT_SEC = 0.01;
/** Frames of a two-channel mix made at once, where it is needed. */
const MIX_BLOCK = 1024;
const MAX_STORED_RUNS = 20000;

/** The runs found so far, as plain data: segments of a file merge by concatenation. */
export interface ZeroRunsPartial {
  runs: ZeroRun[];
  totalRuns: number;
}

export function mergeZeroRuns(a: ZeroRunsPartial, b: ZeroRunsPartial): ZeroRunsPartial {
  return { runs: a.runs.concat(b.runs.slice(0, Math.max(0, MAX_STORED_RUNS - a.runs.length))), totalRuns: a.totalRuns + b.totalRuns };
}

export function finishZeroRuns(sampleRateHz: number, p: ZeroRunsPartial): ZeroRunsResult {
  return { runs: p.runs, totalRuns: p.totalRuns, minRunSec: Math.max(2, Math.round(MIN_RUN_SEC * sampleRateHz)) / sampleRateHz };
}

export const zeroRunsContextSamples = (sampleRateHz: number): number => Math.max(1, Math.round(CONTEXT_SEC * sampleRateHz));

/**
 * One segment of a file, [start, end) in samples, analysed apart from the rest. The segment owns
 * the runs that START inside it: it is pushed samples from `max(0, start − context)` (the 10 ms
 * before, for the context of a run at its start), and past `end` until `settled()` (a run it
 * owns has ended and its 10 ms after are seen). A run that started before `start` is left to
 * the previous segment. Omitted: the whole file.
 */
export interface ZeroRunsSegment {
  start: number;
  end: number;
}

export interface ZeroRunsAnalysis extends Accumulator<ZeroRunsResult>, KernelHeld {
  /** True once every run owned by the segment is complete (always true past the end of a whole file). */
  settled(): boolean;
  /** The owned runs; `final` (the segment reaching the end of the file) also closes a pending one. */
  partial(final: boolean): ZeroRunsPartial;
  /** The segment ends at `end` instead (no sample at or past it pushed yet): see SegmentAnalyzer.cut. */
  cut(end: number): void;
}

export function createZeroRuns(sampleRateHz: number, channelCount: number, segment?: ZeroRunsSegment): ZeroRunsAnalysis {
  const minRun = Math.max(2, Math.round(MIN_RUN_SEC * sampleRateHz));
  const context = zeroRunsContextSamples(sampleRateHz);
  const ownStart = segment?.start ?? 0;
  let ownEnd = segment?.end ?? Infinity;
  // The last `context` mono-mix samples before the current chunk, slot = position mod context
  // (so the "before" RMS sums them in a fixed order). Only each chunk's tail is stored; the
  // samples inside the chunk are read from it directly when a run becomes long enough to count.
  const ring = new Float32Array(context);
  const runs: ZeroRun[] = [];
  // Scalars that change per sample are copied into locals for the duration of a push.
  const st = { position: Math.max(0, ownStart - context), lastNonZeroAbs: 0, zeroStart: -1, abruptnessBefore: 0, edgeBeforeAbs: 0, totalRuns: 0 };
  // A finished run waits here until `context` samples after it have been seen.
  let pending: { start: number; length: number; before: number; beforeAbs: number; afterAbs: number; afterSumSq: number; afterCount: number } | null = null;
  // The frame mix and the scan for zeros run in the kernels (src/core/kernels/c/zero-runs.c).
  const k = kernels();
  const staging = createStaging(channelCount);
  const mixPtr = channelCount === 1 ? 0 : k.alloc(4 * staging.maxFrames);
  const lastPtr = k.alloc(4);
  // Two channels: the mix is made only where it is read (around zeros, and a chunk's tail), a
  // block of MIX_BLOCK frames at a time; the scan for zeros reads the channels themselves.
  const mixDone = new Uint8Array(Math.ceil(staging.maxFrames / MIX_BLOCK));

  const finalize = (): void => {
    if (!pending) return;
    if (pending.start < ownStart || pending.start >= ownEnd) {
      pending = null; // another segment's run
      return;
    }
    st.totalRuns++;
    if (runs.length < MAX_STORED_RUNS) {
      const afterRms = pending.afterCount > 0 ? Math.sqrt(pending.afterSumSq / pending.afterCount) : 0;
      runs.push({
        startSec: pending.start / sampleRateHz,
        durationSec: pending.length / sampleRateHz,
        abruptnessBefore: pending.before,
        abruptnessAfter: afterRms > 0 ? pending.afterAbs / afterRms : 0,
        edgeBeforeAbs: pending.beforeAbs,
        edgeAfterAbs: pending.afterAbs,
      });
    }
    pending = null;
  };

  /**
   * RMS of the `context` samples before absolute position `at` (the run's zeros add nothing to
   * the sum), summed slot by slot as a ring indexed by position would hold them. `mix[i]` is the
   * sample at position chunkStart + i.
   */
  const contextBeforeRms = (mix: Float32Array, chunkStart: number, at: number, runLength: number): number => {
    let sum = 0;
    for (let k = 0; k < context; k++) {
      // The latest position p < at with p ≡ k (mod context).
      const p = at - 1 - ((at - 1 - k) % context + context) % context;
      let v = 0;
      if (p >= chunkStart) {
        v = mix[p - chunkStart];
        if (v - v !== 0) v = 0;
      } else if (p >= 0) v = ring[k];
      sum += v * v;
    }
    const n = Math.max(1, Math.min(context, at) - runLength);
    return Math.sqrt(sum / n);
  };

  /** One staged piece of n frames (channel pointers at `table`). */
  const run = (table: number, n: number): void => {
    let at: number;
    let x0 = 0;
    let x1 = 0;
    const lazy = channelCount === 2;
    if (channelCount === 1) at = k.i32(table, 1)[0];
    else {
      at = mixPtr;
      if (lazy) {
        [x0, x1] = k.i32(table, 2);
        mixDone.fill(0);
      } else k.exports.zero_mixn(table, channelCount, mixPtr, n);
    }
    const mixArr = k.f32(at, n);
    /** The mix of frames [lo, hi) is in mixArr from here on. */
    const ensure = (lo: number, hi: number): void => {
      if (!lazy) return;
      for (let b = Math.floor(lo / MIX_BLOCK); b * MIX_BLOCK < hi; b++) {
        if (mixDone[b]) continue;
        const s = b * MIX_BLOCK;
        k.exports.zero_mix2(x0 + 4 * s, x1 + 4 * s, mixPtr + 4 * s, Math.min(MIX_BLOCK, n - s));
        mixDone[b] = 1;
      }
    };
    const chunkStart = st.position;
    let lastNonZeroAbs = st.lastNonZeroAbs;
    let zeroStart = st.zeroStart;
    // The kernels scan the two channels themselves (lazy), or the one channel or the mix.
    const scan0 = lazy ? x0 : at;
    const scan1 = lazy ? x1 : 0;
    /** The run reached minRun at `position` (it now counts): take its "before" context. */
    const takeBeforeContext = (position: number): void => {
      const i = position - chunkStart;
      ensure(Math.max(0, i - context), i);
      const rms = contextBeforeRms(mixArr, chunkStart, position, minRun - 1);
      st.abruptnessBefore = rms > 0 ? lastNonZeroAbs / rms : 0;
      st.edgeBeforeAbs = lastNonZeroAbs;
    };
    let i = 0;
    while (i < n) {
      if (zeroStart < 0 && pending === null) {
        // The common case: inside signal, nothing pending. Skip to the next run of zeros that
        // may count (the runs too short to, isolated zeros of quiet 16-bit audio among them,
        // change nothing but which sample was the last one not 0).
        i = k.exports.zero_skip_short(scan0, scan1, i, n, minRun, lastPtr);
        const last = k.i32(lastPtr, 1)[0];
        if (last >= 0) {
          ensure(last, last + 1);
          const v = mixArr[last];
          lastNonZeroAbs = v < 0 ? -v : v;
        }
        if (i === n) break;
      }
      ensure(i, i + 1);
      let v = mixArr[i];
      if (!Number.isFinite(v)) v = 0;
      const position = chunkStart + i;
      if (v === 0 && pending === null) {
        // Inside a run, nothing waiting for its after-context: on to the run's end, taking its
        // "before" context where it reaches minRun (the run then counts).
        if (zeroStart < 0) zeroStart = position;
        const end = k.exports.zero_run_end(scan0, scan1, i, n);
        const counts = zeroStart + minRun - 1;
        if (counts >= position && counts < chunkStart + end) takeBeforeContext(counts);
        i = end;
        continue;
      }
      if (v === 0) {
        if (zeroStart < 0) zeroStart = position;
        else if (position - zeroStart + 1 === minRun) takeBeforeContext(position);
      } else {
        if (zeroStart >= 0) {
          const length = position - zeroStart;
          if (length >= minRun) {
            finalize();
            pending = { start: zeroStart, length, before: st.abruptnessBefore, beforeAbs: st.edgeBeforeAbs, afterAbs: Math.abs(v), afterSumSq: 0, afterCount: 0 };
          }
          zeroStart = -1;
        }
        lastNonZeroAbs = v < 0 ? -v : v;
      }
      if (pending !== null) {
        pending.afterSumSq += v * v;
        if (++pending.afterCount === context) finalize();
      }
      i++;
    }
    // Keep the chunk's tail for the next chunk's "before" contexts.
    ensure(Math.max(0, n - context), n);
    for (let p = Math.max(chunkStart, chunkStart + n - context); p < chunkStart + n; p++) {
      let v = mixArr[p - chunkStart];
      if (v - v !== 0) v = 0;
      ring[p % context] = v;
    }
    st.position = chunkStart + n;
    st.lastNonZeroAbs = lastNonZeroAbs;
    st.zeroStart = zeroStart;
  };

  const analysis: ZeroRunsAnalysis = {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      for (let from = 0; from < n; from += staging.maxFrames) {
        const len = Math.min(staging.maxFrames, n - from);
        run(staging.stage(channels, from, len), len);
      }
    },
    settled() {
      if (st.position < ownEnd) return false;
      const open = st.zeroStart >= 0 && st.zeroStart < ownEnd;
      return !open && !(pending !== null && pending.start < ownEnd);
    },
    cut(end) {
      ownEnd = end;
    },
    partial(final) {
      if (final) finalize();
      // A run reaching the end of the file is trailing silence, not a dropout: not reported.
      return { runs: runs.slice(), totalRuns: st.totalRuns };
    },
    finish() {
      return finishZeroRuns(sampleRateHz, this.partial(true));
    },
    release: (): void => undefined,
  };
  analysis.release = owned(analysis, () => {
    if (mixPtr !== 0) k.exports.free(mixPtr);
    k.exports.free(lastPtr);
    staging.release();
  });
  return analysis;
}
