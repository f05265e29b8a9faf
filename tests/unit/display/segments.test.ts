import { describe, expect, it } from 'vitest';
import { createDisplaySegment, finishDisplay, planDisplay, type DisplayPlan } from '../../../src/core/display/display';
import { createPeaksAccumulator, createPeaksSegment, finishPeaks, mergePeaks } from '../../../src/core/display/peaks';
import { createSpectrogramAccumulator } from '../../../src/core/display/spectrogram';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';

/** Bit-exact comparison, fast: the arrays' bytes as one hex string each. */
const bytes = (a: Float32Array | Uint8Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

/** Segment [start, end) fed from `firstPushed` in random chunks while it needs more, as a worker reads it. */
function runSegment(plan: DisplayPlan, channels: Float32Array[], start: number, end: number | null, warmup: number, seed: number) {
  const n = channels[0].length;
  const firstPushed = Math.max(0, start - warmup);
  const acc = createDisplaySegment(plan, { start, end, firstPushed });
  const r = rng(seed);
  let i = firstPushed;
  while (i < n && ((end !== null && i < end) || acc.needsMore())) {
    const to = Math.min(n, i + 1 + Math.floor(r() * 4000));
    acc.push(channels.map((c) => c.subarray(i, to)));
    i = to;
  }
  return acc.partial();
}

function onePass(plan: DisplayPlan, channels: Float32Array[]) {
  const peaks = createPeaksAccumulator(plan.sampleRateHz, plan.channelCount, plan.samplesPerBucket);
  const spectrogram = createSpectrogramAccumulator(plan.sampleRateHz, plan.spectrogramChannels, plan.spectrogram);
  peaks.push(channels);
  spectrogram.push(channels.slice(0, plan.spectrogramChannels));
  return { peaks: peaks.finish(), spectrogram: spectrogram.finish() };
}

/** Speech-like bursts with noise, a NaN and a click, so both views have structure. */
function signal(n: number, channels: number, seed: number): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: channels }, (_, c) =>
    Float32Array.from({ length: n }, (_, i) => {
      if (i === 12_345 + c) return NaN;
      if (i === 40_001) return 0.99;
      const env = (i % 9000) < 6000 ? Math.sin((Math.PI * (i % 9000)) / 6000) : 0;
      return env * (0.4 / (c + 1)) * Math.sin(i / (7 + c)) + 0.01 * (r() - 0.5);
    }),
  );
}

describe('segmented display data', () => {
  const sr = 16_000;
  const n = 100_003;
  const cases: Array<{ name: string; channels: number; plan: (p: DisplayPlan) => DisplayPlan; seams: number[] }> = [
    { name: 'mono, seams inside buckets and hops', channels: 1, plan: (p) => p, seams: [17_001, 50_000, 77_777] },
    { name: 'stereo, buckets of 37 and a hop of 3001', channels: 2, plan: (p) => ({ ...p, samplesPerBucket: 37, spectrogram: { ...p.spectrogram, hopSamples: 3001 } }), seams: [3001, 30_000, 60_017] },
    { name: 'three channels (two shown), seams on the grids', channels: 3, plan: (p) => ({ ...p, samplesPerBucket: 100 }), seams: [20_000, 40_000, 80_000] },
    { name: 'a seam right after the start and one before the end', channels: 2, plan: (p) => p, seams: [1, n - 1] },
  ];
  for (const c of cases) {
    it(`equals one pass: ${c.name}`, () => {
      const audio = signal(n, c.channels, 3);
      const plan = c.plan(planDisplay(sr, c.channels, n));
      const whole = onePass(plan, audio);
      const bounds = [0, ...c.seams, null];
      for (const warmup of [plan.spectrogram.fftSize, 2 * sr]) {
        const partials = bounds.slice(0, -1).map((start, k) => runSegment(plan, audio, start as number, bounds[k + 1], warmup, k + 1));
        const split = finishDisplay(partials);
        const { channels: peaks, ...peaksRest } = split.peaks;
        const { channels: wholePeaks, ...wholePeaksRest } = whole.peaks;
        expect(peaksRest).toEqual(wholePeaksRest);
        expect(peaks.map(bytes)).toEqual(wholePeaks.map(bytes));
        const { channels: spec, ...specRest } = split.spectrogram;
        const { channels: wholeSpec, ...wholeSpecRest } = whole.spectrogram;
        expect(specRest).toEqual(wholeSpecRest);
        expect(spec.map(bytes)).toEqual(wholeSpec.map(bytes));
      }
    });
  }

  it('merges a seam bucket by its min and max', () => {
    const x = Float32Array.from([0.1, -0.3, 0.5, 0.2, -0.1, 0.4]);
    const seg = (start: number, end: number | null) => {
      const s = createPeaksSegment(8000, 1, 4, { start, end, firstPushed: 0 });
      s.push([x]);
      return s.partial();
    };
    // buckets [0..3], [4..5]; the seam at 2 cuts the first bucket
    const merged = finishPeaks([seg(0, 2), seg(2, null)]);
    expect(Array.from(merged.channels[0])).toEqual(Array.from(Float32Array.from([-0.3, 0.5, -0.1, 0.4])));
    expect(merged.frameCount).toBe(6);
    expect(() => mergePeaks(seg(0, 2), seg(3, null))).toThrow(RangeError);
  });

  it('refuses a spectrogram segment pushed from too late for its first window', () => {
    const plan = planDisplay(sr, 1, n);
    expect(() => createDisplaySegment(plan, { start: 16_000, end: null, firstPushed: 16_000 })).toThrow(RangeError);
  });
});
