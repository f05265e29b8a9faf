/*
 * One block of the cepstral echo analysis (src/core/echo/cepstrum-echo.ts has the method and
 * the averaging): Hann window, power spectrum, log with a floor 80 dB below the peak bin, the
 * real cepstrum's magnitude as the root of the log spectrum's power spectrum, added to the
 * block's 2-dB level bucket. Operation for operation the TypeScript it replaced, but for the
 * second transform, a DCT-I of half the points (even_power), the window's cosines (trig.c), and
 * the block's energy, in four partial sums (it only picks the bucket). The block is a multiple
 * of 4 samples.
 */
#include "kernels.h"
#include "fft.h"

typedef struct Echo {
  int block, buckets;
  double bucket_db;
  double *window, *windowed, *power, *cep_power, *sums;
  uint32_t *counts;
  double blocks;
  FftPlan *fft;
  /* the cepstrum's transform as a DCT-I through a real FFT of block/2 points (even_power) */
  FftPlan *half_fft;
  double *dct_y, *dct_re, *dct_im, *dct_sin, *dct_cos;
} Echo;

EXPORT(echo_new) Echo *echo_new(int block, int buckets, double bucket_db) {
  if (block < 8 || block % 4 != 0) return 0;
  Echo *e = apl_malloc(sizeof(Echo));
  if (!e) return 0;
  const int half = block / 2;
  e->block = block;
  e->buckets = buckets;
  e->bucket_db = bucket_db;
  e->blocks = 0;
  e->window = apl_malloc(sizeof(double) * block);
  e->windowed = apl_malloc(sizeof(double) * block);
  e->power = apl_malloc(sizeof(double) * (half + 1));
  e->cep_power = apl_malloc(sizeof(double) * (half + 1));
  /* zeroed by calloc: a bucket's row is first touched by its first block (most buckets get none) */
  e->sums = apl_calloc(sizeof(double) * buckets * (half + 1));
  e->counts = apl_calloc(sizeof(uint32_t) * buckets);
  e->fft = fft_plan_new(block);
  e->half_fft = fft_plan_new(half);
  e->dct_y = apl_malloc(sizeof(double) * (half + 1));
  e->dct_re = apl_malloc(sizeof(double) * (half / 2 + 1));
  e->dct_im = apl_malloc(sizeof(double) * (half / 2 + 1));
  e->dct_sin = apl_malloc(sizeof(double) * (half / 2 + 1));
  e->dct_cos = apl_malloc(sizeof(double) * (half / 2 + 1));
  if (!e->window || !e->windowed || !e->power || !e->cep_power || !e->sums || !e->counts || !e->fft || !e->half_fft ||
      !e->dct_y || !e->dct_re || !e->dct_im || !e->dct_sin || !e->dct_cos)
    return 0;
  apl_cos_sin(half / 2 + 1, PI / half, e->dct_cos, e->dct_sin);
  apl_cos_sin(block, (2 * PI) / block, e->window, e->windowed); /* the sines are scratch */
  for (int n = 0; n < block; n++) e->window[n] = 0.5 - 0.5 * e->window[n];
  return e;
}

EXPORT(echo_free) void echo_free(Echo *e) {
  if (!e) return;
  apl_free(e->window);
  apl_free(e->windowed);
  apl_free(e->power);
  apl_free(e->cep_power);
  apl_free(e->sums);
  apl_free(e->counts);
  fft_plan_free(e->fft);
  fft_plan_free(e->half_fft);
  apl_free(e->dct_y);
  apl_free(e->dct_re);
  apl_free(e->dct_im);
  apl_free(e->dct_sin);
  apl_free(e->dct_cos);
  apl_free(e);
}

EXPORT(echo_sums) double *echo_sums(Echo *e) { return e->sums; }
EXPORT(echo_counts) uint32_t *echo_counts(Echo *e) { return e->counts; }
EXPORT(echo_blocks) double echo_blocks(const Echo *e) { return e->blocks; }

/*
 * out[k] = |Σ_n x_e[n]·e^(−2πikn/N)|², k = 0..M, for the even sequence of N = 2M points with
 * x_e[n] = x_e[N − n] = x[n] (n ≤ M): its transform is real, a DCT-I of x[0..M], here through a
 * real FFT of M points (Numerical Recipes' cosft1): half the work of transforming all N points.
 * It rounds differently from the N-point transform (~1e-15 relative; tests/unit/echo).
 */
static void even_power(Echo *e, const double *x, double *out) {
  const int M = e->block / 2, H = M / 2;
  double *y = e->dct_y, *re = e->dct_re, *im = e->dct_im;
  double sum = 0.5 * (x[0] - x[M]);
  y[0] = 0.5 * (x[0] + x[M]);
  y[H] = x[H];
  for (int j = 1; j < H; j++) {
    const double y1 = 0.5 * (x[j] + x[M - j]), y2 = x[j] - x[M - j];
    y[j] = y1 - e->dct_sin[j] * y2;
    y[M - j] = y1 + e->dct_sin[j] * y2;
    sum += e->dct_cos[j] * y2;
  }
  fft_complex(e->half_fft, y, re, im);
  /* C[k] = 2·Y[k]: Y[2k] = Re F[k]; Y[2k + 1] = the running sum of −Im F (cosft1's sign is e^+i) */
  out[0] = 4 * re[0] * re[0];
  out[M] = 4 * re[H] * re[H];
  out[1] = 4 * sum * sum;
  for (int k = 1; k < H; k++) {
    out[2 * k] = 4 * re[k] * re[k];
    sum -= im[k];
    out[2 * k + 1] = 4 * sum * sum;
  }
}

/* For the test that compares even_power with the N-point transform of the mirrored sequence. */
EXPORT(echo_even_power) void echo_even_power(Echo *e, const double *x, double *out) { even_power(e, x, out); }

EXPORT(echo_block) void echo_block(Echo *e, const double *block) {
  const int N = e->block, half = N / 2;
  /* The block's energy in four partial sums (lane = position mod 4: one running sum waited on
     its addition for every sample); it only picks the block's 2-dB level bucket. */
  v128_t e01 = wasm_f64x2_splat(0), e23 = e01;
  for (int i = 0; i < N; i += 4) {
    const v128_t a = wasm_v128_load(block + i), b = wasm_v128_load(block + i + 2);
    wasm_v128_store(e->windowed + i, wasm_f64x2_mul(a, wasm_v128_load(e->window + i)));
    wasm_v128_store(e->windowed + i + 2, wasm_f64x2_mul(b, wasm_v128_load(e->window + i + 2)));
    e01 = wasm_f64x2_add(e01, wasm_f64x2_mul(a, a));
    e23 = wasm_f64x2_add(e23, wasm_f64x2_mul(b, b));
  }
  const v128_t e4 = wasm_f64x2_add(e01, e23);
  const double energy = wasm_f64x2_extract_lane(e4, 0) + wasm_f64x2_extract_lane(e4, 1);
  const double p = energy / N;
  if (!(p > 0)) return;
  const double level_db = 10 * js_log10(p);
  if (level_db - level_db != 0) return;
  double *power = e->power;
  fft_power(e->fft, e->windowed, power);
  v128_t max2 = wasm_f64x2_splat(0);
  for (int k = 0; k < half; k += 2) max2 = wasm_f64x2_pmax(max2, wasm_v128_load(power + k));
  double max = max_f64(wasm_f64x2_extract_lane(max2, 0), wasm_f64x2_extract_lane(max2, 1));
  if (power[half] > max) max = power[half];
  const double floor = max * 1e-8;
  const v128_t floor2 = wasm_f64x2_splat(floor);
  for (int k = 0; k < half; k += 2) wasm_v128_store(power + k, wasm_f64x2_add(wasm_v128_load(power + k), floor2));
  power[half] += floor;
  apl_log_array(power, power, half + 1); /* the log spectrum, in place */
  even_power(e, power, e->cep_power);
  double idx = __builtin_floor((level_db + e->buckets * e->bucket_db) / e->bucket_db);
  idx = idx < 0 ? 0 : idx;
  const int bucket = idx > e->buckets - 1 ? e->buckets - 1 : (int)idx;
  double *sums = e->sums + (size_t)bucket * (half + 1);
  const v128_t n2 = wasm_f64x2_splat(N);
  for (int n = 0; n < half; n += 2)
    wasm_v128_store(sums + n, wasm_f64x2_add(wasm_v128_load(sums + n), wasm_f64x2_div(wasm_f64x2_sqrt(wasm_v128_load(e->cep_power + n)), n2)));
  sums[half] += __builtin_sqrt(e->cep_power[half]) / N;
  e->counts[bucket]++;
  e->blocks++;
}
