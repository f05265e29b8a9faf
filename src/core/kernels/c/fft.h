#ifndef APL_FFT_H
#define APL_FFT_H
#include "kernels.h"

typedef struct FftPlan {
  int size, m, odd, stages, first_stage;
  int stage_length[16];
  double *twiddles[16];
  uint32_t *rev;
  double *z;
  double *split;
  double *input; /* a scratch input of `size` doubles callers may fill */
  double *out;   /* a scratch output of size/2 + 1 doubles */
} FftPlan;

FftPlan *fft_plan_new(int size);
void fft_plan_free(FftPlan *p);
void fft_power(FftPlan *p, const double *x, double *out);
void fft_complex(FftPlan *p, const double *x, double *re, double *im);
#endif
