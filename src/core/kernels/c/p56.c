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
/* A pair's first sample, kept when a call ends between it and the second (see p56_push). */
#define CARRY(s) ((s) + P56_COUNTS + 5 * T)
enum { CARRY_P, CARRY_Q, CARRY_A, CARRY_VALID, CARRY_DOUBLES };

EXPORT(p56_state_doubles) int p56_state_doubles(void) { return P56_COUNTS + 5 * T + CARRY_DOUBLES; }

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

/*
 * The envelope two samples at a time. One sample at a time, each step waits on the previous one
 * (a multiply, then an add: ~7 cycles a sample here). Samples n and n + 1 both come from the
 * state before n (p1 = g·p + h·a1 as one step would; p2 = g²·p + (g·h·a1 + h·a2)), so the
 * recursion waits once per pair; q likewise, from p1 and p2. The pairs are fixed by the sample's
 * index (P56_N, which counts from the stream's first sample in the file: an even index starts a
 * pair), so any chunking gives the same bits: a call that ends after a pair's first sample keeps
 * the state before it (CARRY), and the next call finishes the pair from there. Σx² is summed one
 * sample at a time, as before.
 */
static inline int odd(double n) { return ((int64_t)n & 1) != 0; }

EXPORT(p56_push) void p56_push(double *s, const float *x, int len) {
  const double g = s[P56_G], h = s[P56_H], g2 = g * g, gh = g * h;
  double p = s[P56_P], q = s[P56_Q], sq = s[P56_SQ];
  double lo = lo_of(s), hi = hi_of(s);
  double *carry = CARRY(s);
  const double base = s[P56_N];
  int i = 0;
  if (len > 0 && odd(base)) {
    /* The second sample of a pair whose first came in the previous call (or, at a stream's
       first sample, none did: then one plain step). */
    double v = x[0];
    if (v - v != 0) v = 0;
    sq += v * v;
    const double a2 = __builtin_fabs(v);
    if (carry[CARRY_VALID] != 0) {
      const double p2 = g2 * carry[CARRY_P] + (gh * carry[CARRY_A] + h * a2);
      q = g2 * carry[CARRY_Q] + (gh * p + h * p2);
      p = p2;
    } else {
      p = g * p + h * a2;
      q = g * q + h * p;
    }
    if (q >= hi || q < lo) {
      cross(s, q, base);
      lo = lo_of(s);
      hi = hi_of(s);
    }
    i = 1;
  }
  while (i + 2 <= len) {
    /* The hot loop makes no call (a call inside it costs the recursions their registers):
       it stops at a pair where the envelope crosses a threshold, settled below in order. */
    int crossed = 0;
    double q1 = q;
    for (; i + 2 <= len; i += 2) {
      double v1 = x[i], v2 = x[i + 1];
      if (v1 - v1 != 0) v1 = 0;
      if (v2 - v2 != 0) v2 = 0;
      sq += v1 * v1;
      sq += v2 * v2;
      const double a1 = __builtin_fabs(v1), a2 = __builtin_fabs(v2);
      const double p1 = g * p + h * a1;
      const double p2 = g2 * p + (gh * a1 + h * a2);
      q1 = g * q + h * p1;
      q = g2 * q + (gh * p1 + h * p2);
      p = p2;
      if (q1 >= hi || q1 < lo || q >= hi || q < lo) {
        crossed = 1;
        break;
      }
    }
    if (!crossed) break;
    if (q1 >= hi || q1 < lo) {
      cross(s, q1, base + i);
      lo = lo_of(s);
      hi = hi_of(s);
    }
    if (q >= hi || q < lo) {
      cross(s, q, base + i + 1);
      lo = lo_of(s);
      hi = hi_of(s);
    }
    i += 2;
  }
  if (i < len) {
    /* A pair's first sample: one plain step (the same bits as the pair's p1, q1), and the state
       before it kept for the pair's second. */
    double v = x[i];
    if (v - v != 0) v = 0;
    carry[CARRY_P] = p;
    carry[CARRY_Q] = q;
    carry[CARRY_A] = __builtin_fabs(v);
    carry[CARRY_VALID] = 1;
    sq += v * v;
    p = g * p + h * __builtin_fabs(v);
    q = g * q + h * p;
    if (q >= hi || q < lo) cross(s, q, base + i);
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
 * Two channels as the two lanes of one f64x2 recursion, one sample at a time (each lane does the
 * one-step recursion p56_push does for a lone sample; p56_push's pairs made this 7 % slower here:
 * the lanes' extra operations cost more than the shorter wait); a step where either envelope
 * leaves its threshold band settles that channel's counts in scalar code. The pairs' CARRY is
 * not used here.
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
