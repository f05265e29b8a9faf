/** Small order statistics over typed arrays (copying; the inputs are never reordered). */

/** The q-quantile (0..1) of `values`, with linear interpolation; NaN when empty. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = new Float64Array(n);
  sorted.set(values);
  sorted.sort();
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Centred sliding minimum: out[i] = min(values[j]) for |j − i| ≤ radius, ignoring NaN entries
 * (out[i] = NaN when the whole window is NaN). O(n) with a monotonic deque.
 */
export function slidingMin(values: ArrayLike<number>, radius: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0; // next index to enter the window
  for (let i = 0; i < n; i++) {
    const right = Math.min(n - 1, i + radius);
    while (next <= right) {
      const v = values[next];
      if (!Number.isNaN(v)) {
        while (tail > head && values[deque[tail - 1]] >= v) tail--;
        deque[tail++] = next;
      }
      next++;
    }
    const left = i - radius;
    while (tail > head && deque[head] < left) head++;
    out[i] = tail > head ? values[deque[head]] : NaN;
  }
  return out;
}

/** Centred sliding maximum (same rules as slidingMin). */
export function slidingMax(values: ArrayLike<number>, radius: number): Float64Array {
  const neg = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) neg[i] = -values[i];
  const m = slidingMin(neg, radius);
  for (let i = 0; i < m.length; i++) m[i] = -m[i];
  return m;
}
