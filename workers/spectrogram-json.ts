import type { Spectrogram } from '../src/core/display/spectrogram';

/** "0".."255" as ASCII bytes, and each one's length. */
const DIGITS = new Uint8Array(256 * 3);
const DIGIT_COUNT = new Uint8Array(256);
for (let v = 0; v < 256; v++) {
  const text = String(v);
  DIGIT_COUNT[v] = text.length;
  for (let i = 0; i < text.length; i++) DIGITS[v * 3 + i] = text.charCodeAt(i);
}
const [OPEN, CLOSE, COMMA] = ['[', ']', ','].map((c) => c.charCodeAt(0));

/**
 * The spectrogram in the shape wavesurfer.js's spectrogram plugin reads from
 * `frequenciesDataUrl`: JSON `[channel][frame][bin]` of 0..255, written straight as ASCII bytes
 * (a 1-hour file's 2 MB of JSON in a few ms, where joining strings took ~70 ms in a worker). Built
 * here so the page's main thread only has to wrap it in a blob URL.
 */
export function spectrogramJson(s: Spectrogram): Uint8Array<ArrayBuffer> {
  const { frameCount, binCount } = s;
  // At most 3 digits and a separator per value, and a pair of brackets per frame and channel.
  const out = new Uint8Array(2 + s.channels.length * (3 + frameCount * (3 + 4 * binCount)));
  let o = 0;
  out[o++] = OPEN;
  s.channels.forEach((data, c) => {
    if (c > 0) out[o++] = COMMA;
    out[o++] = OPEN;
    for (let f = 0; f < frameCount; f++) {
      if (f > 0) out[o++] = COMMA;
      out[o++] = OPEN;
      for (let b = 0; b < binCount; b++) {
        if (b > 0) out[o++] = COMMA;
        const v = data[f * binCount + b];
        const n = DIGIT_COUNT[v];
        for (let i = 0; i < n; i++) out[o++] = DIGITS[v * 3 + i];
      }
      out[o++] = CLOSE;
    }
    out[o++] = CLOSE;
  });
  out[o++] = CLOSE;
  return out.slice(0, o);
}
