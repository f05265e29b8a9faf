/*
 * WADA-SNR's sums over the mono downmix (src/core/snr/wada.ts has the definitions): Σ|x| and
 * Σ ln|x|, the latter as ln of products of 16 consecutive |x| (counted from the first sample),
 * |x| clamped to [1e-10, 1e10]. State (doubles): Σ|x| of whole groups, sumLog, the unfinished
 * group's product, its length, count, its Σ|x| and its values (16). The TypeScript formulation,
 * its Math.log as apl_log (the same bits); wada_push sums and multiplies whole groups as trees.
 */
#include "kernels.h"

#define FLOOR 1e-10
#define CEIL 1e10
#define GROUP 16

/* Σ ln of the finished groups' products, in order (kept out of the sample loops: a call inside
   a loop costs its recursions their registers). */
static double add_logs(double sl, double *products, int n) {
  apl_log_array(products, products, n);
  for (int j = 0; j < n; j++) sl += products[j];
  return sl;
}

/* One |x| into the sums: clamped, added to Σ|x|, multiplied into the group's product (inlined). */
static inline __attribute__((always_inline)) void take(double a, double *sa, double *p, int *k, double *products, int *groups) {
  if (!(a > FLOOR)) a = FLOOR;
  else if (a > CEIL) a = CEIL;
  *sa += a;
  *p *= a;
  if (++*k == GROUP) {
    products[(*groups)++] = *p;
    *p = 1;
    *k = 0;
  }
}

static inline double clamp(double a) { return !(a > FLOOR) ? FLOOR : a > CEIL ? CEIL : a; }

static inline double wada_abs(double u, double v, double w, double w1) {
  if (u - u != 0) u = 0;
  if (v - v != 0) v = 0;
  return clamp(__builtin_fabs(w * u + w1 * v));
}

/* wada_abs of two samples (finite); `mono` (constant at each use): w = 1, w1 = 0, where
   |1·u + 0·u| is |u|, bit for bit, so the second channel's load and arithmetic go. */
static inline __attribute__((always_inline)) v128_t wada_abs2(v128_t u, v128_t v, v128_t w, v128_t w1, int mono) {
  const v128_t a = wasm_f64x2_abs(mono ? u : wasm_f64x2_add(wasm_f64x2_mul(w, u), wasm_f64x2_mul(w1, v)));
  /* clamp's selects as one instruction each: pmax(FLOOR, a) is FLOOR < a ? a : FLOOR, and
     pmin(·, CEIL) is CEIL < · ? CEIL : · (a compare and a select were four instructions). */
  return wasm_f64x2_pmin(wasm_f64x2_pmax(wasm_f64x2_splat(FLOOR), a), wasm_f64x2_splat(CEIL));
}

/* A whole group of |x| (a[q] = samples 2q, 2q + 1): its sum into *sa, its product, both as trees. */
static inline double close_group(const v128_t *a, double *sa) {
  const v128_t s = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_add(a[0], a[1]), wasm_f64x2_add(a[2], a[3])),
                                  wasm_f64x2_add(wasm_f64x2_add(a[4], a[5]), wasm_f64x2_add(a[6], a[7])));
  *sa += wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
  const v128_t m = wasm_f64x2_mul(wasm_f64x2_mul(wasm_f64x2_mul(a[0], a[1]), wasm_f64x2_mul(a[2], a[3])),
                                  wasm_f64x2_mul(wasm_f64x2_mul(a[4], a[5]), wasm_f64x2_mul(a[6], a[7])));
  return wasm_f64x2_extract_lane(m, 0) * wasm_f64x2_extract_lane(m, 1);
}

/* The whole groups of x, y from sample t on into *sa and products; returns where they end. */
static inline __attribute__((always_inline)) int whole_groups(const float *x, const float *y, double w, double w1, int t, int len, double *sa,
                                                              double *products, int *groups, int mono) {
  const v128_t w2 = wasm_f64x2_splat(w), w12 = wasm_f64x2_splat(w1);
  for (; t + GROUP <= len; t += GROUP) {
    v128_t a[8];
    for (int q = 0; q < 4; q++) {
      const v128_t xf = f32x4_finite(wasm_v128_load(x + t + 4 * q)), yf = mono ? xf : f32x4_finite(wasm_v128_load(y + t + 4 * q));
      a[2 * q] = wada_abs2(wasm_f64x2_promote_low_f32x4(xf), wasm_f64x2_promote_low_f32x4(yf), w2, w12, mono);
      a[2 * q + 1] = wada_abs2(f64x2_promote_high_f32x4(xf), f64x2_promote_high_f32x4(yf), w2, w12, mono);
    }
    products[(*groups)++] = close_group(a, sa);
  }
  return t;
}

/*
 * One or two channels: weights w (first) and w1 (second; 0 for mono, where y = x). `products`:
 * scratch for len/16 + 1 doubles. A whole group's |x| are summed and multiplied as trees, two
 * samples at a time (a running sum and product wait on an operation per sample), into Σ|x| group
 * by group; they round differently from the sample-by-sample definition, at the 1e-16 relative
 * level. An unfinished group waits in the state (its values from st[6]; st[2] and st[5] hold its
 * product and sum in sample order), so the sums are the same bits however the audio is chunked.
 */
EXPORT(wada_push) void wada_push(double *st, const float *x, const float *y, double w, double w1, int len, double *products) {
  double sa = st[0];
  double *pending = st + 6;
  int k = (int)st[3], groups = 0;
  int t = 0;
  for (; t < len && k != 0; t++) {
    pending[k++] = wada_abs(x[t], y[t], w, w1);
    if (k == GROUP) {
      v128_t a[8];
      for (int q = 0; q < 8; q++) a[q] = wasm_v128_load(pending + 2 * q);
      products[groups++] = close_group(a, &sa);
      k = 0;
    }
  }
  if (x == y && w == 1 && w1 == 0) t = whole_groups(x, x, w, w1, t, len, &sa, products, &groups, 1);
  else t = whole_groups(x, y, w, w1, t, len, &sa, products, &groups, 0);
  for (; t < len; t++) pending[k++] = wada_abs(x[t], y[t], w, w1);
  double p = 1, ps = 0;
  for (int j = 0; j < k; j++) p *= pending[j], ps += pending[j];
  st[1] = add_logs(st[1], products, groups);
  st[0] = sa, st[2] = p, st[3] = k, st[4] += len, st[5] = ps;
}

EXPORT(wada_push_n) void wada_push_n(double *st, const float *const *x, int C, int len, double *products) {
  double sa = st[0], p = st[2];
  int k = (int)st[3], groups = 0;
  const double inv_c = 1.0 / C;
  for (int t = 0; t < len; t++) {
    double m = 0;
    for (int c = 0; c < C; c++) {
      const double v = x[c][t];
      if (v - v == 0) m += v;
    }
    take(__builtin_fabs(m * inv_c), &sa, &p, &k, products, &groups);
  }
  st[1] = add_logs(st[1], products, groups);
  st[0] = sa, st[2] = p, st[3] = k, st[4] += len;
}
