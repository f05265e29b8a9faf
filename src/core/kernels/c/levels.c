/*
 * The VAD's level model and its onset/offset decision (src/core/vad/levels.ts and vad.ts say what
 * they are and why; they call these in turn over buffers in kernel memory). Operation for
 * operation what the TypeScript computed before them, so the same bits: the speech-band power
 * summed band by band in doubles, its 3-hop mean in dB, the sliding minimum, the candidates'
 * quantile by selection, the floor's clamps, the hysteresis.
 */
#include "kernels.h"

/* p[i] (+)= band[i]: the first band assigns (0 + x, as a sum started at 0), the others add. */
EXPORT(levels_add_band) void levels_add_band(double *p, const float *band, int n, int first) {
  int i = 0;
  const v128_t zero = wasm_f64x2_splat(0);
  for (; i + 4 <= n; i += 4) {
    const v128_t b = wasm_v128_load(band + i);
    const v128_t lo = wasm_f64x2_promote_low_f32x4(b), hi = f64x2_promote_high_f32x4(b);
    const v128_t a0 = first ? zero : wasm_v128_load(p + i), a1 = first ? zero : wasm_v128_load(p + i + 2);
    wasm_v128_store(p + i, wasm_f64x2_add(a0, lo));
    wasm_v128_store(p + i + 2, wasm_f64x2_add(a1, hi));
  }
  for (; i < n; i++) p[i] = (first ? 0.0 : p[i]) + (double)band[i];
}

/* level[i] = 10·log10 of the mean of p over hops i−1, i, i+1 (the edge hop repeated), −∞ when ≤ 0. */
static inline double level_db(const double *p, int i, int n) {
  const double a = i > 0 ? p[i - 1] : p[i];
  const double c = i < n - 1 ? p[i + 1] : p[i];
  const double s = (a + p[i] + c) / 3;
  return s > 0 ? 10 * apl_log10(s) : -__builtin_inf();
}

/* Inside, two frames at a time (apl_log10x2: the same bits). */
EXPORT(levels_db) void levels_db(const double *p, double *level, int n) {
  if (n <= 0) return;
  level[0] = level_db(p, 0, n);
  int i = 1;
  const v128_t third = wasm_f64x2_splat(3), zero = wasm_f64x2_splat(0), ten = wasm_f64x2_splat(10);
  for (; i + 2 < n; i += 2) {
    const v128_t s = wasm_f64x2_div(wasm_f64x2_add(wasm_f64x2_add(wasm_v128_load(p + i - 1), wasm_v128_load(p + i)), wasm_v128_load(p + i + 1)), third);
    const v128_t positive = wasm_f64x2_gt(s, zero);
    /* (the other lanes' logs are not used: any value with a log will do there) */
    const v128_t db = wasm_f64x2_mul(ten, apl_log10x2(wasm_v128_bitselect(s, wasm_f64x2_splat(1), positive)));
    wasm_v128_store(level + i, wasm_v128_bitselect(db, wasm_f64x2_splat(-__builtin_inf()), positive));
  }
  for (; i < n; i++) level[i] = level_db(p, i, n);
}

/* The smaller of a and b, NaN ignored (NaN only when both are). */
static inline double min_skip_nan(double a, double b) { return b < a || a != a ? b : a; }

/*
 * Centred sliding minimum over ±radius, NaN entries ignored (NaN where the whole window is NaN),
 * by van Herk / Gil-Werman: cut into blocks of w = 2·radius + 1, the minima from each block's
 * start (g, in tmp) and to its end (h, in out, the last block ending at n − 1); a window that
 * reaches into the next block is min(h[its start], g[its end]), one inside a block h[its start],
 * one clipped at 0 g[its end]. Three branch-light passes (the monotonic deque it replaced took
 * ~35 ns a frame, its branches mispredicted on noisy levels). tmp: n doubles.
 */
EXPORT(sliding_min_f64) void sliding_min_f64(const double *v, int n, int radius, double *out, double *tmp) {
  const int64_t w64 = 2 * (int64_t)radius + 1;
  const int w = w64 < n ? (int)w64 : n;
  for (int start = 0; start < n; start += w) {
    const int end = min_i32(n, start + w);
    double g = v[start];
    tmp[start] = g;
    for (int j = start + 1; j < end; j++) tmp[j] = g = min_skip_nan(g, v[j]);
    double h = v[end - 1];
    out[end - 1] = h;
    for (int j = end - 2; j >= start; j--) out[j] = h = min_skip_nan(h, v[j]);
  }
  /* Windows by their start a = i − radius, descending: out[a] still holds h[a] when out[a + radius]
     is written. A window from a block's start ends inside it (h); one from inside ends in the next
     block (h and g) unless the audio ends first, in its block (h). */
  for (int a = n - 1 - radius; a >= 1;) {
    const int start = a / w * w;
    for (; a > start; a--) {
      const int b = a + w - 1 < n ? a + w - 1 : n - 1;
      out[a + radius] = b >= start + w ? min_skip_nan(out[a], tmp[b]) : out[a];
    }
    if (a == start && a >= 1) out[a + radius] = out[a];
    a--;
  }
  /* Windows clipped at 0, inside the first block: g. */
  for (int i = 0; i <= radius && i < n; i++) out[i] = tmp[(int64_t)i + radius < n - 1 ? i + radius : n - 1];
}

/*
 * Reorders a[0, m) (no NaN) so that a[k] is its k-th smallest value, smaller ones left of it and
 * larger ones right (Hoare's selection with median-of-three pivots); returns a[k].
 */
EXPORT(nth_smallest_f64) double nth_smallest_f64(double *a, int m, int k) {
  int left = 0, right = m - 1;
  while (right > left) {
    const int mid = (int)(((uint32_t)left + (uint32_t)right) >> 1);
    double x = a[left], y = a[mid], z = a[right], t;
    if (x > y) t = x, x = y, y = t;
    if (y > z) t = y, y = z, z = t;
    if (x > y) t = x, x = y, y = t;
    const double pivot = y;
    int i = left, j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}

/* The q-quantile of a[0, n) with linear interpolation, NaN sorted last (what sorting would give); reorders a. */
EXPORT(quantile_f64) double quantile_f64(double *a, int n, double q) {
  if (n == 0) return __builtin_nan("");
  int m = 0;
  for (int i = 0; i < n; i++) {
    const double v = a[i];
    if (v == v) a[m++] = v;
  }
  const double pos = min_f64(max_f64(q, 0), 1) * (n - 1);
  const int lo = (int)__builtin_floor(pos);
  const int hi = min_i32(lo + 1, n - 1);
  if (lo >= m) return __builtin_nan("");
  const double low = nth_smallest_f64(a, m, lo);
  /* After the selection everything right of lo is ≥ a[lo]: the next order statistic is their minimum. */
  double high = __builtin_nan("");
  if (hi == lo) high = low;
  else if (hi < m) {
    high = a[lo + 1];
    for (int i = lo + 2; i < m; i++)
      if (a[i] < high) high = a[i];
  }
  return low + (high - low) * (pos - lo);
}

/* The levels at least `margin` dB above their floor (finite ones only), into out; returns how many. */
EXPORT(levels_candidates) int levels_candidates(const double *level, const double *floor, int n, double margin, double *out) {
  int count = 0;
  for (int i = 0; i < n; i++) {
    const double l = level[i];
    if (l - l == 0 && l - floor[i] >= margin) out[count++] = l;
  }
  return count;
}

/* The floor taken no lower than `lowest` (NaN too) and no higher than the speech level s, in place. */
EXPORT(levels_clamp_floor) void levels_clamp_floor(double *floor, int n, double lowest, double s) {
  for (int i = 0; i < n; i++) {
    double f = floor[i];
    if (!(f >= lowest)) f = lowest;
    if (f > s) f = s;
    floor[i] = f;
  }
}

/*
 * The onset/offset decision of every frame into raw (1 = speech): on above N + t·(S − N), off
 * below N + offsetRatio·t·(S − N); a frame whose full-band power (gate, or none when 0) is under
 * gatePower, or whose level is not finite, ends speech. Each speech frame's onset threshold goes
 * to onsets; returns how many.
 */
EXPORT(levels_hysteresis)
int levels_hysteresis(const double *level, const double *floor, int n, double s, double t, double offset_ratio, const double *gate, double gate_power, uint8_t *raw, double *onsets) {
  int count = 0, speaking = 0;
  for (int i = 0; i < n; i++) {
    const double N = floor[i], L = level[i];
    const double on = N + t * (s - N);
    const double off = N + offset_ratio * t * (s - N);
    const int gated = gate != 0 && !(gate[i] >= gate_power);
    if (gated || L - L != 0) speaking = 0;
    else if (speaking) speaking = L >= off;
    else speaking = L >= on;
    raw[i] = (uint8_t)speaking;
    if (speaking) onsets[count++] = on;
  }
  return count;
}

/* Samples in the first i of n hops. */
static inline double samples_before(int i, int n, int hop, int last) { return i < n ? (double)i * hop : (double)(n - 1) * hop + last; }

/*
 * The DC taken out of each hop's mean square, in place (src/core/frames/frame-analysis.ts,
 * finishFrameTable, says why): with D the mean of the hop means over ±radius hops (weighted by
 * their samples, from the running sums in prefix: n + 1 doubles) and μ the hop's own mean, the
 * power around D is ms − 2·μ·D + D², at least 0; an all-zero hop stays 0. Hops are `hop`
 * samples but the last, `last`.
 */
EXPORT(frames_without_dc) void frames_without_dc(float *power, const float *mu, int n, int hop, int last, int radius, double *prefix) {
  prefix[0] = 0;
  for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + (double)mu[i] * hop_length(i, n, hop, last);
  for (int i = 0; i < n; i++) {
    if (power[i] == 0) continue;
    const int a = max_i32(0, i - radius), b = min_i32(n, i + radius + 1);
    const double dc = (prefix[b] - prefix[a]) / (samples_before(b, n, hop, last) - samples_before(a, n, hop, last));
    power[i] = (float)max_f64(0, (double)power[i] - 2 * (double)mu[i] * dc + dc * dc);
  }
}
