/*
 * Tables of cos(k·step) and sin(k·step), k = 0..n−1, for the FFT plans' twiddles and the echo's
 * window and DCT: JavaScript's Math.cos/sin (imported) at every 32nd k, rotations by step between
 * them (each within ~1e-16, so a table is within ~5e-15 of the exact values). An imported call
 * costs far more than a rotation, and the echo's plans and tables took ~30 000 of them, ~15 ms
 * at the start of every segment (the bench summaries did not change in a digit).
 */
#include "kernels.h"

#define ANCHOR 32

void apl_cos_sin(int n, double step, double *cos_out, double *sin_out) {
  const double c1 = js_cos(step), s1 = js_sin(step);
  double c = 1, s = 0;
  for (int k = 0; k < n; k++) {
    if (k % ANCHOR == 0) {
      c = js_cos(k * step);
      s = js_sin(k * step);
    } else {
      const double next_c = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = next_c;
    }
    cos_out[k] = c;
    sin_out[k] = s;
  }
}

int apl_cos_sin_f32(int n, double step, float *cos_out, float *sin_out) {
  double *c = apl_malloc(sizeof(double) * n), *s = apl_malloc(sizeof(double) * n);
  if (!c || !s) return 0;
  apl_cos_sin(n, step, c, s);
  for (int k = 0; k < n; k++) cos_out[k] = (float)c[k], sin_out[k] = (float)s[k];
  apl_free(c);
  apl_free(s);
  return 1;
}
