/**
 * Sample statistics of consecutive stretches merge exactly: runs of clipped samples and of
 * identical plateau values that cross a seam count once, the noise floor sees the 50 ms windows
 * across it, min/max counts add up. Checked against one pass for seams on the SUM_BLOCK grid.
 */
import { describe, expect, it } from 'vitest';
import {
  SUM_BLOCK,
  createSampleStats,
  finishSampleStats,
  mergeSampleStats,
  type SampleStatsPartial,
} from '../../../src/core/levels/sample-stats';

function partialOf(sr: number, x: Float32Array[], from: number, to: number): SampleStatsPartial {
  const acc = createSampleStats(sr, x.length);
  for (let p = from; p < to; p += 10007) acc.push(x.map((c) => c.subarray(p, Math.min(to, p + 10007))));
  return acc.partial();
}

function signal(n: number, seams: number[]): Float32Array {
  const x = new Float32Array(n);
  let s = 99;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    x[i] = Math.round(((s / 4294967296 - 0.5) * 0.6 + 0.1 * Math.sin(i / 40)) * 32768) / 32768;
  }
  seams.forEach((at, k) => {
    x.fill(0.0001, at - 480, at + 480); // a quiet 60 ms across the seam: the only 50 ms windows this quiet cross it
    if (k % 3 === 0) x.fill(1, at - 2, at + 2); // clip run 2 + 2: counts once, in neither part alone
    if (k % 3 === 1) x.fill(0.25, at - 2, at + 1); // plateau run 2 + 1
    if (k % 3 === 2) x.fill(-0.25, at - 4, at + 4); // plateau run 4 + 4: once, not twice
    x.fill(0.25, at + 5000, at + 5004);
    x.fill(-0.25, at + 9000, at + 9004);
  });
  return x;
}

describe('mergeSampleStats', () => {
  it('equals one pass for stretches cut on the sum-block grid, and off it up to rounding', () => {
    const sr = 16000;
    // On the SUM_BLOCK grid, and on the 1 ms grid only.
    const seams = [1, 2, 3, 4, 5, 6].map((k) => k * SUM_BLOCK - (k % 2) * 16 * 37);
    const x = [signal(7 * SUM_BLOCK + 333, seams), signal(7 * SUM_BLOCK + 333, seams.slice(1)).map((v) => -v)];
    const whole = partialOf(sr, x, 0, x[0].length);
    const cuts = [0, ...seams, x[0].length];
    const parts = cuts.slice(1).map((to, k) => partialOf(sr, x, cuts[k], to));
    const merged = parts.slice(1).reduce(mergeSampleStats, parts[0]);
    merged.channels.forEach((m, c) => {
      const w = whole.channels[c];
      for (const key of ['count', 'zeros', 'min', 'max', 'minCount', 'maxCount', 'clipped', 'clipRuns', 'floor', 'allMax', 'subIndex'] as const) {
        expect(m[key], `${c}.${key}`).toBe(w[key]);
      }
      expect(m.pos, `${c}.pos`).toEqual(w.pos);
      expect(m.neg, `${c}.neg`).toEqual(w.neg);
      const total = (p: typeof m): [number, number] => [p.sum + p.sumComp + p.blockSum, p.sumSq + p.sumSqComp + p.blockSumSq];
      const [ms, mss] = total(m);
      const [ws, wss] = total(w);
      expect(Math.abs(ms - ws)).toBeLessThan(1e-12 * Math.abs(ws) + 1e-12);
      expect(Math.abs(mss - wss)).toBeLessThan(1e-12 * wss);
    });
    expect(whole.channels[0].clipRuns).toBe(2);
    expect(whole.channels[0].floor).toBe(0.25); // from a window across a seam (elsewhere ≥ 0.37)
    const a = finishSampleStats(whole);
    const b = finishSampleStats(merged);
    expect(b.clipping).toEqual(a.clipping);
    expect(b.channelDetails.map((d) => d.flatTop)).toEqual(a.channelDetails.map((d) => d.flatTop));
    expect(b.overall.rmsDbfs).toBeCloseTo(a.overall.rmsDbfs as number, 10);
  });
});
