/*
 * Sample statistics, the per-sample part (src/core/levels/sample-stats.ts has the definitions,
 * the partial/merge logic and the finish; src/core/levels/clipping.ts the flat-top tables):
 * fixed-block sums with Neumaier totals, zeros and non-finite samples, the running min/max and
 * how many samples equal them, clipped samples and runs, the 16 largest values per polarity with
 * their counts and plateau runs, and the 1 ms sub-block maxima behind the 50 ms noise floor.
 * The sums are kept in partial sums (`lane_sums`), so they may differ from one running sum at
 * the rounding level; everything else is operation for operation the TypeScript it replaced.
 *
 * The state is a struct of doubles; `stats_layout` tells the TypeScript where each field is.
 */
#include "kernels.h"

#define SUM_BLOCK 65536
#define NF_SUBBLOCKS 50
#define L (NF_SUBBLOCKS - 1)
#define TOP 16
#define PLATEAU_RUN_MIN 3
#define CLIP_RUN_MIN 3

typedef struct Top {
  double values[TOP], counts[TOP], runs[TOP];
  double size, threshold, last_pos, last_value, run_length, head_length, head_value;
} Top;

typedef struct Stats {
  double count, block_sum, block_sum_sq, sum, sum_comp, sum_sq, sum_sq_comp;
  double zeros, non_finite, min, max, min_count, max_count;
  double clipped, clip_run, clip_runs, last_clip_pos, head_clip;
  double sub_fill, sub_max_bits, sub_index, all_max, floor, dq_head, dq_tail, sub_len, first_subs_count;
  double clip_bits;
  double lane_sum[4], lane_sq[4]; /* the block's sums by position mod 4 (lane_sums) */
  double dq_value[64], dq_index[64];
  double first_subs[L], last_subs[L];
  Top pos, neg;
} Stats;

#define FIELD(name) (int)(offsetof(Stats, name) / sizeof(double))
EXPORT(stats_layout) void stats_layout(int32_t *out) {
  int i = 0;
  out[i++] = sizeof(Stats) / sizeof(double);
  out[i++] = FIELD(count);
  out[i++] = FIELD(block_sum);
  out[i++] = FIELD(block_sum_sq);
  out[i++] = FIELD(sum);
  out[i++] = FIELD(sum_comp);
  out[i++] = FIELD(sum_sq);
  out[i++] = FIELD(sum_sq_comp);
  out[i++] = FIELD(zeros);
  out[i++] = FIELD(non_finite);
  out[i++] = FIELD(min);
  out[i++] = FIELD(max);
  out[i++] = FIELD(min_count);
  out[i++] = FIELD(max_count);
  out[i++] = FIELD(clipped);
  out[i++] = FIELD(clip_run);
  out[i++] = FIELD(clip_runs);
  out[i++] = FIELD(last_clip_pos);
  out[i++] = FIELD(head_clip);
  out[i++] = FIELD(sub_fill);
  out[i++] = FIELD(sub_max_bits);
  out[i++] = FIELD(sub_index);
  out[i++] = FIELD(all_max);
  out[i++] = FIELD(floor);
  out[i++] = FIELD(first_subs_count);
  out[i++] = FIELD(first_subs);
  out[i++] = FIELD(last_subs);
  out[i++] = FIELD(pos);
  out[i++] = FIELD(neg);
  out[i++] = (int)(offsetof(Top, counts) / sizeof(double));
  out[i++] = (int)(offsetof(Top, runs) / sizeof(double));
  out[i++] = (int)(offsetof(Top, size) / sizeof(double));
  out[i++] = (int)(offsetof(Top, threshold) / sizeof(double));
  out[i++] = (int)(offsetof(Top, last_pos) / sizeof(double));
  out[i++] = (int)(offsetof(Top, last_value) / sizeof(double));
  out[i++] = (int)(offsetof(Top, run_length) / sizeof(double));
  out[i++] = (int)(offsetof(Top, head_length) / sizeof(double));
  out[i++] = (int)(offsetof(Top, head_value) / sizeof(double));
}

static inline int32_t float_bits(float v) { return __builtin_bit_cast(int32_t, v); }
static inline float bits_float(int32_t b) { return __builtin_bit_cast(float, b); }
/* Signed order key of a float32: orders like the value (−0 just below +0), ±∞ beyond all. */
static inline int32_t order_key(double v) {
  int32_t b = float_bits((float)v);
  return b ^ ((b >> 31) & 0x7fffffff);
}

static void top_init(Top *t) {
  __builtin_memset(t, 0, sizeof(Top));
  t->threshold = __DBL_DENORM_MIN__; /* Number.MIN_VALUE: zeros never enter */
  t->last_pos = -2;
}

EXPORT(stats_init) void stats_init(Stats *s, int sub_len, int clip_bits) {
  __builtin_memset(s, 0, sizeof(Stats));
  s->min = __builtin_inf();
  s->max = -__builtin_inf();
  s->last_clip_pos = -2;
  s->floor = __builtin_inf();
  s->sub_len = sub_len;
  s->clip_bits = clip_bits;
  top_init(&s->pos);
  top_init(&s->neg);
}

/* Record value v (≥ threshold) seen at sample index `pos` (clipping.ts TopLevels.observe). */
static void top_observe(Top *t, double v, double pos) {
  double *values = t->values;
  int size = (int)t->size;
  int idx = -1;
  int j = 0;
  for (; j < size; j++) {
    const double w = values[j];
    if (w == v) {
      idx = j;
      break;
    }
    if (w < v) break;
  }
  if (idx < 0) {
    const int last = size < TOP - 1 ? size : TOP - 1;
    for (int k = last; k > j; k--) {
      values[k] = values[k - 1];
      t->counts[k] = t->counts[k - 1];
      t->runs[k] = t->runs[k - 1];
    }
    values[j] = v;
    t->counts[j] = 0;
    t->runs[j] = 0;
    if (size < TOP) t->size = ++size;
    if (size == TOP) t->threshold = values[TOP - 1];
    idx = j;
  }
  t->counts[idx]++;
  if (pos == t->head_length && (pos == 0 || v == t->head_value)) {
    t->head_value = v;
    t->head_length++;
  }
  if (pos == t->last_pos + 1 && v == t->last_value) t->run_length++;
  else t->run_length = 1;
  if (t->run_length == PLATEAU_RUN_MIN) t->runs[idx]++;
  t->last_pos = pos;
  t->last_value = v;
}

static inline int32_t threshold_bits(double t) { return t == __DBL_DENORM_MIN__ ? 1 : float_bits((float)t); }

/* The smallest |x| bit pattern that needs `rare`. */
static inline int32_t rare_bits(const Stats *s) {
  return min_i32((int32_t)s->clip_bits, min_i32(threshold_bits(s->pos.threshold), threshold_bits(s->neg.threshold)));
}

static void rare(Stats *s, double v, int32_t bits, double pos) {
  if (bits >= (int32_t)s->clip_bits) {
    s->clipped++;
    s->clip_run = pos == s->last_clip_pos + 1 ? s->clip_run + 1 : 1;
    if (pos == s->head_clip) s->head_clip++;
    if (s->clip_run == CLIP_RUN_MIN) s->clip_runs++;
    s->last_clip_pos = pos;
  }
  if (v >= s->pos.threshold) top_observe(&s->pos, v, pos);
  else if (-v >= s->neg.threshold) top_observe(&s->neg, -v, pos);
}

/* The 50 ms window's state, in locals while a scan runs (the struct keeps it as doubles). */
typedef struct Window {
  int64_t index, head, tail;
  int first_count;
  double all_max, floor;
} Window;

/* A 1 ms sub-block is complete: slide the 50 ms window by one sub-block. */
static inline void close_sub(Stats *s, Window *w, int32_t max_bits) {
  const double m = bits_float(max_bits);
  const int64_t k = w->index++;
  if (m > w->all_max) w->all_max = m;
  if (k < L) s->first_subs[w->first_count++] = m;
  s->last_subs[k % L] = m;
  double *v = s->dq_value, *idx = s->dq_index;
  int64_t head = w->head, tail = w->tail;
  while (tail > head && v[(tail - 1) & 63] <= m) tail--;
  v[tail & 63] = m;
  idx[tail & 63] = (double)k;
  tail++;
  while (idx[head & 63] <= (double)(k - NF_SUBBLOCKS)) head++;
  w->head = head;
  w->tail = tail;
  if (k >= L) {
    const double window_max = v[head & 63];
    if (window_max < w->floor) w->floor = window_max;
  }
}

static void min_max(Stats *s, const float *x, int from, int to) {
  double min = s->min, max = s->max, min_count = s->min_count, max_count = s->max_count;
  for (int i = from; i < to; i++) {
    const double v = x[i];
    if (v >= max) {
      if (v > max) {
        max = v;
        max_count = 1;
      } else max_count++;
    }
    if (v <= min) {
      if (v < min) {
        min = v;
        min_count = 1;
      } else min_count++;
    }
  }
  s->min = min;
  s->max = max;
  s->min_count = min_count;
  s->max_count = max_count;
}

/*
 * Everything but the sums, on the float32 bit patterns (no NaN/∞ here): per 1 ms piece the max
 * |x| bits and the min/max order keys; a piece is looked at sample by sample only when it can
 * matter (it reaches the running min or max, or holds a sample big enough for `rare`).
 */
static void scan(Stats *s, const float *x, int from, int to, double base) {
  const int32_t *xi = (const int32_t *)x;
  const int sub_len = (int)s->sub_len;
  int sub_fill = (int)s->sub_fill;
  int32_t sub_max = (int32_t)s->sub_max_bits;
  int32_t rb = rare_bits(s);
  int32_t max_key = s->max == 0 ? -1 : order_key(s->max);
  int32_t min_key = s->min == 0 ? 0 : order_key(s->min);
  Window w = {(int64_t)s->sub_index, (int64_t)s->dq_head, (int64_t)s->dq_tail, (int)s->first_subs_count, s->all_max, s->floor};
  const v128_t abs_mask = wasm_i32x4_splat(0x7fffffff);
  int i = from;
  while (i < to) {
    const int start = i;
    const int end = to < i + sub_len - sub_fill ? to : i + sub_len - sub_fill;
    /* Four samples at a time (integer max and min: the same results in any order), then the
       piece's last few one by one. Whether the piece reaches the running min or max is asked of
       all four lanes at once (their min and max are not reduced); |x|'s max is, for the 1 ms
       sub-block and `rare`. */
    v128_t am4 = wasm_i32x4_splat(0), hi4 = wasm_i32x4_splat(INT32_MIN), lo4 = wasm_i32x4_splat(INT32_MAX);
    for (; i + 4 <= end; i += 4) {
      const v128_t b = wasm_v128_load(xi + i);
      am4 = wasm_i32x4_max(am4, wasm_v128_and(b, abs_mask));
      const v128_t key = wasm_v128_xor(b, wasm_v128_and(wasm_i32x4_shr(b, 31), abs_mask));
      hi4 = wasm_i32x4_max(hi4, key);
      lo4 = wasm_i32x4_min(lo4, key);
    }
    am4 = wasm_i32x4_max(am4, wasm_i32x4_shuffle(am4, am4, 2, 3, 0, 1));
    int32_t am = max_i32(wasm_i32x4_extract_lane(am4, 0), wasm_i32x4_extract_lane(am4, 1));
    int extreme = wasm_v128_any_true(wasm_v128_or(wasm_i32x4_ge(hi4, wasm_i32x4_splat(max_key)), wasm_i32x4_le(lo4, wasm_i32x4_splat(min_key))));
    for (; i < end; i++) {
      const int32_t b = xi[i];
      am = max_i32(am, b & 0x7fffffff);
      const int32_t key = b ^ ((b >> 31) & 0x7fffffff);
      extreme |= key >= max_key || key <= min_key;
    }
    if (extreme) {
      min_max(s, x, start, end);
      max_key = s->max == 0 ? -1 : order_key(s->max);
      min_key = s->min == 0 ? 0 : order_key(s->min);
    }
    if (am >= rb) {
      for (int j = start; j < end; j++) {
        const int32_t b = xi[j] & 0x7fffffff;
        if (b >= rb) {
          rare(s, x[j], b, base + j);
          rb = rare_bits(s);
        }
      }
    }
    sub_max = max_i32(sub_max, am);
    sub_fill += end - start;
    if (sub_fill == sub_len) {
      close_sub(s, &w, sub_max);
      sub_fill = 0;
      sub_max = 0;
    }
  }
  s->sub_fill = sub_fill;
  s->sub_max_bits = sub_max;
  s->sub_index = (double)w.index;
  s->dq_head = (double)w.head;
  s->dq_tail = (double)w.tail;
  s->first_subs_count = w.first_count;
  s->all_max = w.all_max;
  s->floor = w.floor;
}

/*
 * Σx, Σx² and the zeros of x[from, to) (x[from] being sample `pos` of the stream) into the four
 * lanes' partial sums of the block (lane = pos mod 4), four samples at a time: one running sum
 * waits on an addition per sample. Each lane adds its samples in order, so the sums are the same
 * bits however the audio is chunked; they differ from one running sum at the rounding level (not
 * at all for 16-bit PCM, whose sums are exact). Returns 0, having changed nothing, when a sample
 * is NaN or ±∞.
 */
static int lane_sums(Stats *s, const float *x, int from, int to, int64_t pos) {
  double ls[4], lq[4];
  for (int k = 0; k < 4; k++) ls[k] = s->lane_sum[k], lq[k] = s->lane_sq[k];
  int zeros = 0, lane = (int)(pos & 3), i = from;
  for (; i < to && lane != 0; i++, lane = (lane + 1) & 3) {
    const double v = x[i];
    if (v - v != 0) return 0;
    ls[lane] += v;
    lq[lane] += v * v;
    zeros += v == 0;
  }
  const v128_t exponent = wasm_i32x4_splat(0x7f800000);
  v128_t s0 = wasm_v128_load(ls), s1 = wasm_v128_load(ls + 2), q0 = wasm_v128_load(lq), q1 = wasm_v128_load(lq + 2);
  v128_t bad = wasm_i32x4_splat(0), zero_count = bad;
  for (; i + 4 <= to; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    bad = wasm_v128_or(bad, wasm_i32x4_eq(wasm_v128_and(v, exponent), exponent));
    zero_count = wasm_i32x4_sub(zero_count, wasm_f32x4_eq(v, wasm_f32x4_splat(0)));
    const v128_t lo = wasm_f64x2_promote_low_f32x4(v);
    const v128_t hi = f64x2_promote_high_f32x4(v);
    s0 = wasm_f64x2_add(s0, lo);
    s1 = wasm_f64x2_add(s1, hi);
    q0 = wasm_f64x2_add(q0, wasm_f64x2_mul(lo, lo));
    q1 = wasm_f64x2_add(q1, wasm_f64x2_mul(hi, hi));
  }
  if (wasm_v128_any_true(bad)) return 0;
  wasm_v128_store(ls, s0);
  wasm_v128_store(ls + 2, s1);
  wasm_v128_store(lq, q0);
  wasm_v128_store(lq + 2, q1);
  for (; i < to; i++, lane = (lane + 1) & 3) {
    const double v = x[i];
    if (v - v != 0) return 0;
    ls[lane] += v;
    lq[lane] += v * v;
    zeros += v == 0;
  }
  for (int k = 0; k < 4; k++) s->lane_sum[k] = ls[k], s->lane_sq[k] = lq[k];
  s->zeros += zeros + wasm_i32x4_extract_lane(zero_count, 0) + wasm_i32x4_extract_lane(zero_count, 1) +
              wasm_i32x4_extract_lane(zero_count, 2) + wasm_i32x4_extract_lane(zero_count, 3);
  return 1;
}

/* The block's sums so far, from its lanes (recomputed, never accumulated: chunking cannot show). */
static void fold_lanes(Stats *s) {
  s->block_sum = (s->lane_sum[0] + s->lane_sum[2]) + (s->lane_sum[1] + s->lane_sum[3]);
  s->block_sum_sq = (s->lane_sq[0] + s->lane_sq[2]) + (s->lane_sq[1] + s->lane_sq[3]);
}

static void add_block(Stats *s) {
  double t = s->sum + s->block_sum;
  s->sum_comp += __builtin_fabs(s->sum) >= __builtin_fabs(s->block_sum) ? s->sum - t + s->block_sum : s->block_sum - t + s->sum;
  s->sum = t;
  t = s->sum_sq + s->block_sum_sq;
  s->sum_sq_comp += s->sum_sq >= s->block_sum_sq ? s->sum_sq - t + s->block_sum_sq : s->block_sum_sq - t + s->sum_sq;
  s->sum_sq = t;
  s->block_sum = 0;
  s->block_sum_sq = 0;
  for (int k = 0; k < 4; k++) s->lane_sum[k] = s->lane_sq[k] = 0;
}

/* x[from, to), inside one sum block; `clean` (to − from floats) takes a copy with non-finite → 0. */
static void run(Stats *s, const float *x, int from, int to, float *clean) {
  const int64_t pos = (int64_t)s->count;
  if (lane_sums(s, x, from, to, pos)) {
    scan(s, x, from, to, s->count - from);
  } else {
    int non_finite = 0;
    for (int i = from; i < to; i++) {
      const double v = x[i];
      if (v - v == 0) clean[i - from] = x[i];
      else clean[i - from] = 0, non_finite++;
    }
    s->non_finite += non_finite;
    lane_sums(s, clean, 0, to - from, pos); /* the zeros counted include them */
    scan(s, clean, 0, to - from, s->count);
  }
  s->count += to - from;
  fold_lanes(s);
}

/* `clean`: scratch of SUM_BLOCK floats, used only when the chunk holds NaN or ±∞. */
EXPORT(stats_push) void stats_push(Stats *s, const float *x, int n, float *clean) {
  int i = 0;
  while (i < n) {
    const int room = SUM_BLOCK - (int)((int64_t)s->count % SUM_BLOCK);
    const int end = n < i + room ? n : i + room;
    run(s, x, i, end, clean);
    i = end;
    if ((int64_t)s->count % SUM_BLOCK == 0) add_block(s);
  }
}
