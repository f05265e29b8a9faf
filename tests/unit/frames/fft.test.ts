import { describe, expect, it } from 'vitest';
import { createPowerSpectrum } from '../../../src/core/dsp/fft';
import { mulberry32 } from '../../../src/core/dsp/rng';
import { kernels } from '../../../src/core/kernels/runtime';

/** |DFT|² by the definition, for reference. */
function naivePower(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      re += x[j] * Math.cos((2 * Math.PI * j * k) / n);
      im -= x[j] * Math.sin((2 * Math.PI * j * k) / n);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

describe('real FFT power spectrum', () => {
  it('matches the DFT definition for every power-of-two size up to 1024 (odd and even radix-4 stage counts)', () => {
    const rand = mulberry32(11);
    for (let n = 2; n <= 1024; n *= 2) {
      const fft = createPowerSpectrum(n);
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = rand() - 0.5 + 0.25;
      const got = new Float64Array(n / 2 + 1);
      fft.power(x, got);
      const want = naivePower(x);
      const peak = Math.max(...want);
      // The naive sum's own rounding is ~n·1e-16 of the peak.
      for (let k = 0; k <= n / 2; k++) expect(Math.abs(got[k] - want[k])).toBeLessThan(1e-13 * peak);
    }
  });

  it('puts a bin-centred sine of amplitude A at (N·A/2)² and nothing elsewhere', () => {
    const n = 8192;
    const fft = createPowerSpectrum(n);
    const x = fft.input;
    const a = 0.3;
    const bin = 1234;
    for (let i = 0; i < n; i++) x[i] = a * Math.cos((2 * Math.PI * bin * i) / n + 0.4);
    const out = new Float64Array(n / 2 + 1);
    fft.power(x, out);
    const expected = ((n * a) / 2) ** 2;
    expect(out[bin] / expected).toBeCloseTo(1, 12);
    let rest = 0;
    for (let k = 0; k <= n / 2; k++) if (k !== bin) rest += out[k];
    expect(rest / expected).toBeLessThan(1e-20);
  });

  it('adds the windowed power of blocks in kernel memory to a running sum, the same bits as power() and a sum here (the hum path)', () => {
    const n = 4096;
    const maxBin = 1229;
    const rand = mulberry32(7);
    const fft = createPowerSpectrum(n);
    const k = kernels();
    const x = k.alloc(8 * n);
    const w = k.alloc(8 * n);
    const sum = k.alloc(8 * (maxBin + 1));
    try {
      const window = new Float64Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
      k.f64(w, n).set(window);
      const want = new Float64Array(maxBin + 1);
      const power = new Float64Array(n / 2 + 1);
      for (let block = 0; block < 3; block++) {
        const samples = new Float64Array(n).map(() => rand() - 0.5);
        k.f64(x, n).set(samples);
        fft.addWindowedPower(x, w, sum, maxBin);
        fft.power(samples.map((v, i) => v * window[i]), power);
        for (let b = 0; b <= maxBin; b++) want[b] += power[b];
      }
      expect(Array.from(k.f64(sum, maxBin + 1))).toEqual(Array.from(want));
      expect(want[maxBin]).toBeGreaterThan(0);
    } finally {
      for (const p of [x, w, sum]) k.exports.free(p);
      fft.release();
    }
  });
});
