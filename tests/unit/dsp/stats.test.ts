import { describe, expect, it } from 'vitest';
import { nthSmallest, quantile, slidingMin } from '../../../src/core/dsp/stats';

/** The definition: sort a copy (NaN last), interpolate linearly. */
function sortedQuantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('quantile', () => {
  it('equals sorting a copy, for sizes, ties, NaN and every q (selection, not a sort)', () => {
    const r = rng(7);
    for (const n of [1, 2, 3, 5, 10, 101, 1000, 4097]) {
      for (const kind of ['uniform', 'ties', 'nan', 'sorted', 'reversed']) {
        const x = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          x[i] = kind === 'ties' ? Math.floor(r() * 4) : kind === 'sorted' ? i : kind === 'reversed' ? n - i : r() * 200 - 100;
          if (kind === 'nan' && r() < 0.2) x[i] = NaN;
        }
        const before = Array.from(x);
        for (const q of [0, 0.01, 0.1, 0.25, 0.5, 0.9, 0.95, 0.999, 1]) {
          const want = sortedQuantile(x, q);
          const got = quantile(x, q);
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else expect(got).toBe(want);
        }
        expect(Array.from(x)).toEqual(before); // the input is not reordered
        if (kind !== 'nan') {
          const sorted = Float64Array.from(x).sort();
          for (const k of [0, 1, Math.floor(n / 2), n - 1]) if (k < n) expect(nthSmallest(x, n, k)).toBe(sorted[k]);
        }
      }
    }
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('slidingMin', () => {
  it('is the minimum over ±radius of the non-NaN values (NaN where the window has none), for radii below and above the length', () => {
    const r = rng(11);
    for (const n of [0, 1, 2, 7, 100, 1000]) {
      for (const radius of [1, 2, 5, 75, 2000]) {
        for (const kind of ['uniform', 'nan-runs', 'ramps', 'infinite']) {
          const x = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            x[i] = kind === 'ramps' ? (i % 37) - (i % 11) : kind === 'infinite' && r() < 0.1 ? -Infinity : r() * 100 - 50;
            if (kind === 'nan-runs' && Math.floor(i / 13) % 3 === 1) x[i] = NaN;
          }
          const got = slidingMin(x, radius);
          expect(got.length).toBe(n);
          for (let i = 0; i < n; i++) {
            let want = NaN;
            for (let j = Math.max(0, i - radius); j <= Math.min(n - 1, i + radius); j++) if (!Number.isNaN(x[j]) && !(want <= x[j])) want = x[j];
            expect(Object.is(got[i], want) || got[i] === want).toBe(true);
          }
        }
      }
    }
  });
});
