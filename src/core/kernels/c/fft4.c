/*
 * Four real FFTs at once, in single precision: lane j of every f32x4 vector belongs to input j.
 * The algorithm is fft.c's (N/2 complex points, bit-reversed radix-4 decimation in time, the
 * first stage fused into the bit-reversal copy or one radix-2 stage first when log2(N/2) is odd,
 * then the split into the one-sided power spectrum |X_k|², k = 0..N/2), each lane performing the
 * scalar operations; with real and imaginary parts in separate vectors a complex multiply is four
 * multiplies and two adds on four transforms, with no shuffles. Used where many independent
 * windows are transformed (the frame table's 10 ms frames, the echo's cepstrum blocks): about
 * 3× the throughput of the f64 transform. Single precision puts its rounding ~140 dB below a
 * window's level, below the 16-bit floor of the audio it reads (−98 dBFS) and far below the
 * levels these spectra are read at (band powers stored as f32, −50 dB bandwidth edges, a log
 * spectrum floored 80 dB under its peak).
 */
#include "kernels.h"
#include "fft4.h"

static int log2i(int m) {
  int l = 0;
  while ((1 << l) < m) l++;
  return l;
}

EXPORT(fft4_plan_new) Fft4Plan *fft4_plan_new(int size) {
  const int m = size >> 1;
  const int log2m = log2i(m);
  Fft4Plan *p = apl_malloc(sizeof(Fft4Plan));
  if (!p || m < 4) return 0;
  __builtin_memset(p, 0, sizeof(Fft4Plan));
  p->size = size;
  p->m = m;
  p->odd = log2m & 1;
  p->rev = apl_malloc(sizeof(uint32_t) * m);
  p->zr = apl_malloc(sizeof(v128_t) * m);
  p->zi = apl_malloc(sizeof(v128_t) * m);
  p->input = apl_malloc(sizeof(v128_t) * size);
  p->out = apl_malloc(sizeof(v128_t) * (m + 1));
  p->split = apl_malloc(sizeof(float) * 2 * (m / 2 + 1));
  if (!p->rev || !p->zr || !p->zi || !p->input || !p->out || !p->split) return 0;
  for (int i = 0; i < m; i++) {
    int r = 0;
    for (int b = 0, v = i; b < log2m; b++, v >>= 1) r = (r << 1) | (v & 1);
    p->rev[i] = r;
  }
  /* cos and sin of −2π·i/(4L), i < 3L, per stage, and of 2π·k/size for the split (trig.c, as fft.c) */
  double *cs = apl_malloc(sizeof(double) * (3 * m + 2)), *sn = apl_malloc(sizeof(double) * (3 * m + 2));
  if (!cs || !sn) return 0;
  for (int L = p->odd ? 2 : 1; 4 * L <= m; L *= 4) {
    v128_t *tw = apl_malloc(sizeof(v128_t) * 6 * L);
    if (!tw) return 0;
    apl_cos_sin(3 * L, (-2 * PI) / (4 * L), cs, sn);
    for (int k = 0; k < L; k++) {
      for (int j = 1; j <= 3; j++) {
        tw[6 * k + 2 * j - 2] = wasm_f32x4_splat((float)cs[j * k]);
        tw[6 * k + 2 * j - 1] = wasm_f32x4_splat((float)sn[j * k]);
      }
    }
    p->stage_length[p->stages] = L;
    p->twiddles[p->stages] = (float *)tw;
    p->stages++;
  }
  apl_cos_sin(m / 2 + 1, (2 * PI) / size, cs, sn);
  for (int k = 0; k <= m / 2; k++) {
    p->split[2 * k] = (float)(0.5 * cs[k]);
    p->split[2 * k + 1] = (float)(-0.5 * sn[k]);
  }
  apl_free(cs);
  apl_free(sn);
  p->first_stage = p->odd ? 0 : 1;
  return p;
}

EXPORT(fft4_plan_free) void fft4_plan_free(Fft4Plan *p) {
  if (!p) return;
  for (int s = 0; s < p->stages; s++) apl_free(p->twiddles[s]);
  apl_free(p->rev);
  apl_free(p->zr);
  apl_free(p->zi);
  apl_free(p->input);
  apl_free(p->out);
  apl_free(p->split);
  apl_free(p);
}

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul

/* The power spectra of the four inputs in p->input (sample n of input j at lane j of input[n]) to p->out. */
EXPORT(fft4_power) void fft4_power(Fft4Plan *p) {
  const int m = p->m;
  v128_t *zr = p->zr, *zi = p->zi;
  const v128_t *x = p->input;
  const uint32_t *rev = p->rev;
  if (p->odd) {
    for (int q = 0; q < m; q += 2) {
      const int a = 2 * rev[q], b = 2 * rev[q + 1];
      zr[q] = ADD(x[a], x[b]);
      zi[q] = ADD(x[a + 1], x[b + 1]);
      zr[q + 1] = SUB(x[a], x[b]);
      zi[q + 1] = SUB(x[a + 1], x[b + 1]);
    }
  } else {
    for (int q = 0; q < m; q += 4) {
      const int i0 = 2 * rev[q], i2 = 2 * rev[q + 1], i1 = 2 * rev[q + 2], i3 = 2 * rev[q + 3];
      const v128_t ar = ADD(x[i0], x[i2]), ai = ADD(x[i0 + 1], x[i2 + 1]);
      const v128_t br = SUB(x[i0], x[i2]), bi = SUB(x[i0 + 1], x[i2 + 1]);
      const v128_t cr = ADD(x[i1], x[i3]), ci = ADD(x[i1 + 1], x[i3 + 1]);
      const v128_t dr = SUB(x[i1], x[i3]), di = SUB(x[i1 + 1], x[i3 + 1]);
      zr[q] = ADD(ar, cr);
      zi[q] = ADD(ai, ci);
      zr[q + 2] = SUB(ar, cr);
      zi[q + 2] = SUB(ai, ci);
      /* b ± (di, −dr) */
      zr[q + 1] = ADD(br, di);
      zi[q + 1] = SUB(bi, dr);
      zr[q + 3] = SUB(br, di);
      zi[q + 3] = ADD(bi, dr);
    }
  }
  for (int s = p->first_stage; s < p->stages; s++) {
    const int L = p->stage_length[s];
    const v128_t *tw = (const v128_t *)p->twiddles[s];
    const int step = 4 * L;
    for (int k = 0; k < L; k++) {
      const v128_t c1 = tw[6 * k], s1 = tw[6 * k + 1];
      const v128_t c2 = tw[6 * k + 2], s2 = tw[6 * k + 3];
      const v128_t c3 = tw[6 * k + 4], s3 = tw[6 * k + 5];
      for (int q0 = k; q0 < m; q0 += step) {
        const int q2 = q0 + L, q1 = q2 + L, q3 = q1 + L;
        const v128_t t0r = zr[q0], t0i = zi[q0];
        /* x · (c + i·s) = (xr·c − xi·s, xr·s + xi·c) */
        const v128_t t1r = SUB(MUL(zr[q1], c1), MUL(zi[q1], s1)), t1i = ADD(MUL(zr[q1], s1), MUL(zi[q1], c1));
        const v128_t t2r = SUB(MUL(zr[q2], c2), MUL(zi[q2], s2)), t2i = ADD(MUL(zr[q2], s2), MUL(zi[q2], c2));
        const v128_t t3r = SUB(MUL(zr[q3], c3), MUL(zi[q3], s3)), t3i = ADD(MUL(zr[q3], s3), MUL(zi[q3], c3));
        const v128_t ar = ADD(t0r, t2r), ai = ADD(t0i, t2i);
        const v128_t br = SUB(t0r, t2r), bi = SUB(t0i, t2i);
        const v128_t cr = ADD(t1r, t3r), ci = ADD(t1i, t3i);
        const v128_t dr = SUB(t1r, t3r), di = SUB(t1i, t3i);
        zr[q0] = ADD(ar, cr);
        zi[q0] = ADD(ai, ci);
        zr[q1] = SUB(ar, cr);
        zi[q1] = SUB(ai, ci);
        zr[q2] = ADD(br, di);
        zi[q2] = SUB(bi, dr);
        zr[q3] = SUB(br, di);
        zi[q3] = ADD(bi, dr);
      }
    }
  }
  v128_t *out = p->out;
  const v128_t half = wasm_f32x4_splat(0.5f);
  {
    const v128_t e = ADD(zr[0], zi[0]), d = SUB(zr[0], zi[0]);
    out[0] = MUL(e, e);
    out[m] = MUL(d, d);
  }
  const float *split = p->split;
  for (int k = 1, mk = m - 1; k <= m / 2; k++, mk--) {
    const v128_t er = ADD(zr[k], zr[mk]), ei = SUB(zi[k], zi[mk]);
    const v128_t dr = SUB(zr[k], zr[mk]), di = ADD(zi[k], zi[mk]);
    const v128_t wr = wasm_f32x4_splat(split[2 * k]), wi = wasm_f32x4_splat(split[2 * k + 1]);
    const v128_t tr = SUB(MUL(dr, wr), MUL(di, wi)), ti = ADD(MUL(dr, wi), MUL(di, wr));
    const v128_t her = MUL(half, er), hei = MUL(half, ei);
    const v128_t ar = ADD(her, ti), ai = SUB(hei, tr);
    const v128_t br = SUB(her, ti), bi = ADD(hei, tr);
    out[k] = ADD(MUL(ar, ar), MUL(ai, ai));
    out[mk] = ADD(MUL(br, br), MUL(bi, bi));
  }
}

EXPORT(fft4_plan_input) float *fft4_plan_input(Fft4Plan *p) { return (float *)p->input; }
EXPORT(fft4_plan_output) float *fft4_plan_output(Fft4Plan *p) { return (float *)p->out; }
