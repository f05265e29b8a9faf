import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSampleStats } from '../../../src/core/levels/sample-stats';
import { randomSizes, rng, runChunked, sine } from './signals';

const sr = 16000;
const db = (x: number): number => 20 * Math.log10(x);

function stats(channels: Float32Array[], sizes = [4096], rate = sr) {
  return runChunked(createSampleStats(rate, channels.length), channels, sizes);
}

describe('sample stats', () => {
  it('reads a sine: peak A, RMS A/√2, crest √2, DC 0', () => {
    // 1 kHz at 16 kHz: 16 samples a period, one of them exactly at the crest (sin(π/2) = 1).
    const A = 0.5;
    const x = sine(sr, 1, A, 1000);
    const s = stats([x]);
    const ch = s.channels[0];
    expect(ch.peakDbfs).toBeCloseTo(db(A), 6);
    expect(ch.rmsDbfs).toBeCloseTo(db(A / Math.SQRT2), 6);
    expect(ch.crestFactor).toBeCloseTo(Math.SQRT2, 6);
    expect(Math.abs(ch.dcOffset)).toBeLessThan(1e-7);
    expect(s.channelDetails[0].sampleCount).toBe(sr);
    expect(s.frameCount).toBe(sr);
    expect(s.overall).toMatchObject({ peakDbfs: ch.peakDbfs, rmsDbfs: ch.rmsDbfs });
  });

  it('reads a DC offset as the mean and adds its power to the RMS', () => {
    const A = 0.25;
    const dc = 0.1;
    const x = sine(sr, 1, A, 500).map((v) => v + dc);
    const ch = stats([x]).channels[0];
    expect(ch.dcOffset).toBeCloseTo(dc, 7);
    expect(ch.rmsDbfs).toBeCloseTo(10 * Math.log10((A * A) / 2 + dc * dc), 5);
    expect(ch.peakDbfs).toBeCloseTo(db(A + dc), 5);
  });

  it('gives null dB, null crest and a full silence ratio for digital silence', () => {
    const s = stats([new Float32Array(sr)]);
    expect(s.channels[0]).toMatchObject({
      peakDbfs: null,
      rmsDbfs: null,
      crestFactor: null,
      noiseFloorDbfs: null,
      digitalSilenceRatio: 1,
      dcOffset: 0,
    });
    expect(s.overall.peakDbfs).toBeNull();
    expect(s.clipping.flatTop.detected).toBe(false);
  });

  it('handles an empty stream', () => {
    const s = runChunked(createSampleStats(sr, 2), [new Float32Array(0), new Float32Array(0)], [1]);
    expect(s.frameCount).toBe(0);
    expect(s.channels[1]).toMatchObject({ peakDbfs: null, rmsDbfs: null, clippingRatio: 0, digitalSilenceRatio: 0 });
  });

  it('counts exact zeros', () => {
    const x = sine(sr, 1, 0.5, 440, 0.1);
    x.fill(0, 1000, 3000);
    const d = stats([x]).channelDetails[0];
    expect(d.zeroSamples).toBe(2000);
    expect(d.digitalSilenceRatio).toBeCloseTo(2000 / sr, 12);
  });

  it('counts NaN and ±Infinity, treats them as 0 and never propagates them', () => {
    const x = sine(sr, 1, 0.5, 1000);
    const ref = x.slice();
    const bad = [10, 20, 30, 4000];
    x[10] = NaN;
    x[20] = Infinity;
    x[30] = -Infinity;
    x[4000] = NaN;
    for (const i of bad) ref[i] = 0;
    const a = stats([x]);
    const b = stats([ref]);
    expect(a.overall.nonFiniteSamples).toBe(4);
    expect(a.channelDetails[0].nonFiniteSamples).toBe(4);
    expect(a.channels).toEqual(b.channels);
    expect(a.channelDetails[0].zeroSamples).toBe(b.channelDetails[0].zeroSamples);
    for (const v of Object.values(a.channels[0])) expect(Number.isNaN(v)).toBe(false);
  });

  it('pools channels for the overall RMS and peak; overall DC is the largest channel DC (SoX)', () => {
    const l = sine(sr, 1, 0.5, 1000).map((v) => v + 0.01);
    const r = sine(sr, 1, 0.1, 1000).map((v) => v - 0.05);
    const s = stats([l, r]);
    const pl = 0.5 ** 2 / 2 + 0.01 ** 2;
    const pr = 0.1 ** 2 / 2 + 0.05 ** 2;
    expect(s.overall.rmsDbfs).toBeCloseTo(10 * Math.log10((pl + pr) / 2), 5);
    expect(s.overall.peakDbfs).toBeCloseTo(db(0.51), 5);
    expect(s.overall.dcOffset).toBeCloseTo(-0.05, 6);
    expect(s.overall.crestFactor).toBeCloseTo(0.51 / Math.sqrt((pl + pr) / 2), 4);
    expect(s.overall.sampleCount).toBe(2 * sr);
    expect(s.channels).toHaveLength(2);
  });

  it('peak count follows SoX: samples equal to the min plus samples equal to the max', () => {
    const x = new Float32Array([0.1, 0.5, -0.3, 0.5, -0.3, 0.2, 0.5]);
    expect(stats([x], [2]).channelDetails[0].peakCount).toBe(5);
  });

  describe('noise floor', () => {
    it('is the max |x| of the quietest 50 ms window', () => {
      // 1 s at 0.5, 0.2 s at 0.01 (1 kHz covers its crests), 1 s at 0.5.
      const loud = sine(sr, 1, 0.5, 1000);
      const quiet = sine(sr, 0.2, 0.01, 1000);
      const x = new Float32Array(loud.length * 2 + quiet.length);
      x.set(loud);
      x.set(quiet, loud.length);
      x.set(loud, loud.length + quiet.length);
      const s = stats([x]);
      expect(s.noiseFloorWindowSec).toBeCloseTo(0.05, 9);
      expect(s.channels[0].noiseFloorDbfs).toBeCloseTo(db(0.01), 4);
    });

    it('matches a brute-force min over 50 ms windows every 1 ms, for any chunking', () => {
      const rate = 2000; // 100-sample windows starting every 2 samples keep the brute force cheap
      const r = rng(7);
      const x = new Float32Array(5000);
      for (let i = 0; i < x.length; i++) x[i] = (r() - 0.5) * (0.05 + 0.9 * Math.abs(Math.sin(i / 300)));
      const w = 100;
      // As it is, and with its first or its last window the quietest by far (the window's first
      // and last positions are where an off-by-one would show).
      const quietFirst = x.map((v, i) => (i < w ? v * 0.01 : v));
      const quietLast = x.map((v, i) => (i >= x.length - w ? v * 0.01 : v));
      for (const signal of [x, quietFirst, quietLast]) {
        let floor = Infinity;
        for (let s = 0; s + w <= signal.length; s += 2) {
          let m = 0;
          for (let k = s; k < s + w; k++) m = Math.max(m, Math.abs(signal[k]));
          floor = Math.min(floor, m);
        }
        for (const seed of [1, 2, 3]) {
          const s = stats([signal], randomSizes(seed, 200, 250), rate);
          expect(s.channels[0].noiseFloorDbfs).toBe(db(floor));
        }
      }
    });

    it('uses the max |x| when the file is shorter than one window, and is overall the loudest channel floor', () => {
      const short = sine(sr, 0.02, 0.3, 1000);
      expect(stats([short]).channels[0].noiseFloorDbfs).toBeCloseTo(db(0.3), 5);
      const a = sine(sr, 0.5, 0.02, 1000);
      const b = sine(sr, 0.5, 0.2, 1000);
      const s = stats([a, b]);
      expect(s.overall.noiseFloorDbfs).toBeCloseTo(db(0.2), 4);
    });

    it('reads a window of digital silence as null', () => {
      const x = sine(sr, 1, 0.5, 1000);
      x.fill(0, 4000, 4000 + 800);
      expect(stats([x]).channels[0].noiseFloorDbfs).toBeNull();
    });
  });

  it('gives the same result for any chunking (property)', () => {
    const r = rng(11);
    const l = new Float32Array(40000);
    const rr = new Float32Array(40000);
    for (let i = 0; i < l.length; i++) {
      l[i] = Math.max(-1, Math.min(1, 1.3 * Math.sin(i / 17) * (r() + 0.2)));
      rr[i] = (r() - 0.5) * 0.01 + 0.002;
    }
    l[123] = NaN;
    rr.fill(0, 5000, 6000);
    const ref = stats([l, rr], [l.length]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9000 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        if (!sizes.some((s) => s > 0)) sizes.push(1);
        const s = stats([l, rr], sizes);
        expect(s.channels).toEqual(ref.channels);
        expect(s.clipping).toEqual(ref.clipping);
        expect(s.overall).toEqual(ref.overall);
      }),
      { numRuns: 40 },
    );
  });

  it('stays accurate over a long stream (10 min at 48 kHz, float64 block sums)', () => {
    const rate = 48000;
    const acc = createSampleStats(rate, 1);
    const chunk = new Float32Array(rate);
    const A = 0.3;
    const dc = 1e-4;
    // 1 kHz at 48 kHz: 48 samples a period, the same second every second.
    for (let i = 0; i < rate; i++) chunk[i] = A * Math.sin((2 * Math.PI * 1000 * i) / rate) + dc;
    let exactSq = 0;
    let exactSum = 0;
    for (let i = 0; i < rate; i++) {
      exactSq += chunk[i] * chunk[i];
      exactSum += chunk[i];
    }
    for (let s = 0; s < 600; s++) acc.push([chunk]);
    const ch = acc.finish().channels[0];
    expect(ch.rmsDbfs).toBeCloseTo(10 * Math.log10(exactSq / rate), 9);
    expect(ch.dcOffset).toBeCloseTo(exactSum / rate, 12);
  });
});
