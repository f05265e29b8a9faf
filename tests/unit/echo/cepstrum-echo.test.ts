import { describe, expect, it } from 'vitest';
import { createEchoAnalysis, finishEcho, mergeEcho } from '../../../src/core/echo/cepstrum-echo';
import { kernels } from '../../../src/core/kernels/runtime';

/** Speech-like test signal: noise shaped by a syllable-rate envelope, with 2 s phrases and pauses. */
function babble(sampleRateHz: number, seconds: number, seed = 7): Float32Array {
  let s = seed;
  const x = new Float32Array(Math.round(sampleRateHz * seconds));
  let lp = 0;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const t = i / sampleRateHz;
    lp = 0.7 * lp + 0.3 * (s / 2 ** 32 - 0.5);
    const envelope = (t % 3 < 2 ? 1 : 0) * (0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t));
    x[i] = 0.5 * envelope * lp;
  }
  return x;
}

function withEcho(x: Float32Array, sampleRateHz: number, delaySec: number, gain: number): Float32Array {
  const d = Math.round(delaySec * sampleRateHz);
  const y = new Float32Array(x.length + d);
  y.set(x);
  for (let i = 0; i < x.length; i++) y[i + d] += gain * x[i];
  return y;
}

function analyse(x: Float32Array, sampleRateHz: number, chunk = 5000) {
  const e = createEchoAnalysis(sampleRateHz, 1);
  for (let i = 0; i < x.length; i += chunk) e.push([x.subarray(i, i + chunk)]);
  return e.finish();
}

describe('cepstral echo analysis', () => {
  for (const sampleRateHz of [8000, 16000, 48000]) {
    it(`finds a 150 ms echo of gain 0.5 at ${sampleRateHz} Hz: delay ± 5 ms, height well above a clean signal`, () => {
      const r = analyse(withEcho(babble(sampleRateHz, 12), sampleRateHz, 0.15, 0.5), sampleRateHz);
      expect(r.delaySec).toBeCloseTo(0.15, 2);
      // Height ≈ gain for stationary input; bursty input and 1 s blocks read lower (0.29 here, 0.42 on real speech).
      expect(r.peakHeight).toBeGreaterThan(0.2);
      expect(r.peakHeight).toBeLessThan(0.6);
    });
  }

  it('reports no strong peak without an echo', () => {
    const r = analyse(babble(16000, 12), 16000);
    expect(r.peakHeight).toBeLessThan(0.1);
  });

  it('keeps rows only for level buckets with blocks, and merges partials bucket by bucket as one pass', () => {
    const x = withEcho(babble(16000, 40), 16000, 0.2, 0.4);
    // Louder and quieter halves put blocks into different buckets.
    for (let i = 0; i < x.length / 2; i++) x[i] *= 0.05;
    const whole = createEchoAnalysis(16000, 1);
    whole.push([x]);
    const p = whole.partial(true);
    const used = Array.from(p.counts).filter((c) => c > 0).length;
    expect(used).toBeGreaterThan(2);
    expect(p.sums.length).toBe(used * 4097);
    const cut = 8192 * 2 * 20; // on the block grid (8 kHz blocks of 8192 from 16 kHz)
    const a = createEchoAnalysis(16000, 1);
    a.push([x.subarray(0, cut)]);
    const b = createEchoAnalysis(16000, 1);
    b.push([x.subarray(cut)]);
    const merged = mergeEcho([a.partial(false), b.partial(true)]);
    expect(merged.counts).toEqual(p.counts);
    expect(merged.sums).toEqual(p.sums); // each bucket's blocks lie in one half here: the same bits
    expect(finishEcho(16000, merged)).toEqual(whole.finishFrom(p));
  });

  it('gives the same answer however the audio is chunked', () => {
    const x = withEcho(babble(16000, 6), 16000, 0.2, 0.4);
    const a = analyse(x, 16000, 100000);
    const b = analyse(x, 16000, 313);
    expect(b.delaySec).toBe(a.delaySec);
    expect(b.peakHeight).toBe(a.peakHeight); // the decimated blocks are the same bits
  });

  it('takes the cepstrum of the even log spectrum as a DCT-I of half the points, in single precision within 1e-6 of the full f64 transform\'s peak', () => {
    const k = kernels();
    const N = 8192;
    const M = N / 2;
    const e = k.exports.echo_new(N, 1, 2);
    const plan = k.exports.fft_plan_new(N);
    const x = k.alloc(8 * (M + 1));
    const out = k.alloc(8 * (M + 1));
    try {
      let s = 3;
      const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      // A log spectrum's shape: a slope, a ripple (an echo's), noise; and a flat one.
      for (const shape of [(j: number) => -8 * (j / M) + 0.5 * Math.cos((2 * Math.PI * j * 37.3) / M) + 0.3 * (rand() - 0.5), () => -18.4]) {
        const xs = k.f64(x, M + 1);
        for (let j = 0; j <= M; j++) xs[j] = Math.fround(shape(j));
        const full = k.f64(k.exports.fft_plan_input(plan), N);
        for (let j = 0; j <= M; j++) full[j] = xs[j];
        for (let j = 1; j < M; j++) full[N - j] = xs[j];
        k.exports.fft_power(plan, k.exports.fft_plan_input(plan), k.exports.fft_plan_output(plan));
        const want = k.f64(k.exports.fft_plan_output(plan), M + 1).slice();
        k.exports.echo_even_power(e, x, out);
        const got = k.f64(out, M + 1);
        const peak = Math.sqrt(Math.max(...want));
        for (let j = 0; j <= M; j++) expect(Math.abs(Math.sqrt(got[j]) - Math.sqrt(want[j])), `bin ${j}`).toBeLessThan(1e-6 * peak);
      }
    } finally {
      k.exports.echo_free(e);
      k.exports.fft_plan_free(plan);
      k.exports.free(x);
      k.exports.free(out);
    }
  });

  it('sums each block\'s cepstrum into its level bucket as the double-precision definition does, within 5e-6 of the peak per block', () => {
    // The definition in f64, block by block (8 kHz: no decimation): Hann window, power spectrum,
    // log with a floor 80 dB below the peak bin, |cepstrum| / N. Bin 0 is left out: the kernel
    // centres each log spectrum (only quefrency 0 moves), which the echo search never reads.
    const sampleRateHz = 8000;
    const N = 8192;
    const M = N / 2;
    const x = withEcho(babble(sampleRateHz, 30), sampleRateHz, 0.2, 0.4);
    for (let i = 0; i < 3 * N; i++) x[i] *= 0.03; // some blocks in quieter buckets
    const analysis = createEchoAnalysis(sampleRateHz, 1);
    analysis.push([x]);
    const got = analysis.partial(false);
    const k = kernels();
    const plan = k.exports.fft_plan_new(N);
    const want = new Map<number, { sum: Float64Array; blocks: number }>();
    try {
      for (let b = 0; b + N <= x.length; b += N) {
        const input = k.f64(k.exports.fft_plan_input(plan), N);
        let energy = 0;
        for (let n = 0; n < N; n++) {
          energy += x[b + n] * x[b + n];
          input[n] = x[b + n] * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N));
        }
        const bucket = Math.min(69, Math.max(0, Math.floor((10 * Math.log10(energy / N) + 140) / 2)));
        k.exports.fft_power(plan, k.exports.fft_plan_input(plan), k.exports.fft_plan_output(plan));
        const power = k.f64(k.exports.fft_plan_output(plan), M + 1).slice();
        const floor = 1e-8 * Math.max(...power);
        const full = k.f64(k.exports.fft_plan_input(plan), N);
        for (let j = 0; j <= M; j++) full[j] = Math.log(power[j] + floor);
        for (let j = 1; j < M; j++) full[N - j] = full[j];
        k.exports.fft_power(plan, k.exports.fft_plan_input(plan), k.exports.fft_plan_output(plan));
        const cepstrum = k.f64(k.exports.fft_plan_output(plan), M + 1);
        const row = want.get(bucket) ?? { sum: new Float64Array(M + 1), blocks: 0 };
        for (let j = 0; j <= M; j++) row.sum[j] += Math.sqrt(cepstrum[j]) / N;
        row.blocks++;
        want.set(bucket, row);
      }
    } finally {
      k.exports.fft_plan_free(plan);
    }
    expect(got.blocks).toBe(Math.floor(x.length / N));
    expect(new Set(want.keys()).size).toBeGreaterThan(1);
    let row = 0;
    for (let bucket = 0; bucket < 70; bucket++) {
      expect(got.counts[bucket], `bucket ${bucket}`).toBe(want.get(bucket)?.blocks ?? 0);
      if (got.counts[bucket] === 0) continue;
      const sums = got.sums.subarray(row * (M + 1), (row + 1) * (M + 1));
      row++;
      const ref = (want.get(bucket) as { sum: Float64Array }).sum;
      let peak = 0;
      let worst = 0;
      for (let j = 1; j <= M; j++) {
        peak = Math.max(peak, ref[j]);
        worst = Math.max(worst, Math.abs(sums[j] - ref[j]));
      }
      expect(worst / peak, `bucket ${bucket}`).toBeLessThan(5e-6);
    }
  });
});

