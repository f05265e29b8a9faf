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
__attribute__((noinline)) static void cross(double *s, double q, double t) {
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

__attribute__((noinline)) static double lo_of(const double *s) { int k = (int)s[P56_K]; return k > 0 ? THRESH(s)[k - 1] : -__builtin_inf(); }
__attribute__((noinline)) static double hi_of(const double *s) { int k = (int)s[P56_K]; return k < T ? THRESH(s)[k] : __builtin_inf(); }

EXPORT(p56_push) void p56_push(double *s, const float *x, int len) {
  const double g = s[P56_G], h = s[P56_H];
  double p = s[P56_P], q = s[P56_Q], sq = s[P56_SQ];
  double lo = lo_of(s), hi = hi_of(s);
  const double base = s[P56_N];
  int i = 0;
  while (i < len) {
    /* The hot loop makes no call (a call inside it costs the recursions their registers):
       it stops at a threshold crossing, which is settled below. */
    int crossed = 0;
    for (; i < len; i++) {
      double v = x[i];
      if (v - v != 0) v = 0;
      sq += v * v;
      p = g * p + h * __builtin_fabs(v);
      q = g * q + h * p;
      if (q >= hi || q < lo) {
        crossed = 1;
        break;
      }
    }
    if (!crossed) break;
    cross(s, q, base + i);
    lo = lo_of(s);
    hi = hi_of(s);
    i++;
  }
  s[P56_P] = p;
  s[P56_Q] = q;
  s[P56_SQ] = sq;
  s[P56_N] = base + len;
}

/* One sample of each channel (finite): p56_push's step in each lane; the lanes whose envelope left its band. */
static inline v128_t step2(v128_t v, v128_t g, v128_t h, v128_t lo, v128_t hi, v128_t *sq, v128_t *p, v128_t *q) {
  *sq = wasm_f64x2_add(*sq, wasm_f64x2_mul(v, v));
  *p = wasm_f64x2_add(wasm_f64x2_mul(g, *p), wasm_f64x2_mul(h, wasm_f64x2_abs(v)));
  *q = wasm_f64x2_add(wasm_f64x2_mul(g, *q), wasm_f64x2_mul(h, *p));
  return wasm_v128_or(wasm_f64x2_ge(*q, hi), wasm_f64x2_lt(*q, lo));
}

/*
 * Two channels as the two lanes of one f64x2 recursion (each lane does p56_push's operations in
 * its order); a step where either envelope leaves its threshold band settles that channel's
 * counts in scalar code.
 */
EXPORT(p56_push2) void p56_push2(double *s, double *r, const float *x, const float *y, int len) {
  const v128_t g = wasm_f64x2_splat(s[P56_G]), h = wasm_f64x2_splat(s[P56_H]), zero = wasm_f64x2_splat(0);
  v128_t p = wasm_f64x2_make(s[P56_P], r[P56_P]);
  v128_t q = wasm_f64x2_make(s[P56_Q], r[P56_Q]);
  v128_t sq = wasm_f64x2_make(s[P56_SQ], r[P56_SQ]);
  v128_t lo = wasm_f64x2_make(lo_of(s), lo_of(r)), hi = wasm_f64x2_make(hi_of(s), hi_of(r));
  const double base = s[P56_N];
  int i = 0;
  while (i < len) {
    v128_t out = zero;
    int crossed = 0;
    /* Four frames per loop: both channels' floats loaded four at a time (NaN, ±∞ → +0) and
       paired by shuffles, cheaper than building each pair from two scalar loads. */
    for (; i + 4 <= len; i += 4) {
      v128_t vs[4];
      pair_lanes4(f32x4_finite(wasm_v128_load(x + i)), f32x4_finite(wasm_v128_load(y + i)), vs);
      int k = 0;
      for (; k < 4; k++) {
        out = step2(vs[k], g, h, lo, hi, &sq, &p, &q);
        if (wasm_v128_any_true(out)) break;
      }
      if (k < 4) {
        i += k;
        crossed = 1;
        break;
      }
    }
    for (; !crossed && i < len; i++) {
      out = step2(f64x2_finite(wasm_f64x2_make(x[i], y[i])), g, h, lo, hi, &sq, &p, &q);
      if (wasm_v128_any_true(out)) break;
    }
    if (i == len) break;
    if (wasm_i64x2_extract_lane(out, 0)) cross(s, wasm_f64x2_extract_lane(q, 0), base + i);
    if (wasm_i64x2_extract_lane(out, 1)) cross(r, wasm_f64x2_extract_lane(q, 1), base + i);
    lo = wasm_f64x2_make(lo_of(s), lo_of(r));
    hi = wasm_f64x2_make(hi_of(s), hi_of(r));
    i++;
  }
  s[P56_P] = wasm_f64x2_extract_lane(p, 0);
  r[P56_P] = wasm_f64x2_extract_lane(p, 1);
  s[P56_Q] = wasm_f64x2_extract_lane(q, 0);
  r[P56_Q] = wasm_f64x2_extract_lane(q, 1);
  s[P56_SQ] = wasm_f64x2_extract_lane(sq, 0);
  r[P56_SQ] = wasm_f64x2_extract_lane(sq, 1);
  s[P56_N] = base + len;
  r[P56_N] = base + len;
}
