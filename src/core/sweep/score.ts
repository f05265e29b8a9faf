/**
 * Score VAD segments against labelled speech: leading-word deletion (from segment times, not
 * frames, so it is not quantised by an engine's hop) and 10 ms frame measures. Numbers are
 * rounded (1 ms, 1e-4) so the JSON in a fixture pack is the same wherever it is made.
 */
import type { TimeRange } from '../types';
import type { VadScore } from './types';

export const SCORE_FRAME_SEC = 0.01;

const round = (x: number, step: number): number => Math.round(x / step) * step;
const r3 = (x: number): number => Number(round(x, 1e-3).toFixed(3));
const r4 = (x: number): number => Number(round(x, 1e-4).toFixed(4));

/** Deletion at the onset of `truth`: see VadScore.leadingDeletionSec. */
export function onsetDeletionSec(truth: TimeRange, detected: readonly TimeRange[]): number {
  let earliest = Infinity;
  for (const d of detected) {
    if (d.endSec <= truth.startSec || d.startSec >= truth.endSec) continue;
    if (d.startSec <= truth.startSec) return 0;
    if (d.startSec < earliest) earliest = d.startSec;
  }
  return Number.isFinite(earliest) ? earliest - truth.startSec : truth.endSec - truth.startSec;
}

/** 10 ms frames: frame i is "in" when its centre lies in one of the ranges. */
function frameFlags(ranges: readonly TimeRange[], frameCount: number): Uint8Array {
  const out = new Uint8Array(frameCount);
  for (const r of ranges) {
    const first = Math.max(0, Math.ceil(r.startSec / SCORE_FRAME_SEC - 0.5));
    for (let i = first; i < frameCount; i++) {
      const c = (i + 0.5) * SCORE_FRAME_SEC;
      if (c >= r.endSec) break;
      if (c >= r.startSec) out[i] = 1;
    }
  }
  return out;
}

export function scoreVad(truth: readonly TimeRange[], detected: readonly TimeRange[], durationSec: number, toleranceSec: number): VadScore {
  const frames = Math.floor(durationSec / SCORE_FRAME_SEC + 1e-9);
  const t = frameFlags(truth, frames);
  const d = frameFlags(detected, frames);
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  for (let i = 0; i < frames; i++) {
    if (t[i]) d[i] ? tp++ : fn++;
    else d[i] ? fp++ : tn++;
  }
  const f1 = tp + fn + fp === 0 ? 1 : (2 * tp) / (2 * tp + fn + fp);
  const deletions = truth.map((r) => onsetDeletionSec(r, detected));
  const leading = deletions.length > 0 ? deletions[0] : 0;
  return {
    leadingDeletionSec: r3(leading),
    firstWordMissed: r3(leading) > toleranceSec,
    firstDetectedOnsetSec: detected.length > 0 ? r3(detected[0].startSec) : null,
    worstOnsetDeletionSec: r3(deletions.reduce((a, b) => Math.max(a, b), 0)),
    missedSpeechRatio: r4(tp + fn > 0 ? fn / (tp + fn) : 0),
    falseAlarmRatio: r4(fp + tn > 0 ? fp / (fp + tn) : 0),
    f1: r4(f1),
    segmentCount: detected.length,
  };
}
