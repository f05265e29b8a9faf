/*
 * One block of the cepstral echo analysis (src/core/echo/cepstrum-echo.ts has the method and
 * the averaging): Hann window, power spectrum, log with a floor 80 dB below the peak bin, the
 * real cepstrum's magnitude as the root of the log spectrum's power spectrum, added to the
 * block's 2-dB level bucket. The block's energy, which picks the bucket, is summed in double
 * precision (four partial sums); the transforms, the floor and the log run in single precision,
 * four values to a vector (fft32.c; a Cephes-style log): the f64 path was ~3× slower, and the
 * averaged cepstrum moves by ~1e-6 of its peak (tests/unit/echo). The window is scaled by the
 * block's RMS so any level sits well inside float range, and the log spectrum is shifted to
 * centre its 80 dB range on zero: both change the cepstrum's bin 0 (quefrency 0) only, which the
 * echo search (20–450 ms) never reads. The second transform, of an even sequence, is a DCT-I
 * through a real FFT of half the points (even_power). The block is a power of two ≥ 64 samples.
 */
#include "kernels.h"
#include "fft32.h"

typedef struct Echo {
  int block, buckets;
  double bucket_db;
  double *sums;
  uint32_t *counts;
  double blocks;
  /* block floats: the Hann window, then the windowed block */
  float *window, *windowed;
  /* block/2 + 1 floats: the power spectrum (then the log spectrum), the cepstrum's power */
  float *power, *cep_power;
  /* the block as block/2 complex points (re: even samples, im: odd) */
  Fft32Plan *fft;
  float *split;  /* 0.5·cos and −0.5·sin of 2πk/block, k ≤ block/4 */
  /* the cepstrum's transform as a DCT-I through a real FFT of block/2 points (block/4 complex) */
  Fft32Plan *half_fft;
  float *half_split;  /* the same for block/2 points, k ≤ block/8 */
  float *dct_sin, *dct_cos; /* sin and cos of πj/(block/2), j ≤ block/4 */
  float *re, *im;     /* a real transform's bins, block/4 + 1 each (the second transform's) */
} Echo;

/* 0.5·cos and −0.5·sin of 2πk/size, k = 0..size/4, interleaved, for the real transform's split. */
static float *split_table(int size) {
  const int h = size / 4;
  float *t = apl_malloc(sizeof(float) * 2 * (h + 1)), *c = apl_malloc(sizeof(float) * (h + 1)), *s = apl_malloc(sizeof(float) * (h + 1));
  if (!t || !c || !s || !apl_cos_sin_f32(h + 1, (2 * PI) / size, c, s)) return 0;
  /* halving is exact: the same floats as rounding 0.5·cos in double */
  for (int k = 0; k <= h; k++) t[2 * k] = 0.5f * c[k], t[2 * k + 1] = -0.5f * s[k];
  apl_free(c);
  apl_free(s);
  return t;
}

EXPORT(echo_new) Echo *echo_new(int block, int buckets, double bucket_db) {
  if (block < 64 || (block & (block - 1)) != 0) return 0;
  Echo *e = apl_calloc(sizeof(Echo));
  if (!e) return 0;
  const int half = block / 2, quarter = block / 4;
  e->block = block;
  e->buckets = buckets;
  e->bucket_db = bucket_db;
  e->window = apl_malloc(sizeof(float) * block);
  e->windowed = apl_malloc(sizeof(float) * block);
  e->power = apl_malloc(sizeof(float) * (half + 4));
  e->cep_power = apl_malloc(sizeof(float) * (half + 4));
  /* zeroed by calloc: a bucket's row is first touched by its first block (most buckets get none) */
  e->sums = apl_calloc(sizeof(double) * buckets * (half + 1));
  e->counts = apl_calloc(sizeof(uint32_t) * buckets);
  e->fft = fft32_plan_new(half);
  e->half_fft = fft32_plan_new(quarter);
  e->split = split_table(block);
  e->half_split = split_table(half);
  e->dct_sin = apl_malloc(sizeof(float) * (quarter + 1));
  e->dct_cos = apl_malloc(sizeof(float) * (quarter + 1));
  e->re = apl_malloc(sizeof(float) * (quarter + 1));
  e->im = apl_malloc(sizeof(float) * (quarter + 1));
  double *c = apl_malloc(sizeof(double) * block), *s = apl_malloc(sizeof(double) * block);
  if (!e->window || !e->windowed || !e->power || !e->cep_power || !e->sums || !e->counts || !e->fft || !e->half_fft ||
      !e->split || !e->half_split || !e->dct_sin || !e->dct_cos || !e->re || !e->im || !c || !s)
    return 0;
  if (!apl_cos_sin_f32(quarter + 1, PI / half, e->dct_cos, e->dct_sin)) return 0;
  apl_cos_sin(block, (2 * PI) / block, c, s);
  for (int n = 0; n < block; n++) e->window[n] = (float)(0.5 - 0.5 * c[n]);
  apl_free(c);
  apl_free(s);
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
  fft32_plan_free(e->fft);
  fft32_plan_free(e->half_fft);
  apl_free(e->split);
  apl_free(e->half_split);
  apl_free(e->dct_sin);
  apl_free(e->dct_cos);
  apl_free(e->re);
  apl_free(e->im);
  apl_free(e);
}

EXPORT(echo_sums) double *echo_sums(Echo *e) { return e->sums; }
EXPORT(echo_counts) uint32_t *echo_counts(Echo *e) { return e->counts; }
EXPORT(echo_blocks) double echo_blocks(const Echo *e) { return e->blocks; }

/*
 * The real transform of the 2m real points whose complex transform (m points, even samples as
 * real parts) p holds, Σ x[n]·e^(−2πikn/2m): bins k and m − k (1 ≤ k ≤ m/2) are (ar, ai) and
 * (br, −bi). `split`: the table of split_table(2m).
 */
static inline void split_pair(const Fft32Plan *p, const float *split, int k, float *ar, float *ai, float *br, float *bi) {
  const uint32_t a = p->pos[k], b = p->pos[p->m - k];
  const float xr = p->re[a], xi = p->im[a], yr = p->re[b], yi = p->im[b];
  const float er = xr + yr, ei = xi - yi, dr = xr - yr, di = xi + yi;
  const float wr = split[2 * k], wi = split[2 * k + 1];
  const float tr = dr * wr - di * wi, ti = dr * wi + di * wr;
  *ar = 0.5f * er + ti;
  *ai = 0.5f * ei - tr;
  *br = 0.5f * er - ti;
  *bi = 0.5f * ei + tr;
}

/* Bins 0 and m, both real: the sum and difference of the first complex point's parts. */
static inline void split_ends(const Fft32Plan *p, float *x0, float *xm) {
  const float z0r = p->re[p->pos[0]], z0i = p->im[p->pos[0]];
  *x0 = z0r + z0i;
  *xm = z0r - z0i;
}

/* Bins k = 0..m of that real transform: re[k] + i·im[k]. */
static void real_bins(const Fft32Plan *p, const float *split, float *re, float *im) {
  const int m = p->m;
  split_ends(p, re, re + m);
  im[0] = im[m] = 0;
  for (int k = 1; k <= m / 2; k++) {
    float ar, ai, br, bi;
    split_pair(p, split, k, &ar, &ai, &br, &bi);
    re[k] = ar, im[k] = ai;
    re[m - k] = br, im[m - k] = -bi;
  }
}

/* |X[k]|², k = 0..m, of that real transform. */
static void real_power(const Fft32Plan *p, const float *split, float *out) {
  const int m = p->m;
  float x0, xm;
  split_ends(p, &x0, &xm);
  out[0] = x0 * x0;
  out[m] = xm * xm;
  for (int k = 1; k <= m / 2; k++) {
    float ar, ai, br, bi;
    split_pair(p, split, k, &ar, &ai, &br, &bi);
    out[k] = ar * ar + ai * ai;
    out[m - k] = br * br + bi * bi;
  }
}

/*
 * The natural log of four positive normal floats, Cephes' logf (S. L. Moshier; within ~1e-7
 * relative): x = 2^e·f with f in [√½, √2), log(f) by a polynomial in f − 1.
 */
static inline v128_t log4(v128_t x) {
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(x, 23), wasm_i32x4_splat(126));
  v128_t f = wasm_v128_or(wasm_v128_and(x, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f000000)); /* [0.5, 1) */
  const v128_t small = wasm_f32x4_lt(f, wasm_f32x4_splat(0.707106781186547524f));
  e = wasm_i32x4_add(e, small); /* all ones: −1 */
  f = wasm_f32x4_sub(wasm_f32x4_add(f, wasm_v128_and(f, small)), wasm_f32x4_splat(1.0f));
  const v128_t fe = wasm_f32x4_convert_i32x4(e);
  const v128_t z = wasm_f32x4_mul(f, f);
  v128_t y = wasm_f32x4_splat(7.0376836292E-2f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.1514610310E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(1.1676998740E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.2420140846E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(1.4249322787E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.6668057665E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(2.0000714765E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-2.4999993993E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(3.3333331174E-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, f), z);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(fe, wasm_f32x4_splat(-2.12194440e-4f)));
  y = wasm_f32x4_add(y, wasm_f32x4_mul(z, wasm_f32x4_splat(-0.5f)));
  return wasm_f32x4_add(wasm_f32x4_add(f, y), wasm_f32x4_mul(fe, wasm_f32x4_splat(0.693359375f)));
}

/*
 * out[k] = |Σ_n x_e[n]·e^(−2πikn/N)|², k = 0..M, for the even sequence of N = 2M points with
 * x_e[n] = x_e[N − n] = x[n] (n ≤ M): its transform is real, a DCT-I of x[0..M], here through a
 * real FFT of M points (Numerical Recipes' cosft1): half the work of transforming all N points.
 */
static void even_power(Echo *e, const float *x, float *out) {
  const int M = e->block / 2, H = M / 2;
  float *yr = e->half_fft->re, *yi = e->half_fft->im; /* y[2n] and y[2n + 1] */
#define Y(j, v) (((j) & 1) ? (yi[(j) >> 1] = (v)) : (yr[(j) >> 1] = (v)))
  double sum = 0.5 * ((double)x[0] - x[M]);
  Y(0, 0.5f * (x[0] + x[M]));
  Y(H, x[H]);
  for (int j = 1; j < H; j++) {
    const float y1 = 0.5f * (x[j] + x[M - j]), y2 = x[j] - x[M - j];
    Y(j, y1 - e->dct_sin[j] * y2);
    Y(M - j, y1 + e->dct_sin[j] * y2);
    sum += e->dct_cos[j] * y2;
  }
#undef Y
  fft32_run(e->half_fft);
  float *re = e->re, *im = e->im;
  real_bins(e->half_fft, e->half_split, re, im);
  /* C[k] = 2·Y[k]: Y[2k] = Re F[k]; Y[2k + 1] = the running sum of −Im F (cosft1's sign is e^+i) */
  out[0] = 4 * re[0] * re[0];
  out[M] = 4 * re[H] * re[H];
  out[1] = (float)(4 * sum * sum);
  for (int k = 1; k < H; k++) {
    out[2 * k] = 4 * re[k] * re[k];
    sum -= im[k];
    out[2 * k + 1] = (float)(4 * sum * sum);
  }
}

/* For the test that compares even_power with the N-point transform of the mirrored sequence (doubles in and out). */
EXPORT(echo_even_power) void echo_even_power(Echo *e, const double *x, double *out) {
  const int M = e->block / 2;
  for (int j = 0; j <= M; j++) e->power[j] = (float)x[j];
  even_power(e, e->power, e->cep_power);
  for (int j = 0; j <= M; j++) out[j] = e->cep_power[j];
}

EXPORT(echo_block) void echo_block(Echo *e, const double *block) {
  const int N = e->block, half = N / 2;
  /* The block's energy in four partial sums (lane = position mod 4: one running sum waited on
     its addition for every sample); it only picks the block's 2-dB level bucket. The windowed
     block as floats beside it. */
  v128_t e01 = wasm_f64x2_splat(0), e23 = e01;
  for (int i = 0; i < N; i += 4) {
    const v128_t a = wasm_v128_load(block + i), b = wasm_v128_load(block + i + 2);
    const v128_t f = wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(a), wasm_f32x4_demote_f64x2_zero(b), 0, 1, 4, 5);
    wasm_v128_store(e->windowed + i, wasm_f32x4_mul(f, wasm_v128_load(e->window + i)));
    e01 = wasm_f64x2_add(e01, wasm_f64x2_mul(a, a));
    e23 = wasm_f64x2_add(e23, wasm_f64x2_mul(b, b));
  }
  const v128_t e4 = wasm_f64x2_add(e01, e23);
  const double energy = wasm_f64x2_extract_lane(e4, 0) + wasm_f64x2_extract_lane(e4, 1);
  const double p = energy / N;
  if (!(p > 0)) return;
  const double level_db = 10 * apl_log10(p);
  if (level_db - level_db != 0) return;
  /* The windowed block over its RMS, as half complex points: even samples real, odd imaginary. */
  const v128_t scale = wasm_f32x4_splat((float)(1 / __builtin_sqrt(p)));
  float *zr = e->fft->re, *zi = e->fft->im;
  for (int i = 0; i < N; i += 8) {
    const v128_t a = wasm_f32x4_mul(wasm_v128_load(e->windowed + i), scale), b = wasm_f32x4_mul(wasm_v128_load(e->windowed + i + 4), scale);
    wasm_v128_store(zr + i / 2, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
    wasm_v128_store(zi + i / 2, wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
  }
  fft32_run(e->fft);
  float *power = e->power;
  real_power(e->fft, e->split, power);
  /* The floor, 80 dB below the peak bin; the log spectrum shifted by −(log of the peak − 40 dB). */
  v128_t max4 = wasm_f32x4_splat(0);
  for (int k = 0; k < half; k += 4) max4 = wasm_f32x4_pmax(max4, wasm_v128_load(power + k));
  max4 = wasm_f32x4_pmax(max4, wasm_i32x4_shuffle(max4, max4, 2, 3, 0, 1));
  max4 = wasm_f32x4_pmax(max4, wasm_i32x4_shuffle(max4, max4, 1, 0, 3, 2));
  const float max = wasm_f32x4_extract_lane(wasm_f32x4_pmax(max4, wasm_f32x4_splat(power[half])), 0);
  const v128_t floor = wasm_f32x4_splat(max * 1e-8f);
  const v128_t shift = wasm_f32x4_splat((float)(apl_log(max) - 9.210340371976184));
  power[half + 1] = power[half + 2] = power[half + 3] = max; /* whole vectors past the last bin */
  for (int k = 0; k <= half; k += 4) wasm_v128_store(power + k, wasm_f32x4_sub(log4(wasm_f32x4_add(wasm_v128_load(power + k), floor)), shift));
  even_power(e, power, e->cep_power);
  double idx = __builtin_floor((level_db + e->buckets * e->bucket_db) / e->bucket_db);
  idx = idx < 0 ? 0 : idx;
  const int bucket = idx > e->buckets - 1 ? e->buckets - 1 : (int)idx;
  double *sums = e->sums + (size_t)bucket * (half + 1);
  const v128_t inv_n = wasm_f64x2_splat(1.0 / N); /* N is a power of two: exact */
  for (int n = 0; n < half; n += 4) {
    const v128_t r = wasm_f32x4_sqrt(wasm_v128_load(e->cep_power + n));
    wasm_v128_store(sums + n, wasm_f64x2_add(wasm_v128_load(sums + n), wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(r), inv_n)));
    wasm_v128_store(sums + n + 2, wasm_f64x2_add(wasm_v128_load(sums + n + 2), wasm_f64x2_mul(f64x2_promote_high_f32x4(r), inv_n)));
  }
  sums[half] += (double)__builtin_sqrtf(e->cep_power[half]) / N;
  e->counts[bucket]++;
  e->blocks++;
}
