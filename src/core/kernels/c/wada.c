/*
 * WADA-SNR's sums over the mono downmix (src/core/snr/wada.ts has the definitions): Σ|x| and
 * Σ ln|x|, the latter as ln of products of 16 consecutive |x| (counted from the first sample),
 * |x| clamped to [1e-10, 1e10]. State: sumAbs, sumLog, product, inBlock, count (doubles).
 * Operation for operation the TypeScript formulation (its Math.log is apl_log: the same bits).
 */
#include "kernels.h"

#define FLOOR 1e-10
#define CEIL 1e10
#define GROUP 16

/* Σ ln of the finished groups' products, in order (kept out of the sample loops: a call inside
   a loop costs its recursions their registers). */
static double add_logs(double sl, const double *products, int n) {
  for (int j = 0; j < n; j++) sl += apl_log(products[j]);
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

/*
 * One or two channels: weights w (first) and w1 (second; 0 for mono, where y = x). `products`:
 * scratch for len/16 + 1 doubles.
 */
EXPORT(wada_push) void wada_push(double *st, const float *x, const float *y, double w, double w1, int len, double *products) {
  double sa = st[0], p = st[2];
  int k = (int)st[3], groups = 0;
  for (int t = 0; t < len; t++) {
    double u = x[t], v = y[t];
    if (u - u != 0) u = 0;
    if (v - v != 0) v = 0;
    take(__builtin_fabs(w * u + w1 * v), &sa, &p, &k, products, &groups);
  }
  st[1] = add_logs(st[1], products, groups);
  st[0] = sa, st[2] = p, st[3] = k, st[4] += len;
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
