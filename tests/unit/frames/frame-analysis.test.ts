import { describe, expect, it } from 'vitest';
import { createFrameAnalysis, defaultFftSize, effectiveBandEdges } from '../../../src/core/frames/frame-analysis';
import type { FrameTable } from '../../../src/core/frames/types';
import { randomChunks, sine, table, whiteNoise, scaled, toneBursts } from './signals';

function expectTablesEqual(a: FrameTable, b: FrameTable): void {
  expect(b.frameCount).toBe(a.frameCount);
  expect(b.lastFrameSamples).toBe(a.lastFrameSamples);
  for (let c = 0; c < a.channelCount; c++) expect(b.channelPower[c]).toEqual(a.channelPower[c]);
  expect(b.downmixPower).toEqual(a.downmixPower);
  expect(b.digitalSilence).toEqual(a.digitalSilence);
  expect(b.bandPower).toEqual(a.bandPower);
  expect(b.pair).toEqual(a.pair);
  expect([...b.spectrum.buckets.keys()].sort()).toEqual([...a.spectrum.buckets.keys()].sort());
  for (const [k, bucket] of a.spectrum.buckets) {
    const other = b.spectrum.buckets.get(k);
    expect(other?.frames).toBe(bucket.frames);
    expect(other?.powerSum).toEqual(bucket.powerSum);
  }
}

describe('createFrameAnalysis', () => {
  it('picks 10 ms hops and a 10.7–32 ms power-of-two window', () => {
    expect(defaultFftSize(80)).toBe(256); // 8 kHz: 32 ms
    expect(defaultFftSize(160)).toBe(512); // 16 kHz: 32 ms
    expect(defaultFftSize(221)).toBe(512); // 22.05 kHz: 23 ms
    expect(defaultFftSize(480)).toBe(512); // 48 kHz: 10.7 ms
    expect(defaultFftSize(960)).toBe(1024); // 96 kHz
    const t = table([new Float32Array(16000)], 16000);
    expect(t.hopSamples).toBe(160);
    expect(t.hopSec).toBeCloseTo(0.01, 12);
    expect(t.frameCount).toBe(100);
  });

  it('keeps band edges below Nyquist and closes the top band at Nyquist', () => {
    expect(effectiveBandEdges([200, 500, 1000, 2000, 4000, 8000], 8000)).toEqual([200, 500, 1000, 2000, 4000]);
    expect(effectiveBandEdges([200, 500, 1000, 2000, 4000, 8000], 16000)).toEqual([200, 500, 1000, 2000, 4000, 8000]);
    expect(effectiveBandEdges([200, 500, 1000, 2000, 4000, 8000], 6000)).toEqual([200, 500, 1000, 2000, 3000]);
  });

  it('measures a sine: channel power A²/2, all band power in the band holding f', () => {
    const A = 0.5;
    const t = table([sine(16000, 1, 1500, A)], 16000);
    const i = 50;
    expect(t.channelPower[0][i]).toBeCloseTo((A * A) / 2, 4);
    // 1500 Hz sits in the 1000–2000 Hz band, 16 bins (500 Hz) from either edge: Hann leakage there is < −100 dB.
    const bands = t.bandPower.map((b) => b[i]);
    expect(bands[2]).toBeCloseTo((A * A) / 2, 4);
    expect(bands[0] + bands[1] + bands[3] + bands[4]).toBeLessThan(1e-9);
  });

  it('measures white noise: band power ≈ σ²·(band width / Nyquist)', () => {
    const sigma = 0.1;
    const sr = 16000;
    const x = scaled(whiteNoise(sr * 20, 7), sigma);
    const t = table([x], sr);
    const edges = t.bandEdgesHz;
    for (let b = 0; b < t.bandPower.length; b++) {
      let mean = 0;
      for (let i = 10; i < t.frameCount - 10; i++) mean += t.bandPower[b][i];
      mean /= t.frameCount - 20;
      const expected = (sigma * sigma * (edges[b + 1] - edges[b])) / (sr / 2);
      // 2000 frames of ≥ 10 bins each, half-overlapping: the mean is good to a few per cent.
      expect(mean / expected).toBeGreaterThan(0.93);
      expect(mean / expected).toBeLessThan(1.07);
    }
  });

  it('flags exact digital silence per hop, counts non-finite samples as 0, keeps a short last frame', () => {
    const sr = 8000;
    const x = toneBursts(sr, 1.005, [[0.5, 1.005]], 440, 0.3);
    x[100] = NaN;
    x[200] = Infinity;
    const t = table([x], sr);
    expect(t.frameCount).toBe(101);
    expect(t.lastFrameSamples).toBe(40);
    expect(t.digitalSilence[0]).toBe(1);
    expect(t.digitalSilence[1]).toBe(1);
    expect(t.digitalSilence[49]).toBe(1);
    expect(t.digitalSilence[50]).toBe(0);
    expect(t.digitalSilence[100]).toBe(0);
    expect(t.channelPower[0][1]).toBe(0);
    expect(Number.isFinite(t.bandPower[0][1])).toBe(true);
  });

  it('gives identical tables however the audio is chunked (mono and stereo)', () => {
    const sr = 16000;
    const a = scaled(whiteNoise(sr * 3, 1), 0.2);
    const b = toneBursts(sr, 3, [[0.3, 1.1], [1.7, 2.9]], 700, 0.4);
    for (const chans of [[a], [a, b], [a, b, scaled(a, -0.5)]]) {
      const whole = table(chans, sr);
      for (const seed of [1, 2, 3]) {
        expectTablesEqual(whole, table(chans, sr, randomChunks(seed, 40, 997)));
      }
      expectTablesEqual(whole, table(chans, sr, [1]));
    }
  });

  it('stores channel-pair sums and analyses the side of phase-inverted stereo', () => {
    const sr = 16000;
    const x = sine(sr, 1, 1000, 0.5);
    const t = table([x, scaled(x, -1)], sr);
    const i = 40;
    expect(t.downmixPower[i]).toBe(0);
    expect(t.pair?.sumXY[i]).toBeCloseTo(-t.channelPower[0][i] * t.hopSamples, 3);
    // The mid cancels; the analysis signal switches to the side, which carries the tone.
    const band = t.bandPower[2][i] + t.bandPower[1][i];
    expect(band).toBeCloseTo(0.125, 3);
  });

  it('rejects a mismatched channel count', () => {
    const acc = createFrameAnalysis(8000, 2);
    expect(() => acc.push([new Float32Array(10)])).toThrow();
  });
});
