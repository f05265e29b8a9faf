/*
 * Shared declarations of the analysis kernels (compiled to one WebAssembly module by
 * scripts/build-kernels.ts). Kernels are plain C over pointers into the module's memory: no libc,
 * no global state beyond the allocator. Floating point follows IEEE-754 exactly as JavaScript does
 * (no fast-math, no contraction into fused multiply-adds), so a kernel that performs the same
 * operations in the same order as a JavaScript loop gives the same bits.
 */
#ifndef APL_KERNELS_H
#define APL_KERNELS_H

#include <stdint.h>
#include <stddef.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

/* JavaScript's own Math functions (imported, so results are bit-identical to the TypeScript).
   Logarithms are computed here (apl_log, apl_log10: the same bits, no call out per value, and
   no boxed double for the garbage collector per call). */
IMPORT(cos) double js_cos(double x);
IMPORT(sin) double js_sin(double x);

#define PI 3.141592653589793

void *apl_malloc(size_t bytes);
/* Zeroed memory (alloc.c): clears only what was ever written, so fresh memory stays untouched. */
void *apl_calloc(size_t bytes);
void apl_free(void *ptr);
/* cos(k·step), sin(k·step) for k = 0..n−1, within ~5e-14 (trig.c: few imported calls). */
void apl_cos_sin(int n, double step, double *cos_out, double *sin_out);
/* The same rounded to floats (single-precision tables); 0 when out of memory. */
int apl_cos_sin_f32(int n, double step, float *cos_out, float *sin_out);
/* Natural log, bit for bit as JavaScript's Math.log (log.c). */
double apl_log(double x);
/* Base-10 logarithm, bit for bit as Math.log10 in Node 20 (log.c). */
double apl_log10(double x);
/* out[i] = apl_log(x[i]) (the same bits), two at a time (log.c). */
void apl_log_array(const double *x, double *out, int n);
/* apl_log10 of both lanes (the same bits), two at a time (log.c). */
v128_t apl_log10x2(v128_t x);

/* Samples in hop i of n frame-table hops: `hop`, but `last` for the last one. */
static inline int hop_length(int i, int n, int hop, int last) { return i == n - 1 ? last : hop; }

static inline double max_f64(double a, double b) { return __builtin_wasm_max_f64(a, b); }
static inline double min_f64(double a, double b) { return __builtin_wasm_min_f64(a, b); }
static inline int32_t max_i32(int32_t a, int32_t b) { return a > b ? a : b; }
static inline int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

/* NaN and ±∞ as +0 (v − v is 0 only for a finite v), lane by lane. */
static inline v128_t f64x2_finite(v128_t v) { return wasm_v128_and(v, wasm_f64x2_eq(wasm_f64x2_sub(v, v), wasm_f64x2_splat(0))); }
static inline v128_t f32x4_finite(v128_t v) { return wasm_v128_and(v, wasm_f32x4_eq(wasm_f32x4_sub(v, v), wasm_f32x4_splat(0))); }

/* Lanes 2 and 3 of four floats as two doubles (promote_low_f32x4 takes lanes 0 and 1). */
static inline v128_t f64x2_promote_high_f32x4(v128_t v) { return wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(v, v, 1, 0)); }

/* Four floats of each of two channels as four pairs of doubles: out[k] = (a[k], b[k]). */
static inline void pair_lanes4(v128_t a, v128_t b, v128_t out[4]) {
  const v128_t even = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), odd = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
  out[0] = wasm_f64x2_promote_low_f32x4(even);
  out[1] = f64x2_promote_high_f32x4(even);
  out[2] = wasm_f64x2_promote_low_f32x4(odd);
  out[3] = f64x2_promote_high_f32x4(odd);
}

#endif
