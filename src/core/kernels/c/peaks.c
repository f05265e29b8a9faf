/*
 * Waveform peaks for display (src/core/display/peaks.ts has the grid and the merge): the minimum
 * and maximum of each bucket of `spb` samples of one channel. NaN and ±∞ draw as 0, and −0 as +0,
 * so the extremes do not depend on the order they are taken in (four lanes at a time here).
 */
#include "kernels.h"

static inline float clean1(float v) { return (v - v == 0 ? v : 0) + 0.0f; }

static inline v128_t clean4(v128_t v) {
  const v128_t zero = wasm_f32x4_splat(0);
  return wasm_f32x4_add(wasm_v128_and(v, wasm_f32x4_eq(wasm_f32x4_sub(v, v), zero)), zero);
}

/* Extremes of x[from, to) folded into *lo, *hi. */
static void extremes(const float *x, int from, int to, float *lo, float *hi) {
  float l = *lo, h = *hi;
  int i = from;
  if (to - from >= 8) {
    v128_t vl = wasm_f32x4_splat(l), vh = wasm_f32x4_splat(h);
    for (; i + 4 <= to; i += 4) {
      const v128_t v = clean4(wasm_v128_load(x + i));
      vl = wasm_f32x4_pmin(vl, v);
      vh = wasm_f32x4_pmax(vh, v);
    }
    for (int k = 0; k < 4; k++) {
      const float a = ((float *)&vl)[k], b = ((float *)&vh)[k];
      if (a < l) l = a;
      if (b > h) h = b;
    }
  }
  for (; i < to; i++) {
    const float s = clean1(x[i]);
    if (s < l) l = s;
    if (s > h) h = s;
  }
  *lo = l;
  *hi = h;
}

/*
 * One channel's samples x[0, n): `filled` samples of the current bucket were seen before (its
 * extremes in state[0], state[1]); completed buckets are written to out as (min, max) pairs and
 * counted in the return value; the unfinished one stays in state.
 */
EXPORT(peaks_push) int peaks_push(const float *x, int n, int spb, int filled, float *state, float *out) {
  int i = 0, buckets = 0;
  while (i < n) {
    const int take = n - i < spb - filled ? n - i : spb - filled;
    extremes(x, i, i + take, &state[0], &state[1]);
    i += take;
    filled += take;
    if (filled == spb) {
      out[2 * buckets] = state[0];
      out[2 * buckets + 1] = state[1];
      buckets++;
      state[0] = __builtin_inff();
      state[1] = -__builtin_inff();
      filled = 0;
    }
  }
  return buckets;
}
