/**
 * Small order statistics over float arrays, computed by the kernels (src/core/kernels/c/levels.c)
 * on a copy in kernel memory: the inputs are never reordered. The VAD's level model calls the
 * same kernels on its own buffers there (src/core/vad/levels.ts).
 */
import { kernels } from '../kernels/runtime';

/** A copy of `values` as doubles in kernel memory, handed to `use`, then freed. */
function withCopy<T>(values: ArrayLike<number>, extraBytes: number, use: (ptr: number, extra: number) => T): T {
  const k = kernels();
  const n = values.length;
  const ptr = k.alloc(8 * Math.max(1, n) + extraBytes);
  try {
    k.f64(ptr, n).set(values);
    return use(ptr, ptr + 8 * Math.max(1, n));
  } finally {
    k.exports.free(ptr);
  }
}

/**
 * The q-quantile (0..1) of `values`, with linear interpolation; NaN when empty. Exactly what
 * sorting a copy and reading it would give (NaN sort last), by selection in O(n): the level
 * model takes quantiles of up to 360 000 frames per hour, where a sort cost ~45 ms.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  return withCopy(values, 0, (ptr) => kernels().exports.quantile_f64(ptr, values.length, q));
}

/**
 * The k-th smallest of values[0, m) (no NaN): what sorting would put at k (−0 and +0 count as
 * equal, so either may be returned where a sort puts −0 first). Hoare's selection.
 */
export function nthSmallest(values: ArrayLike<number>, m: number, k: number): number {
  return withCopy(values, 0, (ptr) => kernels().exports.nth_smallest_f64(ptr, m, k));
}

/**
 * Centred sliding minimum: out[i] = min(values[j]) for |j − i| ≤ radius, ignoring NaN entries
 * (out[i] = NaN when the whole window is NaN). O(n): van Herk / Gil-Werman (sliding_min_f64).
 */
export function slidingMin(values: ArrayLike<number>, radius: number): Float64Array {
  const n = values.length;
  const doubles = 8 * Math.max(1, n);
  return withCopy(values, 2 * doubles, (ptr, extra) => {
    const k = kernels();
    k.exports.sliding_min_f64(ptr, n, radius, extra, extra + doubles);
    return k.f64(extra, n).slice();
  });
}
