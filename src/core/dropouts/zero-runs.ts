/**
 * Runs of exact digital zero (every channel 0.0) and how abruptly the signal enters and leaves
 * them — the raw material of the packet-loss detector.
 *
 * Lost packets replaced by zeros cut the waveform mid-cycle: the sample before the gap is about
 * as large as the local RMS (edge abruptness ≈ 0.6 here). TTS stop closures and µ-law pauses decay
 * into their zeros (≈ 0.1 and 0.0), so edge abruptness separates them where zero counting alone
 * cannot.
 */
import type { Accumulator } from '../types';

export interface ZeroRun {
  startSec: number;
  durationSec: number;
  /** |last sample before| / RMS of the 10 ms before; 0 when that context is silent. */
  abruptnessBefore: number;
  /** |first sample after| / RMS of the 10 ms after. */
  abruptnessAfter: number;
}

export interface ZeroRunsResult {
  runs: ZeroRun[];
  /** Runs seen, including any beyond the stored cap. */
  totalRuns: number;
  minRunSec: number;
}

const MIN_RUN_SEC = 0.002;
const CONTEXT_SEC = 0.01;
const MAX_STORED_RUNS = 20000;

export function createZeroRuns(sampleRateHz: number, channelCount: number): Accumulator<ZeroRunsResult> {
  const minRun = Math.max(2, Math.round(MIN_RUN_SEC * sampleRateHz));
  const context = Math.max(1, Math.round(CONTEXT_SEC * sampleRateHz));
  // Ring of the last `context` mono-mix samples; read only when a run becomes long enough to
  // count, so the per-sample cost is one store.
  const ring = new Float32Array(context);
  let ringPos = 0;
  let position = 0;
  let lastNonZeroAbs = 0;
  let zeroStart = -1;
  let abruptnessBefore = 0;
  const runs: ZeroRun[] = [];
  let totalRuns = 0;
  // A finished run waits here until `context` samples after it have been seen.
  let pending: { start: number; length: number; before: number; afterAbs: number; afterSumSq: number; afterCount: number } | null = null;
  const mixBuffer: { data: Float32Array } = { data: new Float32Array(0) };

  const finalize = (): void => {
    if (!pending) return;
    totalRuns++;
    if (runs.length < MAX_STORED_RUNS) {
      const afterRms = pending.afterCount > 0 ? Math.sqrt(pending.afterSumSq / pending.afterCount) : 0;
      runs.push({
        startSec: pending.start / sampleRateHz,
        durationSec: pending.length / sampleRateHz,
        abruptnessBefore: pending.before,
        abruptnessAfter: afterRms > 0 ? pending.afterAbs / afterRms : 0,
      });
    }
    pending = null;
  };

  /** RMS of the ring's samples before the current run (its zeros add nothing to the sum). */
  const contextBeforeRms = (runLength: number): number => {
    let sum = 0;
    for (let k = 0; k < context; k++) sum += ring[k] * ring[k];
    const n = Math.max(1, Math.min(context, position) - runLength);
    return Math.sqrt(sum / n);
  };

  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      let mixArr: Float32Array;
      if (channelCount === 1) mixArr = channels[0];
      else {
        if (mixBuffer.data.length < n) mixBuffer.data = new Float32Array(n);
        mixArr = mixBuffer.data;
        for (let i = 0; i < n; i++) {
          let mix = 0;
          let allZero = true;
          for (let c = 0; c < channelCount; c++) {
            const v = channels[c][i];
            if (v !== 0 && Number.isFinite(v)) {
              allZero = false;
              mix += v;
            }
          }
          // A frame is "zero" only when every channel is; keep a tiny non-zero marker otherwise
          // (a stereo frame can sum to exactly 0 while its channels are not silent).
          mixArr[i] = allZero ? 0 : mix / channelCount || Number.MIN_VALUE;
        }
      }
      for (let i = 0; i < n; i++) {
        let v = mixArr[i];
        if (!Number.isFinite(v)) v = 0;
        if (v === 0) {
          if (zeroStart < 0) zeroStart = position;
          else if (position - zeroStart + 1 === minRun) {
            // The run now counts: take its "before" context from the ring.
            const rms = contextBeforeRms(minRun - 1);
            abruptnessBefore = rms > 0 ? lastNonZeroAbs / rms : 0;
          }
        } else {
          if (zeroStart >= 0) {
            const length = position - zeroStart;
            if (length >= minRun) {
              finalize();
              pending = { start: zeroStart, length, before: abruptnessBefore, afterAbs: Math.abs(v), afterSumSq: 0, afterCount: 0 };
            }
            zeroStart = -1;
          }
          lastNonZeroAbs = v < 0 ? -v : v;
        }
        if (pending !== null) {
          pending.afterSumSq += v * v;
          if (++pending.afterCount === context) finalize();
        }
        ring[ringPos] = v;
        ringPos = ringPos + 1 === context ? 0 : ringPos + 1;
        position++;
      }
    },
    finish() {
      finalize();
      // A run reaching the end of the file is trailing silence, not a dropout: not reported.
      return { runs, totalRuns, minRunSec: minRun / sampleRateHz };
    },
  };
}
