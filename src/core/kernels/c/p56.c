/*
 * ITU-T P.56 method B, the per-sample part (src/core/levels/p56.ts has the definitions, the
 * activity counts' bookkeeping at the end and the merge): two cascaded one-pole smoothers of
 * |x|, and the settling of a threshold's count whenever the envelope crosses one. The state is
 * an array of doubles laid out as P56_* below, shared with the TypeScript, which reads the counts.
 */
#include "kernels.h"

enum { P56_P, P56_Q, P56_K, P56_N, P56_SQ, P56_G, P56_H, P56_HANG, P56_COUNTS = 8 };
#define T 15
#define COUNTS(s) ((s) + P56_COUNTS)
#define ABOVE_SINCE(s) ((s) + P56_COUNTS + T)
#define LAST_ABOVE(s) ((s) + P56_COUNTS + 2 * T)
#define EVER_ABOVE(s) ((s) + P56_COUNTS + 3 * T)
#define THRESH(s) ((s) + P56_COUNTS + 4 * T)

EXPORT(p56_state_doubles) int p56_state_doubles(void) { return P56_COUNTS + 5 * T; }

/* The envelope q crossed one or more thresholds at sample t: settle their counts. */
static void cross(double *s, double q, double t) {
  const double *c = THRESH(s);
  double *counts = COUNTS(s), *above_since = ABOVE_SINCE(s), *last_above = LAST_ABOVE(s), *ever = EVER_ABOVE(s);
  const double hang = s[P56_HANG];
  int k = (int)s[P56_K];
  while (k < T && q >= c[k]) {
    if (ever[k] == 1) counts[k] += min_f64(t - last_above[k] - 1, hang);
    above_since[k] = t;
    k++;
  }
  while (k > 0 && q < c[k - 1]) {
    k--;
    counts[k] += t - above_since[k];
    last_above[k] = t - 1;
    ever[k] = 1;
  }
  s[P56_K] = k;
}

static inline double lo_of(const double *s) { int k = (int)s[P56_K]; return k > 0 ? THRESH(s)[k - 1] : -__builtin_inf(); }
static inline double hi_of(const double *s) { int k = (int)s[P56_K]; return k < T ? THRESH(s)[k] : __builtin_inf(); }

EXPORT(p56_push) void p56_push(double *s, const float *x, int len) {
  const double g = s[P56_G], h = s[P56_H];
  double p = s[P56_P], q = s[P56_Q], sq = s[P56_SQ];
  double lo = lo_of(s), hi = hi_of(s);
  const double base = s[P56_N];
  for (int i = 0; i < len; i++) {
    double v = x[i];
    if (v - v != 0) v = 0;
    sq += v * v;
    p = g * p + h * __builtin_fabs(v);
    q = g * q + h * p;
    if (q >= hi || q < lo) {
      cross(s, q, base + i);
      lo = lo_of(s);
      hi = hi_of(s);
    }
  }
  s[P56_P] = p;
  s[P56_Q] = q;
  s[P56_SQ] = sq;
  s[P56_N] = base + len;
}

/* Two channels in one loop: two independent recursions keep the CPU busier than one. */
EXPORT(p56_push2) void p56_push2(double *s, double *r, const float *x, const float *y, int len) {
  const double g = s[P56_G], h = s[P56_H];
  double p = s[P56_P], q = s[P56_Q], sq = s[P56_SQ];
  double p2 = r[P56_P], q2 = r[P56_Q], sq2 = r[P56_SQ];
  double lo = lo_of(s), hi = hi_of(s), lo2 = lo_of(r), hi2 = hi_of(r);
  const double base = s[P56_N];
  for (int i = 0; i < len; i++) {
    double v = x[i], u = y[i];
    if (v - v != 0) v = 0;
    if (u - u != 0) u = 0;
    sq += v * v;
    sq2 += u * u;
    p = g * p + h * __builtin_fabs(v);
    p2 = g * p2 + h * __builtin_fabs(u);
    q = g * q + h * p;
    q2 = g * q2 + h * p2;
    if (q >= hi || q < lo) {
      cross(s, q, base + i);
      lo = lo_of(s);
      hi = hi_of(s);
    }
    if (q2 >= hi2 || q2 < lo2) {
      cross(r, q2, base + i);
      lo2 = lo_of(r);
      hi2 = hi_of(r);
    }
  }
  s[P56_P] = p;
  s[P56_Q] = q;
  s[P56_SQ] = sq;
  s[P56_N] = base + len;
  r[P56_P] = p2;
  r[P56_Q] = q2;
  r[P56_SQ] = sq2;
  r[P56_N] = base + len;
}
