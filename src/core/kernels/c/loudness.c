/*
 * BS.1770 K-weighting (src/core/levels/loudness.ts has the definitions): the high shelf and the
 * RLB high-pass as two direct-form-I biquads in float64, giving Σz² of each 100 ms sub-block.
 * Coefficients: b0 b1 b2 a1 a2 (shelf) then c0 c1 c2 d1 d2 (high-pass). Per sample and lane:
 *   y = b0·x + b1·x1 + b2·x2 − a2·y2 − a1·y1   (summed so the newest output enters last)
 *   z = y − (y1 + y1) + y2 − d2·z2 − d1·z1      (c0·y + c1·y1 + c2·y2)
 * The high-pass numerator is exactly 1, −2, 1 (BS.1770's, not normalised; the caller checks), so
 * its products are written as the exact y, −(y1 + y1), y2: fewer multiplies and registers.
 */
#include "kernels.h"

#define F2 wasm_f64x2_splat

/* One K-weighting step of two lanes (a channel each, or two stretches of one channel). */
#define KW_STEP(v, x1, x2, y1, y2, z1, z2, zout)                                                                      \
  do {                                                                                                           \
    const v128_t y_ = wasm_f64x2_sub(                                                                            \
        wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(b0, v), wasm_f64x2_mul(b1, x1)), wasm_f64x2_mul(b2, x2)), \
                       wasm_f64x2_mul(a2, y2)),                                                                  \
        wasm_f64x2_mul(a1, y1));                                                                                 \
    const v128_t z_ = wasm_f64x2_sub(                                                                            \
        wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_sub(y_, wasm_f64x2_add(y1, y1)), y2), wasm_f64x2_mul(d2, z2)),     \
        wasm_f64x2_mul(d1, z1));                                                                                 \
    x2 = x1;                                                                                                     \
    x1 = v;                                                                                                      \
    y2 = y1;                                                                                                     \
    y1 = y_;                                                                                                     \
    z2 = z1;                                                                                                     \
    z1 = z_;                                                                                                     \
    zout = z_;                                                                                                   \
  } while (0)

/*
 * Four independent K-weighting runs at once, as two interleaved f64x2 recursions: the filter's
 * loop-carried latency, not its arithmetic, bounds one run, so four cost about what one does.
 * Lane j filters x[j][0, warm + subs·sub_len) from zero state; after the first `warm` samples it
 * writes Σz² of each sub_len stretch to out[4·s + j]. Each lane performs a one-pass filter's
 * operations in its order (the same bits from the same start). The input must be finite
 * (copied through f32_copy_finite): masking NaN here costs registers the two recursions need
 * (3.5 instead of 1.25 ns per sample and lane).
 */
EXPORT(kweight_lanes)
void kweight_lanes(const double *co, const float *const *x, int warm, int sub_len, int subs, double *out) {
  const v128_t b0 = F2(co[0]), b1 = F2(co[1]), b2 = F2(co[2]), a1 = F2(co[3]), a2 = F2(co[4]);
  const v128_t d1 = F2(co[8]), d2 = F2(co[9]);
  const float *p0 = x[0], *p1 = x[1], *p2 = x[2], *p3 = x[3];
  const v128_t zero = F2(0);
  v128_t x1 = zero, x2 = zero, y1 = zero, y2 = zero, z1 = zero, z2 = zero;
  v128_t X1 = zero, X2 = zero, Y1 = zero, Y2 = zero, Z1 = zero, Z2 = zero;
  v128_t z, Z;
  int i = 0;
  for (int s = -1; s < subs; s++) {
    const int end = s < 0 ? warm : warm + (s + 1) * sub_len;
    v128_t acc = zero, ACC = zero;
    /* Four steps per loop: each lane's floats loaded four at a time and paired by shuffles
       (cheaper than building every pair from two scalar loads; the same values). */
    for (; i + 4 <= end; i += 4) {
      const v128_t f0 = wasm_v128_load(p0 + i), f1 = wasm_v128_load(p1 + i);
      const v128_t f2 = wasm_v128_load(p2 + i), f3 = wasm_v128_load(p3 + i);
      v128_t v01[4], v23[4];
      pair_lanes4(f0, f1, v01);
      pair_lanes4(f2, f3, v23);
      for (int k = 0; k < 4; k++) {
        KW_STEP(v01[k], x1, x2, y1, y2, z1, z2, z);
        KW_STEP(v23[k], X1, X2, Y1, Y2, Z1, Z2, Z);
        acc = wasm_f64x2_add(acc, wasm_f64x2_mul(z, z));
        ACC = wasm_f64x2_add(ACC, wasm_f64x2_mul(Z, Z));
      }
    }
    for (; i < end; i++) {
      const v128_t v = wasm_f64x2_make(p0[i], p1[i]);
      const v128_t V = wasm_f64x2_make(p2[i], p3[i]);
      KW_STEP(v, x1, x2, y1, y2, z1, z2, z);
      KW_STEP(V, X1, X2, Y1, Y2, Z1, Z2, Z);
      acc = wasm_f64x2_add(acc, wasm_f64x2_mul(z, z));
      ACC = wasm_f64x2_add(ACC, wasm_f64x2_mul(Z, Z));
    }
    if (s >= 0) {
      wasm_v128_store(out + 4 * s, acc);
      wasm_v128_store(out + 4 * s + 2, ACC);
    }
  }
}

/* dst[i] = src[i], NaN and ±∞ as +0 (what kweight_lanes reads). */
EXPORT(f32_copy_finite) void f32_copy_finite(const float *src, float *dst, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(src + i);
    wasm_v128_store(dst + i, f32x4_finite(v));
  }
  for (; i < n; i++) {
    const float v = src[i];
    dst[i] = v - v == 0 ? v : 0;
  }
}
