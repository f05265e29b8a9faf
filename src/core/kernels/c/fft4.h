#ifndef APL_FFT4_H
#define APL_FFT4_H
#include "kernels.h"

/* Four real FFTs of one power-of-two size (≥ 8) at once, in f32x4 lanes (fft4.c). */
typedef struct Fft4Plan {
  int size, m, odd, stages, first_stage;
  int stage_length[16];
  float *twiddles[16];
  uint32_t *rev;
  v128_t *zr, *zi;
  float *split;
  v128_t *input; /* size vectors: sample n of input j at lane j of input[n] */
  v128_t *out;   /* size/2 + 1 vectors: bin k of input j at lane j of out[k] */
} Fft4Plan;

Fft4Plan *fft4_plan_new(int size);
void fft4_plan_free(Fft4Plan *p);
void fft4_power(Fft4Plan *p);
#endif
