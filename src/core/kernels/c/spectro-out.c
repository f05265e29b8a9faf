/*
 * The spectrogram's last steps once a file's frames are in (src/core/display/spectrogram.ts,
 * workers/spectrogram-json.ts): its loudest value, the 0..255 levels below it, and the JSON
 * wavesurfer.js reads. In JavaScript these ran once per file, cold: ~0.1 s of the display's merge
 * on 1 h of 48 kHz stereo (1.2 M values), as long as the analysis's own merge beside it.
 */
#include "kernels.h"

/* The largest of x[0..n) and `top` as `if (x[i] > top) top = x[i]` keeps it (a NaN never wins). */
EXPORT(f32_top) double apl_f32_top(const float *x, int n, double top) {
  for (int i = 0; i < n; i++) {
    const double v = x[i];
    if (v > top) top = v;
  }
  return top;
}

/*
 * q[i] = ((d[i] − (top − range)) / range) · 255, clamped to 0..255 and rounded as Math.round
 * (halves up); NaN is 0, as a Uint8Array stores it.
 */
EXPORT(spectro_levels) void apl_spectro_levels(const float *d, int n, double top_db, double range_db, uint8_t *q) {
  const double floor_db = top_db - range_db;
  for (int i = 0; i < n; i++) {
    const double v = ((d[i] - floor_db) / range_db) * 255;
    if (v <= 0) q[i] = 0;
    else if (v >= 255) q[i] = 255;
    else if (v != v) q[i] = 0;
    else {
      double r = __builtin_floor(v);
      if (v - r >= 0.5) r += 1; /* exact: v and its floor are within 1 of each other */
      q[i] = (uint8_t)r;
    }
  }
}

/*
 * `[channel][frame][bin]` of the levels q (channel c's frames at q + c·frames·bins, frame-major)
 * as JSON, byte for byte what JSON.stringify writes of the nested arrays, into out (room for
 * 2 + channels·(3 + frames·(3 + 4·bins)) bytes). Returns the length written.
 */
EXPORT(u8_rows_json) int apl_u8_rows_json(const uint8_t *q, int channels, int frames, int bins, uint8_t *out) {
  uint8_t *o = out;
  *o++ = '[';
  for (int c = 0; c < channels; c++) {
    if (c > 0) *o++ = ',';
    *o++ = '[';
    for (int f = 0; f < frames; f++) {
      if (f > 0) *o++ = ',';
      *o++ = '[';
      const uint8_t *row = q + ((size_t)c * frames + f) * bins;
      for (int b = 0; b < bins; b++) {
        if (b > 0) *o++ = ',';
        const unsigned v = row[b];
        if (v >= 100) {
          *o++ = (uint8_t)('0' + v / 100);
          *o++ = (uint8_t)('0' + v / 10 % 10);
        } else if (v >= 10) {
          *o++ = (uint8_t)('0' + v / 10);
        }
        *o++ = (uint8_t)('0' + v % 10);
      }
      *o++ = ']';
    }
    *o++ = ']';
  }
  *o++ = ']';
  return (int)(o - out);
}
