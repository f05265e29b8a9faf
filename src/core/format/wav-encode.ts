/**
 * The one WAV writer: canonical 44-byte header + interleaved samples. Quantisation mirrors the
 * decoder (x·32768 or x·8388608, rounded, clamped to the integer range; NaN becomes 0), so a
 * decode → encode → decode round trip of 16/24-bit audio is exact.
 */
export type WavEncoding = 'pcm16' | 'pcm24' | 'float32';

const BYTES: Record<WavEncoding, number> = { pcm16: 2, pcm24: 3, float32: 4 };

/** The header alone, for writers that stream the samples after it (long benchmark files). */
export function wavHeader(encoding: WavEncoding, channelCount: number, sampleRateHz: number, frames: number): Uint8Array {
  const bytes = BYTES[encoding];
  const dataBytes = frames * channelCount * bytes;
  const header = new Uint8Array(44);
  const v = new DataView(header.buffer);
  const ascii = (o: number, s: string): void => {
    for (let i = 0; i < s.length; i++) header[o + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVEfmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, encoding === 'float32' ? 3 : 1, true);
  v.setUint16(22, channelCount, true);
  v.setUint32(24, sampleRateHz, true);
  v.setUint32(28, sampleRateHz * channelCount * bytes, true);
  v.setUint16(32, channelCount * bytes, true);
  v.setUint16(34, bytes * 8, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  return header;
}

/** Planar float channels → a complete WAV file. */
export function encodeWav(channels: readonly Float32Array[], sampleRateHz: number, encoding: WavEncoding = 'pcm16'): Uint8Array {
  const ch = channels.length;
  const n = channels[0]?.length ?? 0;
  const bytes = BYTES[encoding];
  const out = new Uint8Array(44 + n * ch * bytes);
  out.set(wavHeader(encoding, ch, sampleRateHz, n));
  const v = new DataView(out.buffer);
  const scale = encoding === 'pcm16' ? 32768 : 8388608;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < ch; c++) {
      const p = 44 + (i * ch + c) * bytes;
      const x = channels[c][i];
      if (encoding === 'float32') {
        v.setFloat32(p, x, true);
        continue;
      }
      const q = Math.max(-scale, Math.min(scale - 1, Math.round(x * scale))) || 0;
      if (encoding === 'pcm16') v.setInt16(p, q, true);
      else {
        out[p] = q & 0xff;
        out[p + 1] = (q >> 8) & 0xff;
        out[p + 2] = (q >> 16) & 0xff;
      }
    }
  }
  return out;
}
