/*
 * Mono downmix → boxcar average of `factor` samples → fixed-length blocks, for the long-window
 * analyses (hum lines, cepstral echo); src/core/dsp/block-decimator.ts describes it. A window
 * is summed as two partial sums (even and odd positions), each in sample order, so blocks are
 * bit-identical however the audio is chunked (and to a plain running sum for 16-bit PCM, whose
 * sums are exact).
 */
#include "kernels.h"

typedef struct Decimator {
  int C, factor, block_length, fill, acc_count;
  double acc, acc_odd, gain; /* the window's partial sums of even and odd positions */
  double *block;
} Decimator;

EXPORT(decim_new) Decimator *decim_new(int C, int factor, int block_length) {
  Decimator *d = apl_malloc(sizeof(Decimator));
  if (!d) return 0;
  d->C = C;
  d->factor = factor;
  d->block_length = block_length;
  d->fill = 0;
  d->acc_count = 0;
  d->acc = 0;
  d->acc_odd = 0;
  d->gain = 1.0 / (C * factor);
  d->block = apl_malloc(sizeof(double) * block_length);
  if (!d->block) return 0;
  return d;
}

EXPORT(decim_free) void decim_free(Decimator *d) {
  if (!d) return;
  apl_free(d->block);
  apl_free(d);
}

EXPORT(decim_block) double *decim_block(Decimator *d) { return d->block; }
EXPORT(decim_fill) int decim_fill(const Decimator *d) { return d->fill; }

/* The block was handed on: start the next one. */
EXPORT(decim_reset) void decim_reset(Decimator *d) { d->fill = 0; }

/*
 * Σ of the finite frame sums of x0 (+ x1)[i, end) into the two partial sums `acc` (even and odd
 * positions in the boxcar window, `pos` being i's): two at a time, so a running sum waits on one
 * addition per two samples, and each partial sum adds its samples in order however the audio is
 * chunked.
 */
static inline __attribute__((always_inline)) v128_t window_sum(v128_t acc, const float *x0, const float *x1, int i, int end, int pos) {
  if (i < end && (pos & 1)) {
    const double s = x1 ? (double)x0[i] + (double)x1[i] : x0[i];
    if (s - s == 0) acc = wasm_f64x2_add(acc, wasm_f64x2_make(0, s));
    i++;
  }
  for (; i + 2 <= end; i += 2) {
    v128_t s = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(x0 + i));
    if (x1) s = wasm_f64x2_add(s, wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(x1 + i)));
    acc = wasm_f64x2_add(acc, f64x2_finite(s));
  }
  if (i < end) {
    const double s = x1 ? (double)x0[i] + (double)x1[i] : x0[i];
    if (s - s == 0) acc = wasm_f64x2_add(acc, wasm_f64x2_make(s, 0));
  }
  return acc;
}

/*
 * Whole windows from *i (at a window's start), two at a time, into the block from *fill: the two
 * windows' sums' chains interleave, and the last step (even + odd positions, × gain) is one
 * vector for both. Each lane adds what window_sum would, in its order; an odd window's last
 * sample goes to the even lane with 0 beside it, as there. Masked (`masked`), a non-finite frame
 * sum adds (0, 0) where window_sum adds nothing: the same, as a sum that starts at +0 never
 * becomes −0. Unmasked, every frame sum is added as it is, which equals the masked sums when all
 * are finite; returns 0 when one was not (its window's sum is then not finite either).
 */
static inline __attribute__((always_inline)) int whole_windows(Decimator *d, const float *x0, const float *x1, int *at, int n, int *filled,
                                                              int masked) {
  const int factor = d->factor, pairs_end = factor & ~1;
  const v128_t zero = wasm_f64x2_splat(0), gain = wasm_f64x2_splat(d->gain);
  v128_t check = zero;
  int i = *at, fill = *filled;
#define FRAMES(load, p, sa, sb)                                                               \
  v128_t sa = wasm_f64x2_promote_low_f32x4(load(x0 + i + (p)));                               \
  v128_t sb = wasm_f64x2_promote_low_f32x4(load(x0 + i + factor + (p)));                      \
  if (x1) {                                                                                    \
    sa = wasm_f64x2_add(sa, wasm_f64x2_promote_low_f32x4(load(x1 + i + (p))));                \
    sb = wasm_f64x2_add(sb, wasm_f64x2_promote_low_f32x4(load(x1 + i + factor + (p))));       \
  }                                                                                            \
  if (masked) sa = f64x2_finite(sa), sb = f64x2_finite(sb);
  if (factor == 2 && !masked) {
    /* Four frames, two windows, per vector load: each window's sum is (even + odd) + 0, which is
       (0 + even) + (0 + odd) as window_sum has it (both are +0 where that has +0). */
    for (; fill + 2 <= d->block_length && i + 4 <= n; i += 4, fill += 2) {
      const v128_t v = wasm_v128_load(x0 + i);
      v128_t lo = wasm_f64x2_promote_low_f32x4(v), hi = f64x2_promote_high_f32x4(v);
      if (x1) {
        const v128_t u = wasm_v128_load(x1 + i);
        lo = wasm_f64x2_add(lo, wasm_f64x2_promote_low_f32x4(u));
        hi = wasm_f64x2_add(hi, f64x2_promote_high_f32x4(u));
      }
      const v128_t sum = wasm_f64x2_add(wasm_f64x2_add(wasm_i64x2_shuffle(lo, hi, 0, 2), wasm_i64x2_shuffle(lo, hi, 1, 3)), zero);
      check = wasm_f64x2_add(check, wasm_f64x2_sub(sum, sum));
      wasm_v128_store(d->block + fill, wasm_f64x2_mul(sum, gain));
    }
  } else {
    for (; fill + 2 <= d->block_length && i + 2 * factor <= n; i += 2 * factor, fill += 2) {
      v128_t a = zero, b = zero;
      int p = 0;
      for (; p < pairs_end; p += 2) {
        FRAMES(wasm_v128_load64_zero, p, sa, sb)
        a = wasm_f64x2_add(a, sa);
        b = wasm_f64x2_add(b, sb);
      }
      if (p < factor) {
        FRAMES(wasm_v128_load32_zero, p, sa, sb)
        a = wasm_f64x2_add(a, sa);
        b = wasm_f64x2_add(b, sb);
      }
      const v128_t sum = wasm_f64x2_add(wasm_i64x2_shuffle(a, b, 0, 2), wasm_i64x2_shuffle(a, b, 1, 3));
      check = wasm_f64x2_add(check, wasm_f64x2_sub(sum, sum));
      wasm_v128_store(d->block + fill, wasm_f64x2_mul(sum, gain));
    }
  }
#undef FRAMES
  *at = i;
  *filled = fill;
  return masked || wasm_f64x2_extract_lane(check, 0) + wasm_f64x2_extract_lane(check, 1) == 0;
}

/*
 * Consume x[from, n) until the block is full; returns where it stopped (n when it did not fill).
 * The caller hands the full block on and calls decim_reset before pushing more.
 */
EXPORT(decim_push) int decim_push(Decimator *d, const float *const *x, int from, int n) {
  const int C = d->C, factor = d->factor;
  int fill = d->fill, acc_count = d->acc_count;
  v128_t acc = wasm_f64x2_make(d->acc, d->acc_odd);
  const float *x0 = x[0];
  const float *x1 = C == 2 ? x[1] : 0;
  int i = from;
  /* Whole windows first, one after another in a tight loop (a short window, 2 samples for echo at
     16 kHz, was dominated by the per-window bookkeeping below). */
  if (C <= 2 && acc_count == 0) {
    const int i0 = i, fill0 = fill;
    /* Most audio has no NaN or infinity: sum it unmasked, and if a window's sum came out
       non-finite (a non-finite sample makes it so), sum the same windows again masked. */
    if (!whole_windows(d, x0, x1, &i, n, &fill, 0)) {
      i = i0;
      fill = fill0;
      whole_windows(d, x0, x1, &i, n, &fill, 1);
    }
    for (; fill < d->block_length && i + factor <= n; i += factor) {
      const v128_t sum = window_sum(wasm_f64x2_splat(0), x0, x1, i, i + factor, 0);
      d->block[fill++] = (wasm_f64x2_extract_lane(sum, 0) + wasm_f64x2_extract_lane(sum, 1)) * d->gain;
    }
  }
  while (i < n && fill < d->block_length) {
    const int end = n < i + (factor - acc_count) ? n : i + (factor - acc_count);
    if (C <= 2) {
      acc = window_sum(acc, x0, x1, i, end, acc_count);
      acc_count += end - i;
      i = end;
    } else {
      acc_count += end - i;
      double a = wasm_f64x2_extract_lane(acc, 0);
      for (; i < end; i++) {
        double s = 0;
        for (int c = 0; c < C; c++) s += x[c][i];
        if (s - s == 0) a += s;
      }
      acc = wasm_f64x2_replace_lane(acc, 0, a);
    }
    if (acc_count == factor) {
      d->block[fill++] = (wasm_f64x2_extract_lane(acc, 0) + wasm_f64x2_extract_lane(acc, 1)) * d->gain;
      acc = wasm_f64x2_splat(0);
      acc_count = 0;
    }
  }
  d->fill = fill;
  d->acc_count = acc_count;
  d->acc = wasm_f64x2_extract_lane(acc, 0);
  d->acc_odd = wasm_f64x2_extract_lane(acc, 1);
  return i;
}
