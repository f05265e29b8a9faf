import { describe, expect, it } from 'vitest';
import { choosePeaksBucket, createPeaksAccumulator } from '../../../src/core/display/peaks';
import { createSpectrogramAccumulator, planSpectrogram } from '../../../src/core/display/spectrogram';
import type { Accumulator } from '../../../src/core/types';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';


const sine = (sr: number, n: number, amp: number, hz: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / sr));

/** Push in random chunk lengths 0..maxChunk (zero-length chunks on purpose). */
function runRandom<R>(acc: Accumulator<R>, channels: Float32Array[], seed: number, maxChunk: number): R {
  const r = rng(seed);
  const n = channels[0].length;
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + Math.floor(r() * (maxChunk + 1)));
    acc.push(channels.map((c) => c.subarray(i, end)));
    i = end;
  }
  return acc.finish();
}

function runWhole<R>(acc: Accumulator<R>, channels: Float32Array[]): R {
  acc.push(channels);
  return acc.finish();
}

describe('peaks', () => {
  it('gives the exact min and max of each bucket of a ramp', () => {
    const x = Float32Array.from({ length: 10 }, (_, i) => i / 10 - 0.5);
    const p = runWhole(createPeaksAccumulator(8000, 1, 4), [x]);
    expect(p.frameCount).toBe(10);
    // buckets [0..3], [4..7], [8..9] (partial)
    expect(Array.from(p.channels[0])).toEqual(Array.from(Float32Array.from([-0.5, -0.2, -0.1, 0.2, 0.3, 0.4])));
  });

  it('shows ±A for a sine of amplitude A when a bucket holds a full period', () => {
    const sr = 16000;
    const a = 0.5;
    const p = runWhole(createPeaksAccumulator(sr, 1, 160), [sine(sr, sr, a, 400)]); // 10 ms buckets, 4 periods each
    const v = p.channels[0];
    expect(v.length).toBe(200);
    // Sampled peaks fall short of A by at most A·(1 − cos(π·f/sr)).
    const tol = a * (1 - Math.cos((Math.PI * 400) / sr)) + 1e-6;
    for (let b = 0; b < 100; b++) {
      expect(v[2 * b]).toBeLessThanOrEqual(-a + tol);
      expect(v[2 * b + 1]).toBeGreaterThanOrEqual(a - tol);
    }
  });

  it('does not depend on how the audio is chunked', () => {
    const r = rng(7);
    const left = Float32Array.from({ length: 50_003 }, () => r() * 2 - 1);
    const right = Float32Array.from({ length: 50_003 }, () => r() - 0.5);
    const whole = runWhole(createPeaksAccumulator(16000, 2, 37), [left, right]);
    for (const seed of [1, 2, 3]) {
      const chunked = runRandom(createPeaksAccumulator(16000, 2, 37), [left, right], seed, 997);
      expect(chunked.channels).toEqual(whole.channels);
      expect(chunked.frameCount).toBe(whole.frameCount);
    }
    expect(whole.channels[0].length).toBe(2 * Math.ceil(50_003 / 37));
  });

  it('draws non-finite samples as 0', () => {
    const p = runWhole(createPeaksAccumulator(8000, 1, 3), [Float32Array.from([NaN, Infinity, -Infinity])]);
    expect(Array.from(p.channels[0])).toEqual([0, 0]);
  });

  it('chooses a bucket that bounds the overview size', () => {
    expect(choosePeaksBucket(24_000)).toBe(1);
    expect(choosePeaksBucket(600 * 48_000)).toBe(288);
    expect(choosePeaksBucket(0)).toBe(1);
  });
});

describe('spectrogram', () => {
  it('plans a ~32 ms window and a hop bounded by the frame budget', () => {
    expect(planSpectrogram(8000, 24_000).fftSize).toBe(256);
    expect(planSpectrogram(16000, 16_000).fftSize).toBe(512);
    expect(planSpectrogram(48000, 48_000).fftSize).toBe(2048);
    expect(planSpectrogram(16000, 16_000).hopSamples).toBe(128);
    expect(planSpectrogram(48000, 600 * 48_000).hopSamples).toBe(12_000);
  });

  it('puts a full-scale sine on a bin centre at 0 dB, in the right bin, and nothing far away', () => {
    const sr = 16000;
    const plan = planSpectrogram(sr, sr);
    const hz = (64 * sr) / plan.fftSize; // bin centre: 2000 Hz
    const s = runWhole(createSpectrogramAccumulator(sr, 1, plan), [sine(sr, sr, 1, hz)]);
    expect(s.topDb).not.toBeNull();
    expect(Math.abs(s.topDb ?? NaN)).toBeLessThan(0.01);
    expect(s.frameCount).toBe(Math.ceil(sr / plan.hopSamples));
    expect(s.binCount).toBe(256);
    expect(s.binHz).toBeCloseTo(31.25, 10);
    const peakBin = Math.floor(hz / s.binHz);
    const mid = Math.floor(s.frameCount / 2) * s.binCount;
    const frame = s.channels[0].subarray(mid, mid + s.binCount);
    expect(frame[peakBin]).toBe(255);
    // Hann side lobes are below −90 dB a kilohertz away.
    for (let b = 0; b < s.binCount; b++) if (Math.abs(b - peakBin) * s.binHz > 1000) expect(frame[b]).toBe(0);
  });

  it('shows a quieter channel darker by its level difference', () => {
    const sr = 8000;
    const plan = planSpectrogram(sr, sr);
    const hz = (32 * sr) / plan.fftSize;
    const s = runWhole(createSpectrogramAccumulator(sr, 2, plan), [sine(sr, sr, 1, hz), sine(sr, sr, 0.1, hz)]);
    const mid = Math.floor(s.frameCount / 2) * s.binCount + Math.floor(hz / s.binHz);
    // −20 dB over a 90 dB range is 255·20/90 ≈ 56.7 steps darker.
    expect(s.channels[0][mid] - s.channels[1][mid]).toBeGreaterThanOrEqual(56);
    expect(s.channels[0][mid] - s.channels[1][mid]).toBeLessThanOrEqual(58);
  });

  it('does not depend on how the audio is chunked, for short and long hops', () => {
    const r = rng(11);
    const n = 40_000;
    const a = Float32Array.from({ length: n }, () => r() * 2 - 1);
    const b = Float32Array.from({ length: n }, (_, i) => Math.sin(i / 5) * 0.3);
    for (const plan of [planSpectrogram(16000, n), { ...planSpectrogram(16000, n), hopSamples: 3001 }]) {
      const whole = runWhole(createSpectrogramAccumulator(16000, 2, plan), [a, b]);
      for (const seed of [4, 5]) {
        const chunked = runRandom(createSpectrogramAccumulator(16000, 2, plan), [a, b], seed, 5000);
        expect(chunked.frameCount).toBe(whole.frameCount);
        expect(chunked.channels).toEqual(whole.channels);
      }
      expect(whole.frameCount).toBe(Math.ceil(n / plan.hopSamples));
    }
  });

  it('leaves digital silence blank and handles audio shorter than one window', () => {
    const silent = runWhole(createSpectrogramAccumulator(8000, 1, planSpectrogram(8000, 1000)), [new Float32Array(1000)]);
    expect(silent.topDb).toBeNull();
    expect(silent.channels[0].every((v) => v === 0)).toBe(true);
    const tiny = runWhole(createSpectrogramAccumulator(8000, 1, planSpectrogram(8000, 10)), [sine(8000, 10, 0.5, 1000)]);
    expect(tiny.frameCount).toBe(1);
    const empty = runWhole(createSpectrogramAccumulator(8000, 1, planSpectrogram(8000, 0)), [new Float32Array(0)]);
    expect(empty.frameCount).toBe(0);
  });
});
