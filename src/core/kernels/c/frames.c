/*
 * The frame table's streaming pass (src/core/frames/frame-analysis.ts owns the definitions and
 * the partial/merge logic; this is its per-sample part): per 10 ms hop, channel powers and means,
 * the downmix's, digital silence and channel-pair sums; per frame, the mid (or side) signal's
 * Hann-windowed power spectrum → sub-band powers and the level-bucketed long-term spectra.
 * Operation for operation the TypeScript formulation it replaced, so the table is bit-identical.
 *
 * Outputs of one `frames_push` call go to fixed buffers the caller drains after the call:
 * one row per closed hop (HOP_STRIDE floats), one row of band powers per analysed frame, and the
 * spectra of frames whose level bucket found no free slot (the caller sums those itself).
 */
#include "kernels.h"
#include "fft4.h"

#define KEY_OFFSET 4096
#define KEY_RANGE 8192
#define MAX_BANDS 32

typedef struct Frames {
  /* configuration */
  int C, hop, fft_size, half, offset, band_count, max_piece;
  int64_t frame0, seg_start, seg_end; /* seg_end: INT64_MAX for "to the end" */
  double bin_scale;
  int32_t band_start[MAX_BANDS], band_end[MAX_BANDS], band_speech[MAX_BANDS];
  double *window;
  /* frames are transformed four at a time (fft4.c): those waiting for a free lane */
  Fft4Plan *fft;
  int pending;
  float *pending_bands[4];
  float *lane_in[4]; /* each waiting frame's transform input, in sample order (flush_frames interleaves them) */
  /* running sums of the current hop */
  double *ss, *slin;
  double sxy, sx, sy, ss_mid, ss_down, s_down;
  /* one and two channels: the hop's sums by position in the hop mod 2 (HOP_*), folded at its close */
  double lane[6][2];
  int in_hop;
  int64_t hops_done, fft_done, written;
  /* rings of the analysis signals, indexed by absolute sample & mask */
  int ring_size, mask;
  double *ring_mid, *ring_side;
  /* level buckets: key → slot (−1 none yet, −2 overflow), slot sums */
  int16_t *slot_of_key;
  int slot_count, slots_used;
  int32_t *slot_key, *slot_frames;
  double *slot_sums;
  /* outputs of the last call */
  int hops_out, frames_out, overflow_out, max_hops_out, max_frames_out;
  int64_t first_frame_out;
  float *hop_out;       /* hops_out × hop_stride */
  float *band_out;      /* frames_out × band_count */
  float *hop_cols, *band_cols; /* the same, column by column (end_outputs), for bulk copies */
  int32_t *overflow_key;
  double *overflow_sum; /* overflow_out × (half + 1) */
} Frames;

enum { HOP_SS0, HOP_SS1, HOP_SXY, HOP_SX, HOP_SY, HOP_SS_MID };

static int hop_stride(const Frames *f) { return 2 * f->C + 6; }

EXPORT(frames_new)
Frames *frames_new(int C, int hop, int fft_size, int offset, double frame0, double seg_start, double seg_end, double first_pushed,
                   int band_count, int max_piece, int slot_count) {
  Frames *f = apl_malloc(sizeof(Frames));
  if (!f || band_count > MAX_BANDS) return 0;
  __builtin_memset(f, 0, sizeof(Frames));
  f->C = C;
  f->hop = hop;
  f->fft_size = fft_size;
  f->half = fft_size / 2;
  f->offset = offset;
  f->band_count = band_count;
  f->max_piece = max_piece;
  f->frame0 = (int64_t)frame0;
  f->seg_start = (int64_t)seg_start;
  f->seg_end = seg_end < 0 ? INT64_MAX : (int64_t)seg_end;
  f->written = (int64_t)first_pushed;
  f->window = apl_malloc(sizeof(double) * fft_size);
  double window_power = 0;
  for (int n = 0; n < fft_size; n++) {
    f->window[n] = 0.5 - 0.5 * js_cos((2 * PI * n) / fft_size);
    window_power += f->window[n] * f->window[n];
  }
  f->bin_scale = 2 / (fft_size * window_power);
  f->fft = fft4_plan_new(fft_size);
  f->pending = 0;
  for (int j = 0; j < 4; j++) f->lane_in[j] = apl_calloc(sizeof(float) * fft_size);
  f->ss = apl_malloc(sizeof(double) * C);
  f->slin = apl_malloc(sizeof(double) * C);
  for (int c = 0; c < C; c++) f->ss[c] = f->slin[c] = 0;
  int ring = 1;
  while (ring < fft_size + 2 * hop) ring *= 2;
  f->ring_size = ring;
  f->mask = ring - 1;
  f->ring_mid = apl_malloc(sizeof(double) * ring);
  f->ring_side = apl_malloc(sizeof(double) * ring);
  for (int i = 0; i < ring; i++) f->ring_mid[i] = f->ring_side[i] = 0;
  f->slot_of_key = apl_malloc(sizeof(int16_t) * KEY_RANGE);
  for (int k = 0; k < KEY_RANGE; k++) f->slot_of_key[k] = -1;
  f->slot_count = slot_count;
  f->slot_key = apl_malloc(sizeof(int32_t) * slot_count);
  f->slot_frames = apl_malloc(sizeof(int32_t) * slot_count);
  f->slot_sums = apl_malloc(sizeof(double) * slot_count * (f->half + 1));
  f->max_hops_out = max_piece / hop + 2;
  f->max_frames_out = f->max_hops_out + fft_size / hop + 4;
  f->hop_out = apl_malloc(sizeof(float) * f->max_hops_out * hop_stride(f));
  f->band_out = apl_malloc(sizeof(float) * f->max_frames_out * (band_count > 0 ? band_count : 1));
  f->hop_cols = apl_malloc(sizeof(float) * f->max_hops_out * hop_stride(f));
  f->band_cols = apl_malloc(sizeof(float) * f->max_frames_out * (band_count > 0 ? band_count : 1));
  f->overflow_key = apl_malloc(sizeof(int32_t) * f->max_frames_out);
  f->overflow_sum = apl_malloc(sizeof(double) * f->max_frames_out * (f->half + 1));
  if (!f->window || !f->fft || !f->ss || !f->slin || !f->ring_mid || !f->ring_side || !f->slot_of_key || !f->slot_key ||
      !f->slot_frames || !f->slot_sums || !f->hop_out || !f->band_out || !f->hop_cols || !f->band_cols || !f->overflow_key || !f->overflow_sum ||
      !f->lane_in[0] || !f->lane_in[1] || !f->lane_in[2] || !f->lane_in[3])
    return 0;
  return f;
}

EXPORT(frames_free) void frames_free(Frames *f) {
  if (!f) return;
  apl_free(f->window);
  fft4_plan_free(f->fft);
  for (int j = 0; j < 4; j++) apl_free(f->lane_in[j]);
  apl_free(f->ss);
  apl_free(f->slin);
  apl_free(f->ring_mid);
  apl_free(f->ring_side);
  apl_free(f->slot_of_key);
  apl_free(f->slot_key);
  apl_free(f->slot_frames);
  apl_free(f->slot_sums);
  apl_free(f->hop_out);
  apl_free(f->band_out);
  apl_free(f->hop_cols);
  apl_free(f->band_cols);
  apl_free(f->overflow_key);
  apl_free(f->overflow_sum);
  apl_free(f);
}

/* The caller writes band_start, band_end, band_speech (band_count each) here before pushing. */
EXPORT(frames_bands) int32_t *frames_bands(Frames *f) { return f->band_start; }

static void close_hop(Frames *f) {
  const int C = f->C;
  const int stereo = C == 2;
  if (C <= 2) {
    double folded[6];
    for (int k = 0; k < 6; k++) folded[k] = f->lane[k][0] + f->lane[k][1], f->lane[k][0] = f->lane[k][1] = 0;
    f->ss[0] = folded[HOP_SS0];
    if (stereo) {
      f->ss[1] = folded[HOP_SS1];
      f->sxy = folded[HOP_SXY];
      f->sx = folded[HOP_SX];
      f->sy = folded[HOP_SY];
      f->ss_mid = folded[HOP_SS_MID];
    } else f->slin[0] = folded[HOP_SX];
  }
  if (stereo) {
    f->slin[0] = f->sx;
    f->slin[1] = f->sy;
  }
  float *row = f->hop_out + f->hops_out * hop_stride(f);
  const double n = f->in_hop;
  for (int c = 0; c < C; c++) {
    row[c] = (float)(f->ss[c] / n);
    row[C + c] = (float)(f->slin[c] / n);
  }
  row[2 * C] = (float)((C == 1 ? f->ss[0] : stereo ? f->ss_mid : f->ss_down) / n);
  row[2 * C + 1] = (float)((C == 1 ? f->slin[0] : stereo ? 0.5 * (f->sx + f->sy) : f->s_down) / n);
  int non_zero = 0;
  for (int c = 0; c < C; c++)
    if (f->ss[c] > 0) non_zero = 1;
  row[2 * C + 2] = non_zero ? 0 : 1;
  row[2 * C + 3] = (float)f->sxy;
  row[2 * C + 4] = (float)f->sx;
  row[2 * C + 5] = (float)f->sy;
  f->hops_out++;
  for (int c = 0; c < C; c++) f->ss[c] = f->slin[c] = 0;
  f->sxy = f->sx = f->sy = f->ss_mid = f->ss_down = f->s_down = 0;
  f->in_hop = 0;
  f->hops_done++;
}

/* Band powers and level bucket of each frame waiting in a lane: transform them, in frame order. */
static void flush_frames(Frames *f) {
  if (f->pending == 0) return;
  const int half = f->half;
  /* The four inputs, sample n of input j to lane j of the transform's input[n]: 4 × 4 transposes
     (a lane without a frame carries an earlier one's samples; its output is not read). */
  {
    const float *l0 = f->lane_in[0], *l1 = f->lane_in[1], *l2 = f->lane_in[2], *l3 = f->lane_in[3];
    v128_t *in = f->fft->input;
    for (int n = 0; n < f->fft_size; n += 4) {
      const v128_t a = wasm_v128_load(l0 + n), b = wasm_v128_load(l1 + n), c = wasm_v128_load(l2 + n), d = wasm_v128_load(l3 + n);
      const v128_t ab01 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), ab23 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
      const v128_t cd01 = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), cd23 = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
      in[n] = wasm_i64x2_shuffle(ab01, cd01, 0, 2);
      in[n + 1] = wasm_i64x2_shuffle(ab01, cd01, 1, 3);
      in[n + 2] = wasm_i64x2_shuffle(ab23, cd23, 0, 2);
      in[n + 3] = wasm_i64x2_shuffle(ab23, cd23, 1, 3);
    }
  }
  fft4_power(f->fft);
  const float *power4 = (const float *)f->fft->out;
  const double scale = f->bin_scale;
  /* Each band's sum for the four lanes at once (bin k of the four frames is one f32x4), each
     lane adding its bins in order as a plain loop would: one chain of additions per band and
     pair of frames instead of per band and frame. */
  double band_sum[4][MAX_BANDS];
  for (int b = 0; b < f->band_count; b++) {
    v128_t s01 = wasm_f64x2_splat(0), s23 = s01;
    for (int k = f->band_start[b]; k < f->band_end[b]; k++) {
      const v128_t v = wasm_v128_load(power4 + 4 * k);
      s01 = wasm_f64x2_add(s01, wasm_f64x2_promote_low_f32x4(v));
      s23 = wasm_f64x2_add(s23, f64x2_promote_high_f32x4(v));
    }
    band_sum[0][b] = wasm_f64x2_extract_lane(s01, 0);
    band_sum[1][b] = wasm_f64x2_extract_lane(s01, 1);
    band_sum[2][b] = wasm_f64x2_extract_lane(s23, 0);
    band_sum[3][b] = wasm_f64x2_extract_lane(s23, 1);
  }
  /* The slot sums each frame adds its spectrum to (0: none, or it went to the caller). */
  double *into[4] = {0, 0, 0, 0};
  for (int j = 0; j < f->pending; j++) {
    float *bands = f->pending_bands[j];
    double speech_band = 0;
    for (int b = 0; b < f->band_count; b++) {
      double acc = band_sum[j][b];
      acc *= scale;
      bands[b] = (float)acc;
      if (f->band_speech[b]) speech_band += acc;
    }
    if (!(speech_band > 0)) continue;
    const int key = (int)__builtin_floor(10 * apl_log10(speech_band));
    const int at = key + KEY_OFFSET;
    int slot = at >= 0 && at < KEY_RANGE ? f->slot_of_key[at] : -2;
    if (slot == -1) {
      if (f->slots_used < f->slot_count) {
        slot = f->slots_used++;
        f->slot_key[slot] = key;
        f->slot_frames[slot] = 0;
        double *s = f->slot_sums + (size_t)slot * (half + 1);
        for (int k = 0; k <= half; k++) s[k] = 0;
      } else {
        slot = -2;
      }
      if (at >= 0 && at < KEY_RANGE) f->slot_of_key[at] = (int16_t)slot;
    }
    if (slot >= 0) {
      f->slot_frames[slot]++;
      into[j] = f->slot_sums + (size_t)slot * (half + 1);
    } else {
      /* No slot: hand the spectrum to the caller, which sums it in order. */
      f->overflow_key[f->overflow_out] = key;
      double *s = f->overflow_sum + (size_t)f->overflow_out * (half + 1);
      for (int k = 0; k <= half; k++) s[k] = power4[4 * k + j] * scale;
      f->overflow_out++;
    }
  }
  /* s[k] += bin k × scale for each frame with a slot, frames in order for every bin (two frames of
     the batch may share a slot): four bins of the four lanes at a time, transposed so each frame's
     bins are two pairs of doubles. */
  const v128_t sc = wasm_f64x2_splat(scale);
  int k = 0;
  for (; k + 4 <= half + 1; k += 4) {
    const v128_t b0 = wasm_v128_load(power4 + 4 * k), b1 = wasm_v128_load(power4 + 4 * k + 4);
    const v128_t b2 = wasm_v128_load(power4 + 4 * k + 8), b3 = wasm_v128_load(power4 + 4 * k + 12);
    const v128_t t0 = wasm_i32x4_shuffle(b0, b1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(b0, b1, 2, 6, 3, 7);
    const v128_t t2 = wasm_i32x4_shuffle(b2, b3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(b2, b3, 2, 6, 3, 7);
    /* lane j of bins k..k+3 */
    const v128_t lane[4] = {wasm_i64x2_shuffle(t0, t2, 0, 2), wasm_i64x2_shuffle(t0, t2, 1, 3), wasm_i64x2_shuffle(t1, t3, 0, 2),
                            wasm_i64x2_shuffle(t1, t3, 1, 3)};
    for (int j = 0; j < 4; j++) {
      double *s = into[j];
      if (!s) continue;
      const v128_t lo = wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(lane[j]), sc);
      const v128_t hi = wasm_f64x2_mul(f64x2_promote_high_f32x4(lane[j]), sc);
      wasm_v128_store(s + k, wasm_f64x2_add(wasm_v128_load(s + k), lo));
      wasm_v128_store(s + k + 2, wasm_f64x2_add(wasm_v128_load(s + k + 2), hi));
    }
  }
  for (; k <= half; k++)
    for (int j = 0; j < 4; j++)
      if (into[j]) into[j][k] += power4[4 * k + j] * scale;
  f->pending = 0;
}

/*
 * Frame i: its windowed, mean-removed analysis signal into the next free lane (samples at or past
 * `end`, absolute, read as 0); a silent frame's bands are 0 at once. Its band row is taken now,
 * so rows stay in frame order while frames wait for a lane.
 */
static void analyse_frame(Frames *f, int64_t i, int64_t end) {
  const int N = f->fft_size;
  const int mask = f->mask;
  const double *window = f->window;
  const int64_t start = (f->frame0 + i) * f->hop + f->offset;
  const int64_t lo = start > 0 ? start : 0;
  const int64_t hi = start + N < end ? start + N : end;
  /* [lo, hi) as at most two contiguous runs of the ring: ring[at[r] + t], window[n0[r] + t], t < len[r] */
  int at[2], n0[2], len[2], runs = 0;
  for (int64_t idx = lo; idx < hi; runs++) {
    at[runs] = (int)(idx & mask);
    n0[runs] = (int)(idx - start);
    len[runs] = (int)(hi - idx < f->ring_size - at[runs] ? hi - idx : f->ring_size - at[runs]);
    idx += len[runs];
  }
  const double *ring = f->ring_mid;
  if (f->C == 2) {
    v128_t e_mid = wasm_f64x2_splat(0), e_side = wasm_f64x2_splat(0);
    double em = 0, es = 0;
    for (int r = 0; r < runs; r++) {
      const double *pm = f->ring_mid + at[r], *ps = f->ring_side + at[r], *w = window + n0[r];
      int t = 0;
      for (; t + 2 <= len[r]; t += 2) {
        const v128_t wv = wasm_v128_load(w + t);
        const v128_t m = wasm_f64x2_mul(wasm_v128_load(pm + t), wv);
        const v128_t d = wasm_f64x2_mul(wasm_v128_load(ps + t), wv);
        e_mid = wasm_f64x2_add(e_mid, wasm_f64x2_mul(m, m));
        e_side = wasm_f64x2_add(e_side, wasm_f64x2_mul(d, d));
      }
      for (; t < len[r]; t++) {
        const double m = pm[t] * w[t], d = ps[t] * w[t];
        em += m * m;
        es += d * d;
      }
    }
    em += wasm_f64x2_extract_lane(e_mid, 0) + wasm_f64x2_extract_lane(e_mid, 1);
    es += wasm_f64x2_extract_lane(e_side, 0) + wasm_f64x2_extract_lane(e_side, 1);
    if (es > em) ring = f->ring_side;
  }
  float *bands = f->band_out + f->frames_out * f->band_count;
  f->frames_out++;
  /* The frame's sum as four partial sums (two per vector, two vectors): one running sum would
     wait on an addition per sample. Whether any sample is non-zero: the samples' bits or-ed,
     sign bits aside (the ring holds finite values, and a non-zero double's square is never 0
     at audio's magnitudes, so this is the Σx² == 0 it replaced). */
  v128_t sum2 = wasm_f64x2_splat(0), sum2b = sum2, bits = wasm_i64x2_splat(0);
  double frame_sum = 0;
  for (int r = 0; r < runs; r++) {
    const double *p = ring + at[r];
    int t = 0;
    for (; t + 4 <= len[r]; t += 4) {
      const v128_t v = wasm_v128_load(p + t), u = wasm_v128_load(p + t + 2);
      sum2 = wasm_f64x2_add(sum2, v);
      sum2b = wasm_f64x2_add(sum2b, u);
      bits = wasm_v128_or(bits, wasm_v128_or(v, u));
    }
    for (; t + 2 <= len[r]; t += 2) {
      const v128_t v = wasm_v128_load(p + t);
      sum2 = wasm_f64x2_add(sum2, v);
      bits = wasm_v128_or(bits, v);
    }
    for (; t < len[r]; t++) {
      frame_sum += p[t];
      bits = wasm_v128_or(bits, wasm_v128_load64_zero(p + t));
    }
  }
  sum2 = wasm_f64x2_add(sum2, sum2b);
  frame_sum += wasm_f64x2_extract_lane(sum2, 0) + wasm_f64x2_extract_lane(sum2, 1);
  if (!wasm_v128_any_true(wasm_v128_and(bits, wasm_i64x2_splat(INT64_MAX)))) {
    for (int b = 0; b < f->band_count; b++) bands[b] = 0;
    return;
  }
  const double frame_mean = frame_sum / (double)(hi - lo);
  const v128_t mean2 = wasm_f64x2_splat(frame_mean);
  const int j = f->pending;
  float *input = f->lane_in[j];
  for (int64_t n = 0; n < lo - start; n++) input[n] = 0;
  for (int r = 0; r < runs; r++) {
    const double *p = ring + at[r], *w = window + n0[r];
    float *in = input + n0[r];
    int t = 0;
    for (; t + 4 <= len[r]; t += 4) {
      const v128_t y01 = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(wasm_f64x2_sub(wasm_v128_load(p + t), mean2), wasm_v128_load(w + t)));
      const v128_t y23 = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(wasm_f64x2_sub(wasm_v128_load(p + t + 2), mean2), wasm_v128_load(w + t + 2)));
      wasm_v128_store(in + t, wasm_i64x2_shuffle(y01, y23, 0, 2));
    }
    for (; t < len[r]; t++) in[t] = (float)((p[t] - frame_mean) * w[t]);
  }
  for (int64_t n = hi - start > 0 ? hi - start : 0; n < N; n++) input[n] = 0;
  f->pending_bands[j] = bands;
  if (++f->pending == 4) flush_frames(f);
}

static void drain_frames(Frames *f) {
  while (f->fft_done < f->hops_done && (f->frame0 + f->fft_done) * f->hop + f->offset + f->fft_size <= f->written) {
    analyse_frame(f, f->fft_done, f->written);
    f->fft_done++;
  }
}

/* Samples [t, to) go to the ring from index `at` on without wrapping up to the returned end. */
static inline int ring_piece(const Frames *f, int t, int to, int at) { return to - t < f->ring_size - at ? to : t + (f->ring_size - at); }

/* Two floats as two doubles; NaN and ±∞ as 0. */
static inline v128_t finite_pair(const float *p) { return f64x2_finite(wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p))); }
static inline double finite(double v) { return v - v == 0 ? v : 0; }

/*
 * A stretch of one hop, two channels: the hop's sums (into f->lane, by position in the hop mod 2,
 * so one running sum does not wait on an addition per sample, and each lane adds its samples in
 * order: the same bits however the audio is chunked) and the mid/side ring. The lanes round
 * differently from one running sum (not at all for 16-bit PCM, whose sums are exact).
 */
static void stereo_hop_sums(Frames *f, const float *x0, const float *x1, int from, int to) {
  double (*lane)[2] = f->lane;
  const v128_t half = wasm_f64x2_splat(0.5);
  int t = from, parity = f->in_hop & 1;
  while (t < to) {
    const int at = (int)((f->written + (t - from)) & f->mask);
    const int end = ring_piece(f, t, to, at);
    double *mid = f->ring_mid + at - t, *side = f->ring_side + at - t;
    for (; t < end && (parity || t + 2 > end); t++, parity ^= 1) {
      const double a = finite(x0[t]), b = finite(x1[t]), m = 0.5 * (a + b);
      lane[HOP_SS0][parity] += a * a;
      lane[HOP_SS1][parity] += b * b;
      lane[HOP_SXY][parity] += a * b;
      lane[HOP_SX][parity] += a;
      lane[HOP_SY][parity] += b;
      lane[HOP_SS_MID][parity] += m * m;
      mid[t] = m;
      side[t] = 0.5 * (a - b);
    }
    if (t >= end) continue;
    v128_t s0 = wasm_v128_load(lane[HOP_SS0]), s1 = wasm_v128_load(lane[HOP_SS1]), axy = wasm_v128_load(lane[HOP_SXY]);
    v128_t ax = wasm_v128_load(lane[HOP_SX]), ay = wasm_v128_load(lane[HOP_SY]), am = wasm_v128_load(lane[HOP_SS_MID]);
    for (; t + 2 <= end; t += 2) {
      const v128_t a = finite_pair(x0 + t), b = finite_pair(x1 + t);
      const v128_t m = wasm_f64x2_mul(half, wasm_f64x2_add(a, b));
      s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(a, a));
      s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(b, b));
      axy = wasm_f64x2_add(axy, wasm_f64x2_mul(a, b));
      ax = wasm_f64x2_add(ax, a);
      ay = wasm_f64x2_add(ay, b);
      am = wasm_f64x2_add(am, wasm_f64x2_mul(m, m));
      wasm_v128_store(mid + t, m);
      wasm_v128_store(side + t, wasm_f64x2_mul(half, wasm_f64x2_sub(a, b)));
    }
    wasm_v128_store(lane[HOP_SS0], s0);
    wasm_v128_store(lane[HOP_SS1], s1);
    wasm_v128_store(lane[HOP_SXY], axy);
    wasm_v128_store(lane[HOP_SX], ax);
    wasm_v128_store(lane[HOP_SY], ay);
    wasm_v128_store(lane[HOP_SS_MID], am);
  }
}

/* A stretch of one hop, one channel (as stereo_hop_sums). */
static void mono_hop_sums(Frames *f, const float *x0, int from, int to) {
  double (*lane)[2] = f->lane;
  int t = from, parity = f->in_hop & 1;
  while (t < to) {
    const int at = (int)((f->written + (t - from)) & f->mask);
    const int end = ring_piece(f, t, to, at);
    double *mid = f->ring_mid + at - t;
    for (; t < end && (parity || t + 2 > end); t++, parity ^= 1) {
      const double a = finite(x0[t]);
      lane[HOP_SS0][parity] += a * a;
      lane[HOP_SX][parity] += a;
      mid[t] = a;
    }
    if (t >= end) continue;
    v128_t s0 = wasm_v128_load(lane[HOP_SS0]), l0 = wasm_v128_load(lane[HOP_SX]);
    for (; t + 2 <= end; t += 2) {
      const v128_t a = finite_pair(x0 + t);
      s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(a, a));
      l0 = wasm_f64x2_add(l0, a);
      wasm_v128_store(mid + t, a);
    }
    wasm_v128_store(lane[HOP_SS0], s0);
    wasm_v128_store(lane[HOP_SX], l0);
  }
}

/* Samples outside the stretch: the analysis signal goes into the ring, nothing is summed. */
static void to_ring(Frames *f, const float *const *x, int from, int to) {
  const int C = f->C;
  const int mask = f->mask;
  int64_t w = f->written;
  for (int t = from; t < to; t++) {
    if (C == 2) {
      double a = x[0][t], b = x[1][t];
      if (a - a != 0) a = 0;
      if (b - b != 0) b = 0;
      f->ring_mid[w & mask] = 0.5 * (a + b);
      f->ring_side[w & mask] = 0.5 * (a - b);
    } else if (C == 1) {
      const double a = x[0][t];
      f->ring_mid[w & mask] = a - a == 0 ? a : 0;
    } else {
      double m = 0;
      for (int c = 0; c < C; c++) {
        const double v = x[c][t];
        if (v - v == 0) m += v;
      }
      f->ring_mid[w & mask] = m * (1.0 / C);
    }
    w++;
  }
  f->written = w;
}

static void begin_outputs(Frames *f) {
  f->hops_out = 0;
  f->frames_out = 0;
  f->overflow_out = 0;
  f->first_frame_out = f->fft_done;
}

/* rows (n × stride) → cols: column j at cols + j·cap. */
static void transpose(const float *rows, int n, int stride, int cap, float *cols) {
  for (int j = 0; j < stride; j++)
    for (int h = 0; h < n; h++) cols[j * cap + h] = rows[h * stride + j];
}

/* The frames still in lanes analysed, and the call's hop and band rows column by column too. */
static void end_outputs(Frames *f) {
  flush_frames(f);
  transpose(f->hop_out, f->hops_out, hop_stride(f), f->max_hops_out, f->hop_cols);
  transpose(f->band_out, f->frames_out, f->band_count, f->max_frames_out, f->band_cols);
}

/* x: C pointers to len ≤ max_piece samples each. */
EXPORT(frames_push) void frames_push(Frames *f, const float *const *x, int len) {
  begin_outputs(f);
  const int C = f->C;
  const int hop = f->hop;
  const int mask = f->mask;
  int j = 0;
  if (f->written < f->seg_start) {
    int64_t before = f->seg_start - f->written;
    j = before < len ? (int)before : len;
    to_ring(f, x, 0, j);
  }
  int64_t left = f->seg_end - f->written;
  if (left < 0) left = 0;
  if (left > len) left = len;
  const int own = j + left < len ? j + (int)left : len;
  while (j < own) {
    const int n = hop - f->in_hop < own - j ? hop - f->in_hop : own - j;
    const int end = j + n;
    int64_t w = f->written;
    if (C == 2) stereo_hop_sums(f, x[0], x[1], j, end);
    else if (C == 1) mono_hop_sums(f, x[0], j, end);
    else {
      for (int c = 0; c < C; c++) {
        const float *xc = x[c];
        double acc = f->ss[c], lin = f->slin[c];
        for (int t = j; t < end; t++) {
          const double v = xc[t];
          if (v - v == 0) {
            acc += v * v;
            lin += v;
          }
        }
        f->ss[c] = acc;
        f->slin[c] = lin;
      }
      const float *x0 = x[0], *x1 = x[1];
      double axy = f->sxy, ax = f->sx, ay = f->sy;
      for (int t = j; t < end; t++) {
        double a = x0[t], b = x1[t];
        if (a - a != 0) a = 0;
        if (b - b != 0) b = 0;
        axy += a * b;
        ax += a;
        ay += b;
      }
      f->sxy = axy;
      f->sx = ax;
      f->sy = ay;
      double ad = f->ss_down, ld = f->s_down;
      const double inv_c = 1.0 / C;
      for (int t = j; t < end; t++) {
        double m = 0;
        for (int c = 0; c < C; c++) {
          const double v = x[c][t];
          if (v - v == 0) m += v;
        }
        m *= inv_c;
        ad += m * m;
        ld += m;
        f->ring_mid[w & mask] = m;
        w++;
      }
      f->ss_down = ad;
      f->s_down = ld;
    }
    f->written += n;
    f->in_hop += n;
    j = end;
    if (f->in_hop == hop) close_hop(f);
    drain_frames(f);
  }
  while (j < len && f->fft_done < f->hops_done) {
    const int64_t need = (f->frame0 + f->fft_done) * hop + f->offset + f->fft_size - f->written;
    const int64_t want = need > 1 ? need : 1;
    const int n = len - j < want ? len - j : (int)want;
    to_ring(f, x, j, j + n);
    j += n;
    drain_frames(f);
  }
  end_outputs(f);
}

/* The stretch ends at `end` instead (absolute; nothing at or past it written yet). */
EXPORT(frames_cut) void frames_cut(Frames *f, double end) { f->seg_end = (int64_t)end; }

/* The stretch ended: close the open hop and analyse every frame left (zero-padded past the end). */
EXPORT(frames_finish) void frames_finish(Frames *f) {
  begin_outputs(f);
  if (f->in_hop > 0) close_hop(f);
  while (f->fft_done < f->hops_done) {
    analyse_frame(f, f->fft_done, f->written);
    f->fft_done++;
  }
  end_outputs(f);
}

/* Counters and pointers for the caller, as doubles (read by drain() in src/core/frames/frame-analysis.ts). */
EXPORT(frames_info) void frames_info(const Frames *f, double *out) {
  out[0] = f->hops_out;
  out[1] = f->frames_out;
  out[2] = f->overflow_out;
  out[3] = (double)f->first_frame_out;
  out[4] = (double)f->hops_done;
  out[5] = (double)f->fft_done;
  out[6] = (double)f->written;
  out[7] = f->slots_used;
  out[8] = (double)(uintptr_t)f->hop_cols;
  out[9] = (double)(uintptr_t)f->band_cols;
  out[10] = (double)(uintptr_t)f->overflow_key;
  out[11] = (double)(uintptr_t)f->overflow_sum;
  out[12] = (double)(uintptr_t)f->slot_key;
  out[13] = (double)(uintptr_t)f->slot_frames;
  out[14] = (double)(uintptr_t)f->slot_sums;
  out[15] = f->in_hop;
  out[16] = f->bin_scale;
  out[17] = f->max_hops_out;
  out[18] = f->max_frames_out;
}
