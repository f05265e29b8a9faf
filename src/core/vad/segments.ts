/**
 * Frame decisions → speech segments: bridge short pauses, drop short bursts, pad.
 * Works in whole frames of `hopSec`; segment times are clipped to [0, durationSec].
 */
import type { TimeRange } from '../types';
import { kernels, withColumns } from '../kernels/runtime';

export interface SegmentRules {
  minSpeechSec: number;
  minSilenceSec: number;
  padSec: number;
}

/** Runs of 1s as [startFrame, endFrame) pairs. */
export function runsOf(flags: Uint8Array): Array<[number, number]> {
  // In the kernels (src/core/kernels/c/frame-sums.c): a cold loop over 360 000 frames here took ~3 ms.
  const n = flags.length;
  return withColumns([flags], n, 4 * (n + 2), ([at], out) => {
    const k = kernels();
    const count = k.exports.runs_of(at, n, out);
    const pairs = k.i32(out, 2 * count);
    return Array.from({ length: count }, (_, r): [number, number] => [pairs[2 * r], pairs[2 * r + 1]]);
  });
}

/**
 * Order: pauses shorter than minSilenceSec are bridged first (so a word split by a stop closure
 * counts as one burst), then bursts shorter than minSpeechSec are dropped, then each segment is
 * padded by padSec on both sides and overlaps merged.
 */
export function segmentsFromFrames(
  raw: Uint8Array,
  hopSec: number,
  durationSec: number,
  rules: SegmentRules,
): TimeRange[] {
  const minSilenceFrames = Math.round(rules.minSilenceSec / hopSec);
  const minSpeechFrames = Math.round(rules.minSpeechSec / hopSec);
  const merged: Array<[number, number]> = [];
  for (const run of runsOf(raw)) {
    const last = merged[merged.length - 1];
    if (last && run[0] - last[1] < minSilenceFrames) last[1] = run[1];
    else merged.push([run[0], run[1]]);
  }
  const kept = merged.filter(([a, b]) => b - a >= minSpeechFrames);
  const out: TimeRange[] = [];
  for (const [a, b] of kept) {
    const startSec = Math.max(0, a * hopSec - rules.padSec);
    const endSec = Math.min(durationSec, b * hopSec + rules.padSec);
    const last = out[out.length - 1];
    if (last && startSec <= last.endSec) last.endSec = Math.max(last.endSec, endSec);
    else out.push({ startSec, endSec });
  }
  return out;
}

/** Frame i is speech when its centre lies inside a segment. */
export function framesFromSegments(segments: readonly TimeRange[], hopSec: number, frameCount: number): Uint8Array {
  const out = new Uint8Array(frameCount);
  for (const s of segments) {
    const first = Math.max(0, Math.ceil(s.startSec / hopSec - 0.5));
    const last = Math.min(frameCount - 1, Math.ceil(s.endSec / hopSec - 0.5) - 1);
    if (last >= first) out.fill(1, first, last + 1);
  }
  return out;
}
