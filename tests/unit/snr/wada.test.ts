import { describe, expect, it } from 'vitest';
import { WADA_G_TABLE, WADA_GROUP, createWadaSnr, wadaSnrFromG } from '../../../src/core/snr/wada';
import { kernels } from '../../../src/core/kernels/runtime';
import { gaussian, rng } from '../../../scripts/eval/dataset';
import { randomChunks } from '../frames/signals';

/** Gamma(shape < 1) by Marsaglia–Tsang on shape + 1, boosted by U^(1/shape). */
function gammaSampler(shape: number, seed: number): () => number {
  const u = rng(seed);
  const g = gaussian(rng(seed + 1));
  const d = shape + 1 - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return () => {
    for (;;) {
      const x = g();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const r = u();
      if (Math.log(r) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * u() ** (1 / shape);
    }
  };
}

/** WADA's own model: speech amplitudes ~ Gamma(0.4) with random sign, plus Gaussian noise. */
function modelSignal(snrDb: number, n: number, seed: number): Float32Array {
  const gam = gammaSampler(0.4, seed);
  const sign = rng(seed + 2);
  const noise = gaussian(rng(seed + 3));
  const s = new Float64Array(n);
  let ps = 0;
  for (let i = 0; i < n; i++) {
    s[i] = gam() * (sign() < 0.5 ? -1 : 1);
    ps += s[i] * s[i];
  }
  ps /= n;
  const k = 0.01 / Math.sqrt(ps); // speech RMS 0.01
  const sigma = 0.01 / 10 ** (snrDb / 20);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = s[i] * k + sigma * noise();
  return out;
}

function wada(x: Float32Array, chunks: number[] | null = null): number | null {
  const acc = createWadaSnr(1);
  if (!chunks) acc.push([x]);
  else {
    let pos = 0;
    let k = 0;
    while (pos < x.length) {
      const len = Math.min(chunks[k++ % chunks.length], x.length - pos);
      acc.push([x.subarray(pos, pos + len)]);
      pos += len;
    }
  }
  return acc.finish().snrDb;
}

describe('WADA-SNR', () => {
  it('reads its table back exactly and interpolates linearly', () => {
    expect(WADA_G_TABLE).toHaveLength(121);
    for (let db = -10; db <= 99; db += 7) expect(wadaSnrFromG(WADA_G_TABLE[db + 20])).toBeCloseTo(db, 9);
    const mid = (WADA_G_TABLE[30] + WADA_G_TABLE[31]) / 2; // between 10 and 11 dB
    expect(wadaSnrFromG(mid)).toBeCloseTo(10.5, 9);
    expect(wadaSnrFromG(0.1)).toBe(-20);
    expect(wadaSnrFromG(5)).toBe(100);
  });

  it('recovers the SNR of signals drawn from its own model (Gamma(0.4) speech + Gaussian noise)', () => {
    for (const snr of [0, 5, 10, 20]) {
      const est = wada(modelSignal(snr, 400_000, 10 + snr));
      expect(est).not.toBeNull();
      expect(Math.abs((est as number) - snr)).toBeLessThan(1);
    }
  });

  it('reads Gaussian noise alone at the bottom of the table', () => {
    // For Gaussian z: G = ½·ln(2/π) + (γ + ln 2)/2 ≈ 0.4094, the −20 dB end of the table.
    const g = gaussian(rng(3));
    const x = Float32Array.from({ length: 200_000 }, () => 0.1 * g());
    expect(wada(x)).toBeLessThan(-10);
  });

  it('is chunk-invariant and returns null for silence', () => {
    const x = modelSignal(10, 50_001, 4);
    const whole = wada(x);
    for (const seed of [1, 2]) expect(wada(x, randomChunks(seed, 30, 5000))).toBe(whole);
    expect(wada(new Float32Array(1000))).toBeNull();
    // 2^22 zeros: the clamped mean is the floor up to a long sum's rounding.
    expect(wada(new Float32Array(1 << 22), randomChunks(3, 30, 70_000))).toBeNull();
    expect(createWadaSnr(2).finish().snrDb).toBeNull();
  });

  it("mono's own path (one channel read once, |x| for |1·x + 0·x|) gives the general path's bits", () => {
    // The kernel takes the mono path when both channel pointers are the same and w = 1, w1 = 0; a
    // copy of the channel at another address, with the same weights, takes the general one.
    const k = kernels();
    const n = 40_000 + 7; // whole groups and a few left over
    const g = gaussian(rng(9));
    const x = Float32Array.from({ length: n }, (_, i) => (i % 997 === 0 ? 0 : i % 1499 === 0 ? NaN : i % 2003 === 0 ? -0 : 0.2 * g()));
    const xAt = k.alloc(4 * n);
    const copyAt = k.alloc(4 * n);
    const products = k.alloc(8 * (Math.floor(n / WADA_GROUP) + 2));
    const states = [k.alloc(8 * (6 + WADA_GROUP)), k.alloc(8 * (6 + WADA_GROUP))];
    try {
      k.f32(xAt, n).set(x);
      k.f32(copyAt, n).set(x);
      for (const st of states) k.f64(st, 6 + WADA_GROUP).set([0, 0, 1, 0, 0, 0]);
      // In pieces that leave groups unfinished between calls, as the accumulator's pushes do.
      for (let at = 0; at < n; at += 4_093) {
        const len = Math.min(4_093, n - at);
        k.exports.wada_push(states[0], xAt + 4 * at, xAt + 4 * at, 1, 0, len, products);
        k.exports.wada_push(states[1], xAt + 4 * at, copyAt + 4 * at, 1, 0, len, products);
      }
      const [mono, general] = states.map((st) => Array.from(k.f64(st, 6 + WADA_GROUP)));
      mono.forEach((v, i) => expect(Object.is(v, general[i]), `state[${i}]: ${v} vs ${general[i]}`).toBe(true));
      expect(mono[4]).toBe(n);
    } finally {
      for (const p of [xAt, copyAt, products, ...states]) k.exports.free(p);
    }
  });
});
