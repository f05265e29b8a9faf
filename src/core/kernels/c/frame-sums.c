/*
 * Sums over the frame table's per-hop powers, for the measurements derived once per file from it
 * (src/core/snr/active-snr.ts, silence/silence.ts, layout/layout.ts say what they mean): the
 * active-speech and noise energies, the silence frames' levels, the layout's channel energies and
 * correlation sums. Operation for operation what the TypeScript computed before them, so the same
 * bits. Hops are `hop` samples but the last, `last`; power[c] are the channels' hop powers.
 */
#include "kernels.h"

/* The channels' mean power in hop i: their sum in channel order, over max(1, C). */
static inline double hop_power(const float *const *power, int C, int i) {
  double p = 0;
  for (int c = 0; c < C; c++) p += power[c][i];
  return p / (C > 1 ? C : 1);
}

/*
 * out = speech energy, speech samples, noise energy, noise samples (non-speech, not digital
 * silence), digitally silent samples (non-speech).
 */
EXPORT(snr_sums) void snr_sums(const float *const *power, int C, int n, int hop, int last, const uint8_t *speech, const uint8_t *silent, double *out) {
  double speech_energy = 0, speech_samples = 0, noise_energy = 0, noise_samples = 0, silent_samples = 0;
  for (int i = 0; i < n; i++) {
    const int len = hop_length(i, n, hop, last);
    const double p = hop_power(power, C, i);
    if (speech[i]) {
      speech_energy += p * len;
      speech_samples += len;
    } else if (silent[i]) {
      silent_samples += len;
    } else {
      noise_energy += p * len;
      noise_samples += len;
    }
  }
  out[0] = speech_energy;
  out[1] = speech_samples;
  out[2] = noise_energy;
  out[3] = noise_samples;
  out[4] = silent_samples;
}

/*
 * The level (dBFS, −∞ for no power) of each silence frame of `per_frame` hops: into levels when
 * it is not 0; else returns how many are below `threshold`.
 */
EXPORT(silence_levels) int silence_levels(const float *const *power, int C, int n, int hop, int last, int per_frame, double threshold, double *levels) {
  int below = 0;
  for (int i = 0, k = 0; i < n; i += per_frame, k++) {
    double energy = 0, samples = 0;
    const int end = min_i32(n, i + per_frame);
    for (int j = i; j < end; j++) {
      const int len = hop_length(j, n, hop, last);
      energy += hop_power(power, C, j) * len;
      samples += len;
    }
    const double p = samples > 0 ? energy / samples : 0;
    const double level = p > 0 ? 10 * apl_log10(p) : -__builtin_inf();
    if (levels) levels[k] = level;
    else if (level < threshold) below++;
  }
  return below;
}

/*
 * out[c] (c < C): channel c's energy over every hop. With two channels or more, over the active
 * hops (`active`, or when there is none or none is active, every hop that is not digital
 * silence): out[C] samples, then the downmix's energy, Σxy, Σx, Σy (pair sums, when given), then
 * every channel's energy (C values).
 */
EXPORT(layout_sums)
void layout_sums(const float *const *power, int C, int n, int hop, int last, const float *downmix, const float *const *pair, const uint8_t *active, const uint8_t *silent, double *out) {
  for (int c = 0; c < C; c++) {
    double e = 0;
    for (int i = 0; i < n; i++) e += power[c][i] * (double)hop_length(i, n, hop, last);
    out[c] = e;
  }
  if (C < 2) return;
  int any = 0;
  for (int i = 0; active && i < n && !any; i++) any = active[i] != 0;
  double count = 0, down = 0, sxy = 0, sx = 0, sy = 0;
  double *all = out + C + 5;
  for (int c = 0; c < C; c++) all[c] = 0;
  for (int i = 0; i < n; i++) {
    if (any ? !active[i] : silent[i]) continue;
    const int len = hop_length(i, n, hop, last);
    count += len;
    for (int c = 0; c < C; c++) all[c] += power[c][i] * (double)len;
    down += downmix[i] * (double)len;
    if (pair) {
      sxy += pair[0][i];
      sx += pair[1][i];
      sy += pair[2][i];
    }
  }
  out[C] = count;
  out[C + 1] = down;
  out[C + 2] = sxy;
  out[C + 3] = sx;
  out[C + 4] = sy;
}

/* acc[i] += x[i] (the partials' sums of adjacent segments, added in order). */
EXPORT(f64_add) void f64_add(double *acc, const double *x, int n) {
  int i = 0;
  for (; i + 2 <= n; i += 2) wasm_v128_store(acc + i, wasm_f64x2_add(wasm_v128_load(acc + i), wasm_v128_load(x + i)));
  for (; i < n; i++) acc[i] += x[i];
}

/* The runs of non-zero flags, as (start, end) index pairs into out (room for n + 1 values); returns how many runs. */
EXPORT(runs_of) int runs_of(const uint8_t *flags, int n, int32_t *out) {
  int count = 0, start = -1;
  for (int i = 0; i < n; i++) {
    if (flags[i] && start < 0) start = i;
    else if (!flags[i] && start >= 0) {
      out[2 * count] = start;
      out[2 * count + 1] = i;
      count++;
      start = -1;
    }
  }
  if (start >= 0) {
    out[2 * count] = start;
    out[2 * count + 1] = n;
    count++;
  }
  return count;
}
