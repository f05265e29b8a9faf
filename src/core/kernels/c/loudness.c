/*
 * BS.1770 K-weighting (src/core/levels/loudness.ts has the definitions): the high shelf and the
 * RLB high-pass as two direct-form-I biquads in float64, returning Σy² of the filtered stretch.
 * Coefficients: b0 b1 b2 a1 a2 (shelf) then c0 c1 c2 d1 d2 (high-pass); a channel's state is
 * x1 x2 y1 y2 z1 z2. Two channels run as the two lanes of one f64x2 recursion; each lane does
 * the scalar filter's operations in its order, so both give the same bits. The high-pass
 * numerator is exactly 1, −2, 1 (BS.1770's, not normalised; the caller checks), so its products
 * are written as the exact y, −(y1 + y1), y2: fewer multiplies and registers, the same bits.
 */
#include "kernels.h"

#define F2 wasm_f64x2_splat

EXPORT(kweight_sum) double kweight_sum(const double *co, double *st, const float *x, int from, int to) {
  const double b0 = co[0], b1 = co[1], b2 = co[2], a1 = co[3], a2 = co[4];
  const double d1 = co[8], d2 = co[9];
  double x1 = st[0], x2 = st[1], y1 = st[2], y2 = st[3], z1 = st[4], z2 = st[5];
  double acc = 0;
  for (int i = from; i < to; i++) {
    double v = x[i];
    if (v - v != 0) v = 0;
    /* Summed so that the newest output enters last: one multiply and one add on the recursion. */
    const double y = b0 * v + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1;
    const double z = y + -(y1 + y1) + y2 - d2 * z2 - d1 * z1; /* c0·y + c1·y1 + c2·y2 */
    x2 = x1;
    x1 = v;
    y2 = y1;
    y1 = y;
    z2 = z1;
    z1 = z;
    acc += z * z;
  }
  st[0] = x1, st[1] = x2, st[2] = y1, st[3] = y2, st[4] = z1, st[5] = z2;
  return acc;
}

/* Two channels (states st, su); writes Σy² of each into out[0], out[1]. */
EXPORT(kweight_sum_pair)
void kweight_sum_pair(const double *co, double *st, double *su, const float *x, const float *w, int from, int to, double *out) {
  const v128_t b0 = F2(co[0]), b1 = F2(co[1]), b2 = F2(co[2]), a1 = F2(co[3]), a2 = F2(co[4]);
  const v128_t d1 = F2(co[8]), d2 = F2(co[9]);
  v128_t x1 = wasm_f64x2_make(st[0], su[0]), x2 = wasm_f64x2_make(st[1], su[1]);
  v128_t y1 = wasm_f64x2_make(st[2], su[2]), y2 = wasm_f64x2_make(st[3], su[3]);
  v128_t z1 = wasm_f64x2_make(st[4], su[4]), z2 = wasm_f64x2_make(st[5], su[5]);
  v128_t acc = F2(0);
  const v128_t zero = F2(0);
  for (int i = from; i < to; i++) {
    v128_t v = wasm_f64x2_make(x[i], w[i]);
    v = wasm_v128_and(v, wasm_f64x2_eq(wasm_f64x2_sub(v, v), zero)); /* NaN, ±∞ → +0 */
    const v128_t y = wasm_f64x2_sub(
        wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(b0, v), wasm_f64x2_mul(b1, x1)), wasm_f64x2_mul(b2, x2)),
                       wasm_f64x2_mul(a2, y2)),
        wasm_f64x2_mul(a1, y1));
    const v128_t z = wasm_f64x2_sub(
        wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_add(y, wasm_f64x2_neg(wasm_f64x2_add(y1, y1))), y2), wasm_f64x2_mul(d2, z2)),
        wasm_f64x2_mul(d1, z1));
    x2 = x1;
    x1 = v;
    y2 = y1;
    y1 = y;
    z2 = z1;
    z1 = z;
    acc = wasm_f64x2_add(acc, wasm_f64x2_mul(z, z));
  }
#define LANE(v, k) wasm_f64x2_extract_lane(v, k)
  st[0] = LANE(x1, 0), st[1] = LANE(x2, 0), st[2] = LANE(y1, 0), st[3] = LANE(y2, 0), st[4] = LANE(z1, 0), st[5] = LANE(z2, 0);
  su[0] = LANE(x1, 1), su[1] = LANE(x2, 1), su[2] = LANE(y1, 1), su[3] = LANE(y2, 1), su[4] = LANE(z1, 1), su[5] = LANE(z2, 1);
  out[0] = LANE(acc, 0);
  out[1] = LANE(acc, 1);
}
