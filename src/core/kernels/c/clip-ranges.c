/*
 * Where the clipping is (src/core/levels/clip-ranges.ts merges the runs into ranges): runs of
 * ≥ 3 samples at |x| ≥ 0.999 FS in one channel. Blocks of 64 samples whose largest |x| bit
 * pattern is below the clip level are skipped (NaN reads as large and takes the exact test,
 * which rejects it). Runs that end in this piece are written to `out` as (start, end) pairs of
 * absolute sample positions; `run` carries the open run's length across pieces.
 */
#include "kernels.h"

#define BLOCK 64
#define CLIP_LEVEL 0.999
#define CLIP_RUN_MIN 3

EXPORT(clip_runs) int clip_runs(const float *x, int n, int32_t *run_inout, int32_t clip_bits, double position, double *out) {
  const int32_t *bits = (const int32_t *)x;
  int run = *run_inout;
  int count = 0;
  for (int b = 0; b < n; b += BLOCK) {
    const int e = n < b + BLOCK ? n : b + BLOCK;
    if (run == 0) {
      int32_t m = 0;
      for (int i = b; i < e; i++) m = max_i32(m, bits[i] & 0x7fffffff);
      if (m < clip_bits) continue;
    }
    for (int i = b; i < e; i++) {
      const double v = x[i];
      if (v >= CLIP_LEVEL || v <= -CLIP_LEVEL) run++;
      else {
        if (run >= CLIP_RUN_MIN) {
          out[2 * count] = position + i - run;
          out[2 * count + 1] = position + i;
          count++;
        }
        run = 0;
      }
    }
  }
  *run_inout = run;
  return count;
}
