/*
 * 16-bit little-endian interleaved PCM → planar float32 (x / 32768, exact), the common WAV case.
 * Channel c goes to out + c·stride.
 */
#include "kernels.h"

EXPORT(pcm16_deinterleave) void pcm16_deinterleave(const int16_t *src, int frames, int C, float *out, int stride) {
  const v128_t k = wasm_f32x4_splat(1.0f / 32768.0f);
  int i = 0;
  if (C == 1) {
    for (; i + 8 <= frames; i += 8) {
      const v128_t v = wasm_v128_load(src + i);
      wasm_v128_store(out + i, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(v)), k));
      wasm_v128_store(out + i + 4, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(v)), k));
    }
  } else if (C == 2) {
    float *o0 = out, *o1 = out + stride;
    for (; i + 4 <= frames; i += 4) {
      const v128_t v = wasm_v128_load(src + 2 * i); /* L R L R L R L R */
      const v128_t l = wasm_i16x8_shuffle(v, v, 0, 2, 4, 6, 0, 2, 4, 6);
      const v128_t r = wasm_i16x8_shuffle(v, v, 1, 3, 5, 7, 1, 3, 5, 7);
      wasm_v128_store(o0 + i, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(l)), k));
      wasm_v128_store(o1 + i, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(r)), k));
    }
  }
  for (; i < frames; i++)
    for (int c = 0; c < C; c++) out[c * stride + i] = (float)src[i * C + c] / 32768.0f;
}
