import type { Spectrogram } from '../src/core/display/spectrogram';
import { kernels } from '../src/core/kernels/runtime';

/**
 * The spectrogram in the shape wavesurfer.js's spectrogram plugin reads from
 * `frequenciesDataUrl`: JSON `[channel][frame][bin]` of 0..255, written straight as ASCII bytes
 * by a kernel (spectro-out.c u8_rows_json: ~4.5 MB for an hour of stereo; joining strings took
 * ~70 ms in a worker for 2 MB, a JavaScript loop writing bytes ~0.1 s for 4.5 MB, run once per
 * file, cold). Built here so the page's main thread only has to wrap it in a blob URL. `use` gets
 * the bytes where the kernel wrote them, valid only during the call (a Blob made of them copies
 * them; 4.5 MB copied once more into a fresh array was another ~10 ms of page faults here).
 */
export function spectrogramJson<T>(s: Spectrogram, use: (json: Uint8Array<ArrayBuffer>) => T): T {
  const { frameCount, binCount } = s;
  const n = frameCount * binCount;
  const count = s.channels.length;
  // At most 3 digits and a separator per value, and a pair of brackets per frame and channel.
  const room = 2 + count * (3 + frameCount * (3 + 4 * binCount));
  const k = kernels();
  const block = k.allocUnzeroed(count * n + room); // all written before read
  try {
    s.channels.forEach((q, c) => k.u8(block + c * n, n).set(q.subarray(0, n)));
    const out = block + count * n;
    const length = k.exports.u8_rows_json(block, count, frameCount, binCount, out);
    return use(k.u8(out, length) as Uint8Array<ArrayBuffer>); // the kernels' memory is not shared
  } finally {
    k.exports.free(block);
  }
}
