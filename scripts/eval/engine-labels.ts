/**
 * Labelled material for the engine tests and scripts/eval/engines-f1.ts, built as the eval builds it (scripts/eval/dataset.ts):
 * real LibriVox prompts (16 kHz) separated by exact digital silence, labelled on the clean prompt.
 *
 * Scoring is on 10 ms frames, with "don't care" zones derived from the signal itself: between a
 * label edge and the nearest exact digital silence lies the prompt's own lead-in room tone, breath
 * and word-final decay. Whether that is speech is a matter of definition, so a frame there is not
 * scored, nor are frames within `collarSec` (the engine's hop + padding) of that zone.
 */
import type { TimeRange } from '../../src/core/types';
import { buildSequence, makeCell, type Cell, type NoiseKind } from './dataset';

export const FRAME_SEC = 0.01;

export interface Labelled {
  cell: Cell;
  durationSec: number;
  truth: TimeRange[];
  /** Extents of non-silent audio (prompts with their lead-in and tail), on the clean sequence. */
  sounding: TimeRange[];
}

let sequence: ReturnType<typeof buildSequence> | null = null;

export function labelled(gainDb: number, noise: NoiseKind = 'none', snrDb: number | null = null): Labelled {
  sequence ??= buildSequence('librivox', 7, 1);
  const seq = sequence;
  const sr = seq.sampleRateHz;
  // Runs of non-zero samples; fewer than 50 ms of zeros inside a prompt are zero crossings, not gaps.
  const sounding: TimeRange[] = [];
  const x = seq.samples;
  const minGap = Math.round(0.05 * sr);
  let i = 0;
  while (i < x.length) {
    while (i < x.length && x[i] === 0) i++;
    if (i >= x.length) break;
    const start = i;
    let lastNonZero = i;
    for (; i < x.length; i++) {
      if (x[i] !== 0) lastNonZero = i;
      else if (i - lastNonZero >= minGap) break;
    }
    sounding.push({ startSec: start / sr, endSec: (lastNonZero + 1) / sr });
  }
  const cell = makeCell(seq, gainDb, noise, snrDb, 3);
  return {
    cell,
    durationSec: cell.samples.length / sr,
    truth: seq.speech.map((r) => ({ startSec: r.start / sr, endSec: r.end / sr })),
    sounding,
  };
}

function flags(ranges: readonly TimeRange[], frames: number): Uint8Array {
  const out = new Uint8Array(frames);
  for (const r of ranges) {
    for (let i = Math.max(0, Math.floor(r.startSec / FRAME_SEC)); i < frames; i++) {
      const c = (i + 0.5) * FRAME_SEC;
      if (c >= r.endSec) break;
      if (c >= r.startSec) out[i] = 1;
    }
  }
  return out;
}

export interface FrameScore {
  f1: number;
  precision: number;
  recall: number;
  scoredFrames: number;
}

/** Frame F1 of `detected` against the labels, outside the don't-care zones (see the file comment). */
export function frameScore(l: Labelled, detected: readonly TimeRange[], collarSec: number): FrameScore {
  const frames = Math.floor(l.durationSec / FRAME_SEC);
  const truth = flags(l.truth, frames);
  const det = flags(detected, frames);
  const ambiguous: TimeRange[] = [];
  for (const s of l.sounding) {
    const inside = l.truth.filter((t) => t.endSec > s.startSec && t.startSec < s.endSec);
    if (inside.length === 0) {
      ambiguous.push({ startSec: s.startSec - collarSec, endSec: s.endSec + collarSec });
      continue;
    }
    ambiguous.push({ startSec: s.startSec - collarSec, endSec: inside[0].startSec + collarSec });
    ambiguous.push({ startSec: inside[inside.length - 1].endSec - collarSec, endSec: s.endSec + collarSec });
  }
  const skip = flags(ambiguous, frames);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let scored = 0;
  for (let i = 0; i < frames; i++) {
    if (skip[i]) continue;
    scored++;
    if (truth[i] && det[i]) tp++;
    else if (truth[i]) fn++;
    else if (det[i]) fp++;
  }
  return {
    f1: tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    scoredFrames: scored,
  };
}
