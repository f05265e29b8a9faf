/*
 * Natural logarithm, fdlibm's __ieee754_log (Sun Microsystems, 1993: "Permission to use, copy,
 * modify, and distribute this software is freely granted, provided that this notice is
 * preserved"), which is also what V8 computes for Math.log (src/base/ieee754.cc): the same bits
 * as JavaScript (a unit test compares them), without a call out of WebAssembly per value (an
 * imported Math.log cost ~40 ns a call).
 */
#include "kernels.h"

static const double ln2_hi = 6.93147180369123816490e-01, /* 3fe62e42 fee00000 */
    ln2_lo = 1.90821492927058770002e-10,                 /* 3dea39ef 35793c76 */
    two54 = 1.80143985094819840000e+16,                  /* 43500000 00000000 */
    Lg1 = 6.666666666666735130e-01,                      /* 3FE55555 55555593 */
    Lg2 = 3.999999999940941908e-01,                      /* 3FD99999 9997FA04 */
    Lg3 = 2.857142874366239149e-01,                      /* 3FD24924 94229359 */
    Lg4 = 2.222219843214978396e-01,                      /* 3FCC71C5 1D8E78AF */
    Lg5 = 1.818357216161805012e-01,                      /* 3FC74664 96CB03DE */
    Lg6 = 1.531383769920937332e-01,                      /* 3FC39A09 D078C69F */
    Lg7 = 1.479819860511658591e-01;                      /* 3FC2F112 DF3E5244 */

static inline int32_t hi_word(double x) { return (int32_t)(__builtin_bit_cast(uint64_t, x) >> 32); }
static inline uint32_t lo_word(double x) { return (uint32_t)__builtin_bit_cast(uint64_t, x); }
static inline double with_hi(double x, int32_t hi) {
  return __builtin_bit_cast(double, ((uint64_t)(uint32_t)hi << 32) | lo_word(x));
}

double apl_log(double x) {
  double hfsq, f, s, z, R, w, t1, t2, dk;
  int32_t k, hx, i, j;
  uint32_t lx;
  hx = hi_word(x);
  lx = lo_word(x);
  k = 0;
  if (hx < 0x00100000) { /* x < 2**-1022 */
    if (((hx & 0x7fffffff) | lx) == 0) return -__builtin_inf(); /* log(+-0) = -inf */
    if (hx < 0) return __builtin_nan("");                       /* log(-#) = NaN */
    k -= 54;
    x *= two54; /* subnormal number, scale up x */
    hx = hi_word(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  i = (hx + 0x95f64) & 0x100000;
  x = with_hi(x, hx | (i ^ 0x3ff00000)); /* normalize x or x/2 */
  k += (i >> 20);
  f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) { /* -2**-20 <= f < 2**-20 */
    if (f == 0) {
      if (k == 0) return 0;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  s = f / (2.0 + f);
  dk = (double)k;
  z = s * s;
  i = hx - 0x6147a;
  w = z * z;
  j = 0x6b851 - hx;
  t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  R = t2 + t1;
  if (i > 0) {
    hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

#define I64 wasm_i64x2_splat
#define F64 wasm_f64x2_splat

/*
 * apl_log of two values at once, bit for bit: the same operations lane by lane, both of the
 * general case's two final formulas computed and the right one selected per lane (k = 0 needs no
 * case of its own: 0·ln2 − y is −y exactly). A lane that is not a positive normal finite number,
 * or whose reduced argument is within 2^-20 of 1 (another formula), sets its bit in *special
 * (1, 2) and is to be redone by apl_log.
 */
static inline v128_t log2v(v128_t x, int *special) {
  const v128_t hx0 = wasm_i64x2_shr(x, 32); /* the high word, sign-extended */
  const v128_t normal = wasm_v128_and(wasm_i64x2_ge(hx0, I64(0x00100000)), wasm_i64x2_lt(hx0, I64(0x7ff00000)));
  v128_t k = wasm_i64x2_sub(wasm_i64x2_shr(hx0, 20), I64(1023));
  const v128_t hx = wasm_v128_and(hx0, I64(0x000fffff));
  const v128_t i = wasm_v128_and(wasm_i64x2_add(hx, I64(0x95f64)), I64(0x100000));
  const v128_t hi = wasm_v128_or(hx, wasm_v128_xor(i, I64(0x3ff00000)));
  const v128_t xr = wasm_v128_or(wasm_i64x2_shl(hi, 32), wasm_v128_and(x, I64(0xffffffff)));
  k = wasm_i64x2_add(k, wasm_i64x2_shr(i, 20));
  const v128_t tiny = wasm_i64x2_lt(wasm_v128_and(wasm_i64x2_add(hx, I64(2)), I64(0x000fffff)), I64(3));
  *special = wasm_i64x2_bitmask(wasm_v128_or(wasm_v128_not(normal), tiny));
  const v128_t f = wasm_f64x2_sub(xr, F64(1.0));
  const v128_t s = wasm_f64x2_div(f, wasm_f64x2_add(F64(2.0), f));
  const v128_t dk = wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(k, k, 0, 2, 0, 2));
  const v128_t z = wasm_f64x2_mul(s, s);
  const v128_t w = wasm_f64x2_mul(z, z);
  const v128_t t1 = wasm_f64x2_mul(w, wasm_f64x2_add(F64(Lg2), wasm_f64x2_mul(w, wasm_f64x2_add(F64(Lg4), wasm_f64x2_mul(w, F64(Lg6))))));
  const v128_t t2 = wasm_f64x2_mul(
      z, wasm_f64x2_add(F64(Lg1), wasm_f64x2_mul(w, wasm_f64x2_add(F64(Lg3), wasm_f64x2_mul(w, wasm_f64x2_add(F64(Lg5), wasm_f64x2_mul(w, F64(Lg7))))))));
  const v128_t R = wasm_f64x2_add(t2, t1);
  const v128_t use_hfsq = wasm_i64x2_gt(wasm_v128_or(wasm_i64x2_sub(hx, I64(0x6147a)), wasm_i64x2_sub(I64(0x6b851), hx)), I64(0));
  const v128_t hfsq = wasm_f64x2_mul(wasm_f64x2_mul(F64(0.5), f), f);
  const v128_t khi = wasm_f64x2_mul(dk, F64(ln2_hi)), klo = wasm_f64x2_mul(dk, F64(ln2_lo));
  /* dk·ln2_hi − ((hfsq − (s·(hfsq + R) + dk·ln2_lo)) − f) */
  const v128_t a = wasm_f64x2_sub(khi, wasm_f64x2_sub(wasm_f64x2_sub(hfsq, wasm_f64x2_add(wasm_f64x2_mul(s, wasm_f64x2_add(hfsq, R)), klo)), f));
  /* dk·ln2_hi − ((s·(f − R) − dk·ln2_lo) − f) */
  const v128_t b = wasm_f64x2_sub(khi, wasm_f64x2_sub(wasm_f64x2_sub(wasm_f64x2_mul(s, wasm_f64x2_sub(f, R)), klo), f));
  return wasm_v128_bitselect(a, b, use_hfsq);
}

/* out may be x (in place). */
void apl_log_array(const double *x, double *out, int n) {
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    int special;
    const v128_t v = wasm_v128_load(x + i);
    v128_t y = log2v(v, &special);
    if (special & 1) y = wasm_f64x2_replace_lane(y, 0, apl_log(wasm_f64x2_extract_lane(v, 0)));
    if (special & 2) y = wasm_f64x2_replace_lane(y, 1, apl_log(wasm_f64x2_extract_lane(v, 1)));
    wasm_v128_store(out + i, y); /* out may be x */
  }
  for (; i < n; i++) out[i] = apl_log(x[i]);
}

/*
 * Base-10 logarithm, fdlibm's __ieee754_log10 (same notice as above) over apl_log, which is what
 * V8 computed for Math.log10 when Node 20 was built: the same bits as JavaScript there (a unit
 * test compares them). log10(x) = n·log10_2hi + (n·log10_2lo + ivln10·log(x / 2^n)).
 */
double apl_log10(double x) {
  static const double two54 = 1.80143985094819840000e+16, /* 43500000 00000000 */
      ivln10 = 4.34294481903251816668e-01,                 /* 3FDBCB7B 1526E50E */
      log10_2hi = 3.01029995663611771306e-01,              /* 3FD34413 509F6000 */
      log10_2lo = 3.69423907715893078616e-13;              /* 3D59FEF3 11F12B36 */
  int32_t hx = hi_word(x), k = 0;
  const uint32_t lx = lo_word(x);
  if (hx < 0x00100000) { /* x < 2**-1022 */
    if (((hx & 0x7fffffff) | lx) == 0) return -__builtin_inf(); /* log10(+-0) = -inf */
    if (hx < 0) return __builtin_nan("");                       /* log10(-#) = NaN */
    k -= 54;
    x *= two54; /* subnormal number, scale up x */
    hx = hi_word(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  if (hx == 0x3ff00000 && lo_word(x) == 0) return 0; /* log10(1) = +0 */
  k += (hx >> 20) - 1023;
  const int32_t i = (int32_t)(((uint32_t)k & 0x80000000u) >> 31);
  hx = (hx & 0x000fffff) | ((0x3ff - i) << 20);
  const double y = (double)(k + i);
  x = with_hi(x, hx);
  const double z = y * log10_2lo + ivln10 * apl_log(x);
  return z + y * log10_2hi;
}

/*
 * apl_log10 of two values at once, bit for bit: its reduction lane by lane, log2v for the log
 * (its special lanes by apl_log), then the same products and sums in the same order. A lane that
 * is not a positive normal finite number is redone by apl_log10.
 */
v128_t apl_log10x2(v128_t x) {
  const double ivln10 = 4.34294481903251816668e-01, log10_2hi = 3.01029995663611771306e-01, log10_2lo = 3.69423907715893078616e-13;
  const v128_t hx0 = wasm_i64x2_shr(x, 32);
  const v128_t normal = wasm_v128_and(wasm_i64x2_ge(hx0, I64(0x00100000)), wasm_i64x2_lt(hx0, I64(0x7ff00000)));
  const v128_t k = wasm_i64x2_sub(wasm_i64x2_shr(hx0, 20), I64(1023));
  const v128_t i = wasm_u64x2_shr(k, 63); /* 1 where k < 0 */
  const v128_t hx = wasm_v128_or(wasm_v128_and(hx0, I64(0x000fffff)), wasm_i64x2_shl(wasm_i64x2_sub(I64(0x3ff), i), 20));
  const v128_t xr = wasm_v128_or(wasm_i64x2_shl(hx, 32), wasm_v128_and(x, I64(0xffffffff)));
  const v128_t ki = wasm_i64x2_add(k, i);
  const v128_t y = wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(ki, ki, 0, 2, 0, 2));
  int special;
  v128_t lg = log2v(xr, &special);
  if (special & 1) lg = wasm_f64x2_replace_lane(lg, 0, apl_log(wasm_f64x2_extract_lane(xr, 0)));
  if (special & 2) lg = wasm_f64x2_replace_lane(lg, 1, apl_log(wasm_f64x2_extract_lane(xr, 1)));
  const v128_t z = wasm_f64x2_add(wasm_f64x2_mul(y, F64(log10_2lo)), wasm_f64x2_mul(F64(ivln10), lg));
  v128_t r = wasm_f64x2_add(z, wasm_f64x2_mul(y, F64(log10_2hi)));
  const int odd = wasm_i64x2_bitmask(wasm_v128_not(normal));
  if (odd & 1) r = wasm_f64x2_replace_lane(r, 0, apl_log10(wasm_f64x2_extract_lane(x, 0)));
  if (odd & 2) r = wasm_f64x2_replace_lane(r, 1, apl_log10(wasm_f64x2_extract_lane(x, 1)));
  return r;
}

/* For the tests that compare them with Math.log and Math.log10 (the two-lane paths and their fallbacks). */
EXPORT(log10_many) void log10_many(const double *x, double *out, int n) {
  int i = 0;
  for (; i + 2 <= n; i += 2) wasm_v128_store(out + i, apl_log10x2(wasm_v128_load(x + i)));
  for (; i < n; i++) out[i] = apl_log10(x[i]);
}

EXPORT(log_many) void log_many(const double *x, double *out, int n) { apl_log_array(x, out, n); }
