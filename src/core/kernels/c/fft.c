/*
 * The core's one FFT (see src/core/dsp/fft.ts for the algorithm): a real FFT of a power-of-two
 * size N read as N/2 complex points, radix-2 bit-reversed input, radix-4 decimation-in-time
 * stages (the first fused into the bit-reversal copy, or one radix-2 stage first when log2(N/2)
 * is odd), then the split into the one-sided power spectrum |X_k|², k = 0..N/2.
 * Complex values are processed as f64x2 lanes (re, im); every lane performs the operations of
 * the scalar formulation in the same order, so the spectrum is bit-identical to it.
 */
#include "kernels.h"
#include "fft.h"

static int log2i(int m) {
  int l = 0;
  while ((1 << l) < m) l++;
  return l;
}

EXPORT(fft_plan_new) FftPlan *fft_plan_new(int size) {
  int m = size >> 1;
  int log2m = log2i(m);
  FftPlan *p = apl_malloc(sizeof(FftPlan));
  if (!p) return 0;
  p->size = size;
  p->m = m;
  p->odd = log2m & 1;
  p->rev = apl_malloc(sizeof(uint32_t) * m);
  p->z = apl_malloc(sizeof(double) * 2 * m);
  p->input = apl_malloc(sizeof(double) * size);
  p->out = apl_malloc(sizeof(double) * (m + 1));
  for (int i = 0; i < m; i++) {
    int r = 0;
    for (int b = 0, v = i; b < log2m; b++, v >>= 1) r = (r << 1) | (v & 1);
    p->rev[i] = 2 * r;
  }
  p->stages = 0;
  /* cos and sin of −2π·i/(4L), i < 3L, per stage, and of 2π·k/size for the split (trig.c) */
  double *cs = apl_malloc(sizeof(double) * (3 * m + 2)), *sn = apl_malloc(sizeof(double) * (3 * m + 2));
  if (!cs || !sn) return 0;
  for (int L = p->odd ? 2 : 1; 4 * L <= m; L *= 4) {
    double *tw = apl_malloc(sizeof(double) * 6 * L);
    apl_cos_sin(3 * L, (-2 * PI) / (4 * L), cs, sn);
    for (int k = 0; k < L; k++) {
      for (int j = 1; j <= 3; j++) {
        tw[6 * k + 2 * j - 2] = cs[j * k];
        tw[6 * k + 2 * j - 1] = sn[j * k];
      }
    }
    p->stage_length[p->stages] = L;
    p->twiddles[p->stages] = tw;
    p->stages++;
  }
  int h = m >> 1;
  p->split = apl_malloc(sizeof(double) * 2 * (h + 1));
  apl_cos_sin(h + 1, (2 * PI) / size, cs, sn);
  for (int k = 0; k <= h; k++) {
    p->split[2 * k] = 0.5 * cs[k];
    p->split[2 * k + 1] = -0.5 * sn[k];
  }
  apl_free(cs);
  apl_free(sn);
  p->first_stage = !p->odd && m >= 4 ? 1 : 0;
  return p;
}

EXPORT(fft_plan_free) void fft_plan_free(FftPlan *p) {
  if (!p) return;
  for (int s = 0; s < p->stages; s++) apl_free(p->twiddles[s]);
  apl_free(p->rev);
  apl_free(p->z);
  apl_free(p->input);
  apl_free(p->out);
  apl_free(p->split);
  apl_free(p);
}

EXPORT(fft_plan_input) double *fft_plan_input(FftPlan *p) { return p->input; }
EXPORT(fft_plan_output) double *fft_plan_output(FftPlan *p) { return p->out; }

#define SIGN_RE wasm_i64x2_const(INT64_MIN, 0) /* flips lane 0's sign */
#define SIGN_IM wasm_i64x2_const(0, INT64_MIN) /* flips lane 1's sign */

#define LD(ptr) wasm_v128_load(ptr)
#define ST(ptr, v) wasm_v128_store(ptr, v)
#define SWAP(v) wasm_i64x2_shuffle(v, v, 1, 0)

/* x · (c + i·s) as (xr·c − xi·s, xr·s + xi·c), lane by lane. */
static inline v128_t cmul(v128_t x, v128_t c, v128_t s) {
  v128_t a = wasm_f64x2_mul(x, c);       /* xr·c, xi·c */
  v128_t b = wasm_f64x2_mul(SWAP(x), s); /* xi·s, xr·s */
  return wasm_f64x2_add(a, wasm_v128_xor(b, SIGN_RE));
}

/* The half-size complex transform of x (its even and odd samples as real and imaginary parts) into p->z. */
static void fft_z(FftPlan *p, const double *x) {
  const int m = p->m;
  const int n2 = 2 * m;
  double *z = p->z;
  const uint32_t *rev = p->rev;
  if (p->odd) {
    for (int i = 0; i < n2; i += 4) {
      v128_t a = LD(x + rev[i >> 1]);
      v128_t b = LD(x + rev[(i >> 1) + 1]);
      ST(z + i, wasm_f64x2_add(a, b));
      ST(z + i + 2, wasm_f64x2_sub(a, b));
    }
  } else if (m >= 4) {
    for (int i = 0; i < n2; i += 8) {
      int q = i >> 1;
      v128_t t0 = LD(x + rev[q]);
      v128_t t2 = LD(x + rev[q + 1]);
      v128_t t1 = LD(x + rev[q + 2]);
      v128_t t3 = LD(x + rev[q + 3]);
      v128_t a = wasm_f64x2_add(t0, t2), b = wasm_f64x2_sub(t0, t2);
      v128_t c = wasm_f64x2_add(t1, t3), d = wasm_f64x2_sub(t1, t3);
      ST(z + i, wasm_f64x2_add(a, c));
      ST(z + i + 4, wasm_f64x2_sub(a, c));
      /* (br + di, bi − dr) and (br − di, bi + dr) */
      v128_t dd = wasm_v128_xor(SWAP(d), SIGN_IM);
      ST(z + i + 2, wasm_f64x2_add(b, dd));
      ST(z + i + 6, wasm_f64x2_sub(b, dd));
    }
  } else {
    for (int i = 0; i < m; i++) {
      z[2 * i] = x[rev[i]];
      z[2 * i + 1] = x[rev[i] + 1];
    }
  }
  for (int s = p->first_stage; s < p->stages; s++) {
    const int L2 = 2 * p->stage_length[s];
    const double *tw = p->twiddles[s];
    const int step = 4 * L2;
    for (int k = 0, q = 0; k < L2; k += 2, q += 6) {
      const v128_t c1 = wasm_f64x2_splat(tw[q]), s1 = wasm_f64x2_splat(tw[q + 1]);
      const v128_t c2 = wasm_f64x2_splat(tw[q + 2]), s2 = wasm_f64x2_splat(tw[q + 3]);
      const v128_t c3 = wasm_f64x2_splat(tw[q + 4]), s3 = wasm_f64x2_splat(tw[q + 5]);
      for (int b = k; b < n2; b += step) {
        double *p0 = z + b, *p2 = p0 + L2, *p1 = p2 + L2, *p3 = p1 + L2;
        v128_t t0 = LD(p0);
        v128_t t1 = cmul(LD(p1), c1, s1);
        v128_t t2 = cmul(LD(p2), c2, s2);
        v128_t t3 = cmul(LD(p3), c3, s3);
        v128_t a = wasm_f64x2_add(t0, t2), bb = wasm_f64x2_sub(t0, t2);
        v128_t c = wasm_f64x2_add(t1, t3), d = wasm_f64x2_sub(t1, t3);
        ST(p0, wasm_f64x2_add(a, c));
        ST(p1, wasm_f64x2_sub(a, c));
        v128_t dd = wasm_v128_xor(SWAP(d), SIGN_IM);
        ST(p2, wasm_f64x2_add(bb, dd));
        ST(p3, wasm_f64x2_sub(bb, dd));
      }
    }
  }
}

/* The real transform's bins k and m − k (k = 1..m/2) from p->z: (ar, ai) and (br, bi). */
#define SPLIT_BINS(BODY)                                                                  \
  do {                                                                                    \
    const double *split = p->split;                                                       \
    for (int k = 1, mk = 2 * m - 2; k <= (m >> 1); k++, mk -= 2) {                         \
      const double zr = z[2 * k], zi = z[2 * k + 1], yr = z[mk], yi = z[mk + 1];         \
      const double er = zr + yr, ei = zi - yi, dr = zr - yr, di = zi + yi;                \
      const double wr = split[2 * k], wi = split[2 * k + 1];                              \
      const double tr = dr * wr - di * wi, ti = dr * wi + di * wr;                        \
      const double ar = 0.5 * er + ti, ai = 0.5 * ei - tr;                                \
      const double br = 0.5 * er - ti, bi = 0.5 * ei + tr;                                \
      BODY;                                                                               \
    }                                                                                     \
  } while (0)

EXPORT(fft_power) void fft_power(FftPlan *p, const double *x, double *out) {
  fft_z(p, x);
  const int m = p->m;
  const double *z = p->z;
  const double z0r = z[0], z0i = z[1];
  out[0] = (z0r + z0i) * (z0r + z0i);
  out[m] = (z0r - z0i) * (z0r - z0i);
  SPLIT_BINS((out[k] = ar * ar + ai * ai, out[m - k] = br * br + bi * bi));
}

/*
 * One block of the hum analysis (src/core/hum/hum.ts): x·w into the plan's input, its power
 * spectrum, and bins 0..max_bin added to sum; operation for operation what the TypeScript did.
 */
EXPORT(fft_power_add) void fft_power_add(FftPlan *p, const double *x, const double *w, double *sum, int max_bin) {
  double *in = p->input, *out = p->out;
  for (int i = 0; i < p->size; i++) in[i] = x[i] * w[i];
  fft_power(p, in, out);
  for (int k = 0; k <= max_bin; k++) sum[k] += out[k];
}

/* The real transform of x, bins 0..size/2: Σ x[n]·e^(−2πikn/size) = re[k] + i·im[k]. */
EXPORT(fft_complex) void fft_complex(FftPlan *p, const double *x, double *re, double *im) {
  fft_z(p, x);
  const int m = p->m;
  const double *z = p->z;
  re[0] = z[0] + z[1];
  im[0] = 0;
  re[m] = z[0] - z[1];
  im[m] = 0;
  SPLIT_BINS((re[k] = ar, im[k] = ai, re[m - k] = br, im[m - k] = -bi));
}

/*
 * One display spectrogram frame (src/core/display/spectrogram.ts): the Hann-windowed power
 * spectrum of x[0, size) (non-finite samples as 0), max-pooled into bins of `pool` raw bins
 * below `raw_bins`, in dB re `ref_power` (−∞ for a silent bin), written to out[0, bins).
 */
EXPORT(spectro_frame)
void spectro_frame(FftPlan *p, const float *x, const double *window, int raw_bins, int pool, double ref_power, float *out, int bins) {
  double *in = p->input;
  for (int i = 0; i < p->size; i++) {
    const float v = x[i];
    in[i] = (double)(v - v == 0 ? v : 0) * window[i];
  }
  double *power = p->out;
  fft_power(p, in, power);
  for (int b = 0; b < bins; b++) {
    double m = 0;
    const int end = raw_bins < (b + 1) * pool ? raw_bins : (b + 1) * pool;
    for (int k = b * pool; k < end; k++)
      if (power[k] > m) m = power[k];
    out[b] = m > 0 ? (float)(10 * apl_log10(m / ref_power)) : -__builtin_inff();
  }
}
