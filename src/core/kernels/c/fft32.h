#ifndef APL_FFT32_H
#define APL_FFT32_H
#include "kernels.h"

/*
 * One complex FFT of m points (a power of two, ≥ 16) in single precision, the real and
 * imaginary parts in two arrays, four points to a vector (fft32.c).
 */
typedef struct Fft32Plan {
  int m, stages, radix2_first;
  int stage_q[16];
  float *stage_tw[16]; /* radix-4 stage s: cos and sin of −2π·j·t/(4q), t = 1, 2, 3, j < q (6q floats) */
  float *tw2;          /* the radix-2 first stage (odd log2 m): cos and sin of −2π·j/m, j < m/2 */
  float *re, *im;      /* the points, transformed in place */
  uint32_t *pos;       /* after the transform, X[k] is at re[pos[k]], im[pos[k]] */
} Fft32Plan;

Fft32Plan *fft32_plan_new(int m);
void fft32_plan_free(Fft32Plan *p);
/* Transforms p->re, p->im in place: X[k] = Σ_n x[n]·e^(−2πikn/m), left at position pos[k]. */
void fft32_run(Fft32Plan *p);
#endif
