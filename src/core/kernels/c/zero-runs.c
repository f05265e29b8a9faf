/*
 * Digital-zero runs (src/core/dropouts/zero-runs.ts has the run bookkeeping): the frame mix that
 * is 0 exactly when every channel is 0 (non-finite samples count as 0), and the scan to the next
 * such frame. A frame whose channels are not all 0 but cancel (a = −b) or underflow gets the
 * smallest float32 above 0 instead, so it never reads as a zero.
 */
#include "kernels.h"

#define MARKER 0x1p-149f

/* Two channels' frame mix, a/2 + b/2 in float32 (exact for 16-bit PCM; no overflow near ±FLT_MAX). */
static inline float mix2(float a, float b) {
  if (a - a != 0) a = 0;
  if (b - b != 0) b = 0;
  if (a == 0 && b == 0) return 0;
  const float m = a * 0.5f + b * 0.5f;
  return m == 0 ? MARKER : m;
}

/* The frame mix of n frames. */
EXPORT(zero_mix2) void zero_mix2(const float *x0, const float *x1, float *out, int n) {
  int i = 0;
  const v128_t half = wasm_f32x4_splat(0.5f), zero = wasm_f32x4_splat(0), marker = wasm_f32x4_splat(MARKER);
  /* Four frames at a time, operation for operation mix2. */
  for (; i + 4 <= n; i += 4) {
    v128_t a = wasm_v128_load(x0 + i), b = wasm_v128_load(x1 + i);
    a = f32x4_finite(a);
    b = f32x4_finite(b);
    const v128_t both = wasm_v128_and(wasm_f32x4_eq(a, zero), wasm_f32x4_eq(b, zero));
    v128_t m = wasm_f32x4_add(wasm_f32x4_mul(a, half), wasm_f32x4_mul(b, half));
    m = wasm_v128_bitselect(marker, m, wasm_f32x4_eq(m, zero));
    m = wasm_v128_andnot(m, both);
    wasm_v128_store(out + i, m);
  }
  for (; i < n; i++) out[i] = mix2(x0[i], x1[i]);
}

EXPORT(zero_mixn) void zero_mixn(const float *const *x, int C, float *out, int n) {
  for (int i = 0; i < n; i++) {
    double mix = 0;
    int all_zero = 1;
    for (int c = 0; c < C; c++) {
      const double v = x[c][i];
      if (v != 0 && v - v == 0) {
        all_zero = 0;
        mix += v;
      }
    }
    float m = all_zero ? 0 : (float)(mix / C);
    if (!all_zero && m == 0) m = MARKER;
    out[i] = m;
  }
}

/* The lanes of `a` that count as zero (0, NaN or ±∞). */
static inline v128_t zero_lanes(v128_t a) {
  const v128_t zero = wasm_f32x4_splat(0);
  return wasm_v128_or(wasm_f32x4_eq(a, zero), wasm_f32x4_ne(wasm_f32x4_sub(a, a), zero));
}

/* Frame i is zero (every channel 0, NaN or ±∞): x1 = 0 for one channel (or a mix), x0. */
static inline int zero_frame(const float *x0, const float *x1, int i) {
  const float a = x0[i];
  if (!(a == 0 || a - a != 0)) return 0;
  if (!x1) return 1;
  const float b = x1[i];
  return b == 0 || b - b != 0;
}

/* The first i ≥ from with mix[i] zero or not finite; n when there is none. */
static int zero_skip(const float *mix, int from, int n) {
  int i = from;
  for (; i < n && (i & 3); i++)
    if (zero_frame(mix, 0, i)) return i;
  for (; i + 4 <= n; i += 4)
    if (wasm_v128_any_true(zero_lanes(wasm_v128_load(mix + i)))) break;
  for (; i < n; i++)
    if (zero_frame(mix, 0, i)) return i;
  return n;
}

/* The first frame i ≥ from whose channels are both 0 (NaN and ±∞ count as 0), i.e. whose mix is
   0, read from the channels themselves; n when there is none. */
static int zero_find2(const float *x0, const float *x1, int from, int n) {
  int i = from;
  for (; i + 4 <= n; i += 4)
    if (wasm_v128_any_true(wasm_v128_and(zero_lanes(wasm_v128_load(x0 + i)), zero_lanes(wasm_v128_load(x1 + i))))) break;
  for (; i < n; i++)
    if (zero_frame(x0, x1, i)) return i;
  return n;
}

/* The first i ≥ from whose mix is a number other than 0 (where a run of zeros ends); n when there is none. */
static int run_end1(const float *mix, int from, int n) {
  int i = from;
  const v128_t zero = wasm_f32x4_splat(0);
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(mix + i);
    if (wasm_v128_any_true(wasm_v128_andnot(wasm_f32x4_eq(wasm_f32x4_sub(v, v), zero), wasm_f32x4_eq(v, zero)))) break;
  }
  for (; i < n; i++) {
    const float v = mix[i];
    if (v != 0 && v - v == 0) return i;
  }
  return n;
}

/* The same over two channels' frames: the first whose mix is not 0 (either channel a number other than 0). */
static int run_end2(const float *x0, const float *x1, int from, int n) {
  int i = from;
  const v128_t zero = wasm_f32x4_splat(0);
  for (; i + 4 <= n; i += 4) {
    const v128_t a = wasm_v128_load(x0 + i), b = wasm_v128_load(x1 + i);
    const v128_t na = wasm_v128_andnot(wasm_f32x4_eq(wasm_f32x4_sub(a, a), zero), wasm_f32x4_eq(a, zero));
    const v128_t nb = wasm_v128_andnot(wasm_f32x4_eq(wasm_f32x4_sub(b, b), zero), wasm_f32x4_eq(b, zero));
    if (wasm_v128_any_true(wasm_v128_or(na, nb))) break;
  }
  for (; i < n; i++) {
    const float a = x0[i], b = x1[i];
    if ((a != 0 && a - a == 0) || (b != 0 && b - b == 0)) return i;
  }
  return n;
}

/* Where the run of zeros at `from` ends: x1 = 0 for one channel (or a mix), x0. */
EXPORT(zero_run_end) int zero_run_end(const float *x0, const float *x1, int from, int n) {
  return x1 ? run_end2(x0, x1, from, n) : run_end1(x0, from, n);
}

/* The first b = from + 4k ≥ i whose four frames b..b+3 are all zero; a b with b + 4 > n when none is. */
static int zero_block(const float *x0, const float *x1, int from, int i, int n) {
  int b = from + ((i - from + 3) & ~3);
  if (x1) {
    for (; b + 4 <= n; b += 4)
      if (wasm_i32x4_all_true(wasm_v128_and(zero_lanes(wasm_v128_load(x0 + b)), zero_lanes(wasm_v128_load(x1 + b))))) return b;
  } else {
    for (; b + 4 <= n; b += 4)
      if (wasm_i32x4_all_true(zero_lanes(wasm_v128_load(x0 + b)))) return b;
  }
  return b;
}

/*
 * From `from`, with no run open and none waiting: the first frame that starts a run of zeros that
 * may count — at least min_run long, or reaching n (it may go on in the next piece) — skipping the
 * shorter runs as the frame-by-frame loop would (they change nothing but which sample was the last
 * one not 0). *last is the index of that last sample before the returned frame, −1 when it is
 * not past `from`. n when there is no such run. x1 = 0: one channel (or a mix), x0.
 *
 * A run of 7 or more frames holds four frames that start at from + 4k, so with min_run ≥ 7 only
 * such blocks of four are looked at, and the frames around one found: quiet 16-bit audio is full
 * of isolated zeros, and stopping at each cost ~0.2 CPU-s an hour of 48 kHz stereo. Shorter
 * min_run (rates under 3.5 kHz) take every run in turn.
 */
EXPORT(zero_skip_short) int zero_skip_short(const float *x0, const float *x1, int from, int n, int min_run, int *last) {
  int i = from;
  *last = -1;
  if (min_run >= 7) {
    /* i is from, or the frame that ended a short run (not zero). */
    for (;;) {
      const int b = zero_block(x0, x1, from, i, n);
      if (b + 4 > n) {
        /* No block left: a run reaching n, however short, else none. */
        int t = n;
        while (t > i && zero_frame(x0, x1, t - 1)) t--;
        *last = t > from ? t - 1 : -1;
        return t;
      }
      /* The run holding the block: its start (the block before is not all zero, so at most 3
         frames back) and its end. */
      int start = b;
      while (start > i && zero_frame(x0, x1, start - 1)) start--;
      const int e = zero_run_end(x0, x1, b + 4, n);
      if (e - start >= min_run || e == n) {
        *last = start > from ? start - 1 : -1;
        return start;
      }
      i = e;
    }
  }
  for (;;) {
    const int j = x1 ? zero_find2(x0, x1, i, n) : zero_skip(x0, i, n);
    if (j > i) *last = j - 1;
    if (j == n) return n;
    const int e = zero_run_end(x0, x1, j, n);
    if (e - j >= min_run || e == n) return j;
    *last = e;
    i = e;
  }
}
