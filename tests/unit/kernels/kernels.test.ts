import { describe, expect, it } from 'vitest';
import { createStaging, kernels } from '../../../src/core/kernels/runtime';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';

/**
 * `kernel` (x, out, n) over 200 000 values of each draw, against `reference` value by value
 * (Object.is: the same bits), then in place (x = out), as the echo and WADA kernels call it.
 */
function expectSameBits(kernel: (x: number, out: number, n: number) => void, reference: (v: number) => number, draws: Array<() => number>): void {
  const k = kernels();
  const n = 200_000;
  const x = k.alloc(8 * n);
  const out = k.alloc(8 * n);
  try {
    for (const draw of draws) {
      const xs = k.f64(x, n);
      for (let i = 0; i < n; i++) xs[i] = draw();
      kernel(x, out, n);
      const ys = k.f64(out, n);
      const inputs = k.f64(x, n);
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (!Object.is(ys[i], reference(inputs[i]))) mismatches++;
      expect(mismatches).toBe(0);
      kernel(x, x, n);
      const again = k.f64(x, n);
      const results = k.f64(out, n);
      for (let i = 0; i < n; i++) if (!Object.is(again[i], results[i])) mismatches++;
      expect(mismatches).toBe(0);
    }
  } finally {
    k.exports.free(x);
    k.exports.free(out);
  }
}

describe('the analysis kernels', () => {
  it("compute log bit for bit as JavaScript's Math.log, two at a time, edge cases and subnormals included", () => {
    const r = rng(3);
    expectSameBits((x, out, n) => kernels().exports.log_many(x, out, n), Math.log, [
      () => r() * 10,
      () => r() * 1e-300,
      () => 1 + (r() - 0.5) * 1e-6,
      () => Math.exp((r() - 0.5) * 1400),
      () => r() * 1e-310, // subnormal
      () => 2 ** Math.floor((r() - 0.5) * 2000),
      () => 2 ** Math.floor((r() - 0.5) * 200) * (1 + (r() - 0.5) * 4e-6), // the reduced argument near 1: another formula
      () => 2 ** Math.floor((r() - 0.5) * 200) * (0.7 + r() * 0.75), // both of the general case's formulas
      () => [0, -0, Infinity, -Infinity, -1, NaN, 1, 2, 0.5, Number.MIN_VALUE, Number.MAX_VALUE][Math.floor(r() * 11)],
    ]);
  });

  it("compute log10 bit for bit as JavaScript's Math.log10 (the VAD's levels), edge cases and subnormals included", () => {
    const r = rng(4);
    expectSameBits((x, out, n) => kernels().exports.log10_many(x, out, n), Math.log10, [
      () => r() * 10,
      () => Math.exp((r() - 0.5) * 1400),
      () => Math.fround(r() * 1e-3) ** 2 / 3, // band powers' 3-hop means
      () => r() * 1e-310, // subnormal
      () => 10 ** Math.floor((r() - 0.5) * 600), // exact powers of ten
      () => 2 ** Math.floor((r() - 0.5) * 2000) * (1 + (r() - 0.5) * 4e-6),
      () => [0, -0, Infinity, -Infinity, -1, NaN, 1, 10, 0.1, Number.MIN_VALUE, Number.MAX_VALUE][Math.floor(r() * 11)],
    ]);
  });

  it('give the real FFT\'s complex bins as a direct DFT does (e^−2πikn/N), to rounding', () => {
    const k = kernels();
    const r = rng(5);
    for (const size of [8, 16, 64, 512, 4096]) {
      const plan = k.exports.fft_plan_new(size);
      const re = k.alloc(8 * (size / 2 + 1));
      const im = k.alloc(8 * (size / 2 + 1));
      try {
        const x = Array.from({ length: size }, (_, n) => r() - 0.5 + Math.sin(2 * Math.PI * 0.173 * n));
        k.f64(k.exports.fft_plan_input(plan), size).set(x);
        k.exports.fft_complex(plan, k.exports.fft_plan_input(plan), re, im);
        const gotRe = k.f64(re, size / 2 + 1);
        const gotIm = k.f64(im, size / 2 + 1);
        for (const bin of [0, 1, 2, Math.floor(size / 7), size / 4, size / 2 - 1, size / 2]) {
          let a = 0;
          let b = 0;
          for (let n = 0; n < size; n++) {
            a += x[n] * Math.cos((2 * Math.PI * bin * n) / size);
            b -= x[n] * Math.sin((2 * Math.PI * bin * n) / size);
          }
          expect(Math.abs(gotRe[bin] - a), `N=${size} re ${bin}`).toBeLessThan(1e-9 * size);
          expect(Math.abs(gotIm[bin] - b), `N=${size} im ${bin}`).toBeLessThan(1e-9 * size);
        }
      } finally {
        k.exports.fft_plan_free(plan);
        k.exports.free(re);
        k.exports.free(im);
      }
    }
  });

  it('transform complex points in single precision (the echo\'s FFT) as a direct DFT does, within 1e-6 of the largest bin', () => {
    const k = kernels();
    const r = rng(17);
    for (const m of [16, 32, 64, 128, 2048, 4096]) {
      const plan = k.exports.fft32_plan_new(m);
      try {
        // Noise plus a tone between bins and an offset: every bin is non-zero, the largest far above the rest.
        const xr = Array.from({ length: m }, (_, n) => Math.fround(r() - 0.5 + 4 * Math.cos((2 * Math.PI * 3.3 * n) / m) + 0.5));
        const xi = Array.from({ length: m }, (_, n) => Math.fround(r() - 0.5 - 4 * Math.sin((2 * Math.PI * 3.3 * n) / m)));
        k.f32(k.exports.fft32_re(plan), m).set(xr);
        k.f32(k.exports.fft32_im(plan), m).set(xi);
        k.exports.fft32_run(plan);
        const re = k.f32(k.exports.fft32_re(plan), m).slice();
        const im = k.f32(k.exports.fft32_im(plan), m).slice();
        const pos = new Uint32Array(k.u8(k.exports.fft32_pos(plan), 4 * m).slice().buffer);
        expect(new Set(pos).size, `m=${m}: pos is a permutation`).toBe(m);
        const want: Array<[number, number]> = [];
        for (let bin = 0; bin < m; bin++) {
          let a = 0;
          let b = 0;
          for (let n = 0; n < m; n++) {
            const c = Math.cos((2 * Math.PI * bin * n) / m);
            const s = -Math.sin((2 * Math.PI * bin * n) / m);
            a += xr[n] * c - xi[n] * s;
            b += xr[n] * s + xi[n] * c;
          }
          want.push([a, b]);
        }
        const peak = Math.max(...want.map(([a, b]) => Math.hypot(a, b)));
        let worst = 0;
        for (let bin = 0; bin < m; bin++) worst = Math.max(worst, Math.hypot(re[pos[bin]] - want[bin][0], im[pos[bin]] - want[bin][1]));
        expect(worst / peak, `m=${m}`).toBeLessThan(1e-6);
      } finally {
        k.exports.fft32_plan_free(plan);
      }
    }
    expect(k.exports.fft32_plan_new(8)).toBe(0);
    expect(k.exports.fft32_plan_new(48)).toBe(0);
  });

  it('transform four inputs at once in single precision as the f64 FFT does, to its rounding', () => {
    const k = kernels();
    const r = rng(11);
    for (const size of [8, 16, 32, 64, 128, 512, 1024, 8192]) {
      const plan = k.exports.fft_plan_new(size);
      const plan4 = k.exports.fft4_plan_new(size);
      try {
        // Noise, a tone far above a faint floor, an impulse, and DC: lane j gets input j.
        const inputs = [
          Array.from({ length: size }, () => r() - 0.5),
          Array.from({ length: size }, (_, n) => Math.sin((2 * Math.PI * 0.1237 * n)) + 1e-4 * (r() - 0.5)),
          Array.from({ length: size }, (_, n) => (n === 3 ? 1 : 0)),
          Array.from({ length: size }, () => 0.25),
        ].map((x) => x.map(Math.fround));
        const in4 = k.f32(k.exports.fft4_plan_input(plan4), 4 * size);
        inputs.forEach((x, j) => x.forEach((v, n) => (in4[4 * n + j] = v)));
        k.exports.fft4_power(plan4);
        const out4 = k.f32(k.exports.fft4_plan_output(plan4), 4 * (size / 2 + 1)).slice();
        inputs.forEach((x, j) => {
          k.f64(k.exports.fft_plan_input(plan), size).set(x);
          k.exports.fft_power(plan, k.exports.fft_plan_input(plan), k.exports.fft_plan_output(plan));
          const ref = k.f64(k.exports.fft_plan_output(plan), size / 2 + 1);
          const peak = Math.max(...ref);
          for (let b = 0; b <= size / 2; b++) {
            const got = out4[4 * b + j];
            // Single precision: each stage's rounding is ~6e-8 of the amplitudes it adds, so the
            // amplitude of every bin is within 1e-6 of the peak's (−120 dB) of the f64 transform's.
            expect(Math.abs(Math.sqrt(got) - Math.sqrt(ref[b])), `N=${size} lane ${j} bin ${b}`).toBeLessThan(1e-6 * Math.sqrt(peak));
          }
        });
      } finally {
        k.exports.fft_plan_free(plan);
        k.exports.fft4_plan_free(plan4);
      }
    }
  });

  it('convert every 16-bit sample to x / 32768 bit for bit, in mono, stereo and three channels, at any frame count', () => {
    const k = kernels();
    const i16 = (ptr: number, n: number): Int16Array => new Int16Array(k.u8(ptr, 2 * n).buffer, ptr, n);
    // Every int16 value (7919 is odd, so any 65 536 consecutive samples reach each value once),
    // and frame counts around the vector loops' eight frames, whose tails the scalar loop takes.
    const frames = 65_536 + 5;
    const src = k.alloc(2 * 3 * frames);
    const out = k.alloc(4 * 3 * (frames + 3));
    try {
      for (const C of [1, 2, 3]) {
        for (const n of [frames, 7, 8, 9, 1]) {
          const samples = i16(src, C * n);
          for (let i = 0; i < C * n; i++) samples[i] = ((i * 7919 + C) & 0xffff) - 32768;
          const stride = n + 3;
          k.exports.pcm16_deinterleave(src, n, C, out, stride);
          const planar = k.f32(out, C * stride);
          const pcm = i16(src, C * n);
          let mismatches = 0;
          for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) if (!Object.is(planar[c * stride + i], pcm[i * C + c] / 32768)) mismatches++;
          expect(mismatches).toBe(0);
        }
      }
      // (the sweep reaches −32768, 32767 and 0: −1, 0.99997 and +0, not −0, as Object.is tells)
    } finally {
      k.exports.free(src);
      k.exports.free(out);
    }
  });

  it('allocate, free, reuse and grow memory without losing what is stored', () => {
    const k = kernels();
    const a = k.alloc(1000);
    k.u8(a, 1000).fill(7);
    k.exports.free(a);
    const b = k.alloc(1000);
    expect(b).toBe(a); // first fit reuses the freed block
    expect(k.u8(b, 1000).every((v) => v === 0)).toBe(true); // zeroed, not what was freed there
    k.u8(b, 1000).fill(9);
    const big = k.alloc(64 << 20); // grows the memory
    expect(Array.from(k.u8(b, 1000)).every((v) => v === 9)).toBe(true);
    expect(big % 16).toBe(0);
    k.exports.free(big);
    k.exports.free(b);
    expect(() => k.alloc(2 ** 31)).toThrow(/too long to analyse here: the analysis ran out of its 2 GiB of working memory \(it asked for 2048 MB more\)/);
    expect(() => k.alloc(-1)).toThrow(RangeError);
  });

  it('stage plain arrays by copying them, and views of kernel memory in place', () => {
    const k = kernels();
    const s = createStaging(2);
    const plain = [Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6, 7, 8])];
    const views = s.views(plain, 1, 3);
    expect(views.map((v) => Array.from(v))).toEqual([
      [2, 3, 4],
      [6, 7, 8],
    ]);
    expect(views.every((v) => k.holds(v))).toBe(true);
    const again = s.views(views, 1, 2);
    expect(again[0].byteOffset).toBe(views[0].byteOffset + 4); // no copy
    expect(Array.from(again[1])).toEqual([7, 8]);
    s.release();
  });
});
