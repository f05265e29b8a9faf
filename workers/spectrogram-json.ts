import type { Spectrogram } from '../src/core/display/spectrogram';

/**
 * The spectrogram in the shape wavesurfer.js's spectrogram plugin reads from
 * `frequenciesDataUrl`: JSON `[channel][frame][bin]` of 0..255. Built here so the page's main
 * thread only has to wrap it in a blob URL.
 */
export function spectrogramJson(s: Spectrogram): string {
  const parts: string[] = [];
  for (const data of s.channels) {
    const frames: string[] = [];
    for (let f = 0; f < s.frameCount; f++) {
      frames.push(`[${Array.prototype.join.call(data.subarray(f * s.binCount, (f + 1) * s.binCount), ',')}]`);
    }
    parts.push(`[${frames.join(',')}]`);
  }
  return `[${parts.join(',')}]`;
}
