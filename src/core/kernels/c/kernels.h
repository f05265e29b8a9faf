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

/* JavaScript's own Math functions (imported, so results are bit-identical to the TypeScript). */
IMPORT(log10) double js_log10(double x);
IMPORT(exp) double js_exp(double x);
IMPORT(cos) double js_cos(double x);
IMPORT(sin) double js_sin(double x);

#define PI 3.141592653589793

void *apl_malloc(size_t bytes);
void apl_free(void *ptr);
/* Natural log, bit for bit as JavaScript's Math.log (log.c). */
double apl_log(double x);
/* out[i] = apl_log(x[i]) (the same bits), two at a time (log.c). */
void apl_log_array(const double *x, double *out, int n);

static inline double max_f64(double a, double b) { return __builtin_wasm_max_f64(a, b); }
static inline double min_f64(double a, double b) { return __builtin_wasm_min_f64(a, b); }
static inline int32_t max_i32(int32_t a, int32_t b) { return a > b ? a : b; }
static inline int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

#endif
