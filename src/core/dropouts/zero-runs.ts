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
  // Ring of the last `context` mono-mix samples (squared and absolute) before the current one.
  const ringSq = new Float64Array(context);
  let ringPos = 0;
  let ringSumSq = 0;
  let position = 0;
  let lastNonZeroAbs = 0;
  let zeroStart = -1;
  let abruptnessBefore = 0;
  const runs: ZeroRun[] = [];
  let totalRuns = 0;
  // A finished run waits here until `context` samples after it have been seen.
  let pending: { start: number; length: number; before: number; afterAbs: number; afterSumSq: number; afterCount: number } | null = null;

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

  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      for (let i = 0; i < n; i++) {
        let allZero = true;
        let mix = 0;
        for (let c = 0; c < channelCount; c++) {
          const v = channels[c][i];
          if (v !== 0 && Number.isFinite(v)) {
            allZero = false;
            mix += v;
          }
        }
        mix /= channelCount;
        if (allZero) {
          if (zeroStart < 0) {
            zeroStart = position;
            // The context before the run, taken now, before the ring fills with its zeros.
            const beforeRms = Math.sqrt(Math.max(0, ringSumSq) / context);
            abruptnessBefore = beforeRms > 0 ? lastNonZeroAbs / beforeRms : 0;
          }
        } else {
          if (zeroStart >= 0) {
            const length = position - zeroStart;
            if (length >= minRun) {
              finalize();
              pending = {
                start: zeroStart,
                length,
                before: abruptnessBefore,
                afterAbs: Math.abs(mix),
                afterSumSq: 0,
                afterCount: 0,
              };
            }
            zeroStart = -1;
          }
          lastNonZeroAbs = Math.abs(mix);
        }
        if (pending && pending.afterCount < context) {
          pending.afterSumSq += mix * mix;
          if (++pending.afterCount === context) finalize();
        }
        const sq = mix * mix;
        ringSumSq += sq - ringSq[ringPos];
        ringSq[ringPos] = sq;
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
