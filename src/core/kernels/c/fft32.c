/*
 * A complex FFT in single precision for the echo's cepstrum blocks (echo.c), where the f64 FFT
 * (fft.c, one complex value to a vector) was most of the echo's time. The real and imaginary
 * parts sit in two arrays, so a vector holds four points and a butterfly of vectors does four
 * butterflies: decimation in frequency, in place, radix-4 stages (each the two radix-2 stages it
 * replaces, so the output stays in bit-reversed order), one radix-2 stage first when log2 m is
 * odd, and the last radix-4 stage, whose four points are neighbours, on four groups at once after
 * a 4×4 transpose of the vectors. Its outputs are left where that puts them; pos[k] says where
 * X[k] is. Accuracy: ~1e-7 of the largest |X| (tests/unit/kernels, against the f64 FFT).
 */
#include "kernels.h"
#include "fft32.h"

static int log2i(int m) {
  int l = 0;
  while ((1 << l) < m) l++;
  return l;
}

static int bit_reverse(int v, int bits) {
  int r = 0;
  for (int b = 0; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

EXPORT(fft32_plan_new) Fft32Plan *fft32_plan_new(int m) {
  if (m < 16 || (m & (m - 1)) != 0) return 0;
  Fft32Plan *p = apl_calloc(sizeof(Fft32Plan));
  if (!p) return 0;
  const int log2m = log2i(m);
  p->m = m;
  p->radix2_first = log2m & 1;
  p->re = apl_malloc(sizeof(float) * m);
  p->im = apl_malloc(sizeof(float) * m);
  p->pos = apl_malloc(sizeof(uint32_t) * m);
  if (!p->re || !p->im || !p->pos) return 0;
  int span = m; /* points per group of the next stage */
  if (p->radix2_first) {
    const int h = m / 2;
    p->tw2 = apl_malloc(sizeof(float) * m);
    if (!p->tw2 || !apl_cos_sin_f32(h, (-2 * PI) / m, p->tw2, p->tw2 + h)) return 0;
    span = h;
  }
  for (; span >= 16; span /= 4) {
    const int q = span / 4;
    float *tw = apl_malloc(sizeof(float) * 6 * q);
    float *c = apl_malloc(sizeof(float) * 3 * q), *s = apl_malloc(sizeof(float) * 3 * q);
    if (!tw || !c || !s || !apl_cos_sin_f32(3 * q, (-2 * PI) / span, c, s)) return 0;
    for (int t = 1; t <= 3; t++) {
      for (int j = 0; j < q; j++) {
        tw[(2 * t - 2) * q + j] = c[t * j];
        tw[(2 * t - 1) * q + j] = s[t * j];
      }
    }
    apl_free(c);
    apl_free(s);
    p->stage_q[p->stages] = q;
    p->stage_tw[p->stages] = tw;
    p->stages++;
  }
  /* span is 4 now: the last stage leaves, in each block of 16, y_t of group l at 4t + l, where an
     in-place transform has it at 4l + t, and position i of that holds X[bit_reverse(i)]. */
  for (int b = 0; b < m; b += 16) {
    for (int l = 0; l < 4; l++) {
      for (int t = 0; t < 4; t++) p->pos[bit_reverse(b + 4 * l + t, log2m)] = b + 4 * t + l;
    }
  }
  return p;
}

EXPORT(fft32_plan_free) void fft32_plan_free(Fft32Plan *p) {
  if (!p) return;
  for (int s = 0; s < p->stages; s++) apl_free(p->stage_tw[s]);
  apl_free(p->tw2);
  apl_free(p->re);
  apl_free(p->im);
  apl_free(p->pos);
  apl_free(p);
}

EXPORT(fft32_re) float *fft32_re(Fft32Plan *p) { return p->re; }
EXPORT(fft32_im) float *fft32_im(Fft32Plan *p) { return p->im; }
EXPORT(fft32_pos) uint32_t *fft32_pos(Fft32Plan *p) { return p->pos; }

#define LD(ptr) wasm_v128_load(ptr)
#define ST(ptr, v) wasm_v128_store(ptr, v)
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul

/* (xr + i·xi)·(c + i·s) into *or, *oi. */
static inline void cmul(v128_t xr, v128_t xi, v128_t c, v128_t s, v128_t *or, v128_t *oi) {
  *or = SUB(MUL(xr, c), MUL(xi, s));
  *oi = ADD(MUL(xr, s), MUL(xi, c));
}

/* Four rows of four floats, transposed: out[t] lane l = in[l] lane t. */
static inline void transpose4(const v128_t in[4], v128_t out[4]) {
  const v128_t t0 = wasm_i32x4_shuffle(in[0], in[1], 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(in[0], in[1], 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(in[2], in[3], 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(in[2], in[3], 2, 6, 3, 7);
  out[0] = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
  out[1] = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
  out[2] = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
  out[3] = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}

EXPORT(fft32_run) void fft32_run(Fft32Plan *p) {
  const int m = p->m;
  float *re = p->re, *im = p->im;
  if (p->radix2_first) {
    /* x[j] ← a + b, x[j + h] ← (a − b)·W^j, W = e^(−2πi/m) */
    const int h = m / 2;
    const float *c = p->tw2, *s = p->tw2 + h;
    for (int j = 0; j < h; j += 4) {
      const v128_t ar = LD(re + j), ai = LD(im + j), br = LD(re + j + h), bi = LD(im + j + h);
      ST(re + j, ADD(ar, br));
      ST(im + j, ADD(ai, bi));
      v128_t yr, yi;
      cmul(SUB(ar, br), SUB(ai, bi), LD(c + j), LD(s + j), &yr, &yi);
      ST(re + j + h, yr);
      ST(im + j + h, yi);
    }
  }
  /* Radix 4, quarter q: with a, b, c, d at j, j + q, j + 2q, j + 3q and W = e^(−2πi/(4q)):
     x[j] ← (a + c) + (b + d), x[j + q] ← ((a + c) − (b + d))·W^2j,
     x[j + 2q] ← ((a − c) − i(b − d))·W^j, x[j + 3q] ← ((a − c) + i(b − d))·W^3j. */
  for (int st = 0; st < p->stages; st++) {
    const int q = p->stage_q[st];
    const float *tw = p->stage_tw[st];
    for (int g = 0; g < m; g += 4 * q) {
      float *r0 = re + g, *i0 = im + g;
      for (int j = 0; j < q; j += 4) {
        const v128_t ar = LD(r0 + j), ai = LD(i0 + j);
        const v128_t br = LD(r0 + j + q), bi = LD(i0 + j + q);
        const v128_t cr = LD(r0 + j + 2 * q), ci = LD(i0 + j + 2 * q);
        const v128_t dr = LD(r0 + j + 3 * q), di = LD(i0 + j + 3 * q);
        const v128_t t0r = ADD(ar, cr), t0i = ADD(ai, ci), t1r = SUB(ar, cr), t1i = SUB(ai, ci);
        const v128_t t2r = ADD(br, dr), t2i = ADD(bi, di), t3r = SUB(br, dr), t3i = SUB(bi, di);
        ST(r0 + j, ADD(t0r, t2r));
        ST(i0 + j, ADD(t0i, t2i));
        v128_t yr, yi;
        cmul(SUB(t0r, t2r), SUB(t0i, t2i), LD(tw + 2 * q + j), LD(tw + 3 * q + j), &yr, &yi);
        ST(r0 + j + q, yr);
        ST(i0 + j + q, yi);
        /* −i·t3 = (t3i, −t3r) */
        cmul(ADD(t1r, t3i), SUB(t1i, t3r), LD(tw + j), LD(tw + q + j), &yr, &yi);
        ST(r0 + j + 2 * q, yr);
        ST(i0 + j + 2 * q, yi);
        cmul(SUB(t1r, t3i), ADD(t1i, t3r), LD(tw + 4 * q + j), LD(tw + 5 * q + j), &yr, &yi);
        ST(r0 + j + 3 * q, yr);
        ST(i0 + j + 3 * q, yi);
      }
    }
  }
  /* The last stage (q = 1, all twiddles 1): four groups of four neighbours at a time, transposed
     so that lane l holds group l; y_t of the four groups is stored as one vector. */
  for (int b = 0; b < m; b += 16) {
    v128_t rr[4], ii[4], R[4], I[4];
    for (int t = 0; t < 4; t++) rr[t] = LD(re + b + 4 * t), ii[t] = LD(im + b + 4 * t);
    transpose4(rr, R);
    transpose4(ii, I);
    const v128_t t0r = ADD(R[0], R[2]), t0i = ADD(I[0], I[2]), t1r = SUB(R[0], R[2]), t1i = SUB(I[0], I[2]);
    const v128_t t2r = ADD(R[1], R[3]), t2i = ADD(I[1], I[3]), t3r = SUB(R[1], R[3]), t3i = SUB(I[1], I[3]);
    ST(re + b, ADD(t0r, t2r));
    ST(im + b, ADD(t0i, t2i));
    ST(re + b + 4, SUB(t0r, t2r));
    ST(im + b + 4, SUB(t0i, t2i));
    ST(re + b + 8, ADD(t1r, t3i));
    ST(im + b + 8, SUB(t1i, t3r));
    ST(re + b + 12, SUB(t1r, t3i));
    ST(im + b + 12, ADD(t1i, t3r));
  }
}
