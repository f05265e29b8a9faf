/*
 * Mono downmix → boxcar average of `factor` samples → fixed-length blocks, for the long-window
 * analyses (hum lines, cepstral echo); src/core/dsp/block-decimator.ts describes it. The
 * additions run in the order of a plain per-sample loop, so blocks are bit-identical however
 * the audio is chunked.
 */
#include "kernels.h"

typedef struct Decimator {
  int C, factor, block_length, fill, acc_count;
  double acc, gain;
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
 * Consume x[from, n) until the block is full; returns where it stopped (n when it did not fill).
 * The caller hands the full block on and calls decim_reset before pushing more.
 */
EXPORT(decim_push) int decim_push(Decimator *d, const float *const *x, int from, int n) {
  const int C = d->C, factor = d->factor;
  int fill = d->fill, acc_count = d->acc_count;
  double acc = d->acc;
  const float *x0 = x[0];
  const float *x1 = C >= 2 ? x[1] : x0;
  int i = from;
  while (i < n && fill < d->block_length) {
    const int end = n < i + (factor - acc_count) ? n : i + (factor - acc_count);
    acc_count += end - i;
    if (C == 1) {
      for (; i < end; i++) {
        const double s = x0[i];
        if (s - s == 0) acc += s;
      }
    } else if (C == 2) {
      for (; i < end; i++) {
        const double s = (double)x0[i] + (double)x1[i];
        if (s - s == 0) acc += s;
      }
    } else {
      for (; i < end; i++) {
        double s = 0;
        for (int c = 0; c < C; c++) s += x[c][i];
        if (s - s == 0) acc += s;
      }
    }
    if (acc_count == factor) {
      d->block[fill++] = acc * d->gain;
      acc = 0;
      acc_count = 0;
    }
  }
  d->fill = fill;
  d->acc_count = acc_count;
  d->acc = acc;
  return i;
}
