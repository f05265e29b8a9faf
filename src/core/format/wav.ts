/**
 * WAV (RIFF/RF64-less) header parsing and a streaming PCM decoder, pure and chunk-agnostic.
 * Covers PCM 8 (unsigned) / 16 / 24 / 32-bit int, 32/64-bit float, A-law, µ-law and
 * WAVE_FORMAT_EXTENSIBLE, any chunk order, odd-size padding. Scaling matches SoX: int16/32768,
 * int24/8388608, int32/2147483648, (u8 − 128)/128, so levels agree with `sox stats`.
 * Header fields are checked against the bytes present: a data size larger than the file is
 * clamped to what is there, with a warning.
 */
import { AudioPathError, fail, ok, type ContainerProbe, type PcmAudio, type Result } from '../types';

export type WavCodec = 'pcm-u8' | 'pcm-s16' | 'pcm-s24' | 'pcm-s32' | 'pcm-f32' | 'pcm-f64' | 'alaw' | 'ulaw';

export interface WavLayout {
  codec: WavCodec;
  sampleRateHz: number;
  channels: number;
  bytesPerSample: number;
  blockAlign: number;
  dataOffset: number;
  /** Data bytes actually present (clamped to the file), whole frames only. */
  dataBytes: number;
}

export const MAX_CHANNELS = 256;
export const MAX_SAMPLE_RATE_HZ = 768_000;
const FMT_PCM = 1;
const FMT_FLOAT = 3;
const FMT_ALAW = 6;
const FMT_ULAW = 7;
const FMT_EXTENSIBLE = 0xfffe;

const tag = (b: Uint8Array, o: number): string => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);

/** True when the bytes start like a RIFF/WAVE file. */
export function looksLikeWav(head: Uint8Array): boolean {
  return head.length >= 12 && tag(head, 0) === 'RIFF' && tag(head, 8) === 'WAVE';
}

/**
 * Parse the header from the first bytes of the file (`head`, ideally ≥ 64 KiB or the whole file)
 * and the file's total size.
 */
export function parseWavHeader(head: Uint8Array, fileBytes: number): Result<{ layout: WavLayout; probe: ContainerProbe }> {
  if (fileBytes === 0) return fail('empty-file', 'The file is empty (0 bytes).');
  if (!looksLikeWav(head)) return fail('not-audio', 'This is not a WAV file (no RIFF/WAVE header).');
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let offset = 12;
  let fmt: { format: number; channels: number; rate: number; blockAlign: number; bits: number } | null = null;
  const warnings: string[] = [];
  while (offset + 8 <= head.length) {
    const id = tag(head, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) return fail('truncated', 'The WAV format chunk is cut short.');
      let format = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const rate = view.getUint32(body + 4, true);
      const blockAlign = view.getUint16(body + 12, true);
      let bits = view.getUint16(body + 14, true);
      if (format === FMT_EXTENSIBLE) {
        if (size < 40 || body + 40 > head.length) return fail('absurd-header', 'A WAVE_FORMAT_EXTENSIBLE header without its extension.');
        const validBits = view.getUint16(body + 18, true);
        format = view.getUint16(body + 24, true); // first two bytes of the subformat GUID
        if (validBits > 0 && validBits < bits) warnings.push(`${validBits} valid bits in ${bits}-bit containers.`);
      }
      fmt = { format, channels, rate, blockAlign, bits };
    } else if (id === 'data') {
      if (!fmt) return fail('absurd-header', 'The WAV data chunk comes before its format chunk.');
      const layout = toLayout(fmt, body, size, fileBytes, warnings);
      if (!layout.ok) return layout;
      const l = layout.value;
      const durationSec = l.dataBytes / l.blockAlign / l.sampleRateHz;
      return ok({
        layout: l,
        probe: {
          container: 'wav',
          codec: l.codec,
          sampleRateHz: l.sampleRateHz,
          decodedSampleRateHz: l.sampleRateHz,
          channels: l.channels,
          bitDepth: l.codec === 'alaw' || l.codec === 'ulaw' ? 8 : l.bytesPerSample * 8,
          durationSec,
          bytes: fileBytes,
          ...(warnings.length > 0 ? { warnings } : {}),
        },
      });
    }
    offset = body + size + (size & 1);
  }
  if (offset + 8 > fileBytes) {
    return fail(fmt ? 'truncated' : 'not-audio', fmt ? 'The WAV file ends before its data chunk.' : 'The WAV file has no format chunk.');
  }
  return fail('absurd-header', 'The WAV header is larger than 64 KiB before the data chunk.');
}

function toLayout(
  fmt: { format: number; channels: number; rate: number; blockAlign: number; bits: number },
  dataOffset: number,
  declaredBytes: number,
  fileBytes: number,
  warnings: string[],
): Result<WavLayout> {
  const { format, channels, rate, bits } = fmt;
  if (channels === 0) return fail('absurd-header', 'The WAV header declares 0 channels.');
  if (channels > MAX_CHANNELS) return fail('too-many-channels', `The WAV header declares ${channels} channels (at most ${MAX_CHANNELS} are supported).`);
  if (rate === 0 || rate > MAX_SAMPLE_RATE_HZ) return fail('absurd-header', `The WAV header declares a sample rate of ${rate} Hz.`);
  let codec: WavCodec;
  if (format === FMT_PCM && bits === 8) codec = 'pcm-u8';
  else if (format === FMT_PCM && bits === 16) codec = 'pcm-s16';
  else if (format === FMT_PCM && bits === 24) codec = 'pcm-s24';
  else if (format === FMT_PCM && bits === 32) codec = 'pcm-s32';
  else if (format === FMT_FLOAT && bits === 32) codec = 'pcm-f32';
  else if (format === FMT_FLOAT && bits === 64) codec = 'pcm-f64';
  else if (format === FMT_ALAW && bits === 8) codec = 'alaw';
  else if (format === FMT_ULAW && bits === 8) codec = 'ulaw';
  else return fail('unsupported-codec', `WAV format tag 0x${format.toString(16)} with ${bits}-bit samples is not supported.`);
  const bytesPerSample = codec === 'pcm-u8' || codec === 'alaw' || codec === 'ulaw' ? 1 : bits / 8;
  const blockAlign = bytesPerSample * channels;
  if (fmt.blockAlign !== blockAlign) warnings.push(`The header's block align (${fmt.blockAlign}) is wrong; using ${blockAlign}.`);
  const present = Math.max(0, fileBytes - dataOffset);
  let dataBytes = declaredBytes;
  if (declaredBytes === 0xffffffff || declaredBytes === 0) dataBytes = present; // streamed WAVs
  if (dataBytes > present) {
    warnings.push(
      `The header declares ${(declaredBytes / blockAlign / rate).toFixed(2)} s of audio but the file holds ${(present / blockAlign / rate).toFixed(2)} s: it is truncated; the part present was analysed.`,
    );
    dataBytes = present;
  }
  dataBytes -= dataBytes % blockAlign;
  return ok({ codec, sampleRateHz: rate, channels, bytesPerSample, blockAlign, dataOffset, dataBytes });
}

const ULAW = new Float32Array(256);
const ALAW = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  // G.711 µ-law, scaled like SoX (16-bit linear / 32768).
  const u = ~i & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  ULAW[i] = ((u & 0x80 ? 0x84 - t : t - 0x84) / 32768);
  // G.711 A-law.
  const a = i ^ 0x55;
  let v = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) v += 8;
  else if (seg === 1) v += 0x108;
  else v = (v + 0x108) << (seg - 1);
  ALAW[i] = (a & 0x80 ? v : -v) / 32768;
}

/**
 * Streaming decoder: feed the data chunk's bytes in pieces of any size (split anywhere, even
 * inside a frame); each call returns the whole frames completed so far as planar Float32.
 */
export function createWavDecoder(layout: WavLayout): { decode(bytes: Uint8Array): Float32Array[] } {
  const { channels, blockAlign, codec } = layout;
  let carry = new Uint8Array(0);
  return {
    decode(input) {
      let bytes = input;
      if (carry.length > 0) {
        bytes = new Uint8Array(carry.length + input.length);
        bytes.set(carry);
        bytes.set(input, carry.length);
      }
      const frames = Math.floor(bytes.length / blockAlign);
      const used = frames * blockAlign;
      carry = bytes.slice(used);
      const out = Array.from({ length: channels }, () => new Float32Array(frames));
      const view = new DataView(bytes.buffer, bytes.byteOffset, used);
      for (let c = 0; c < channels; c++) {
        const o = out[c];
        switch (codec) {
          case 'pcm-s16':
            for (let i = 0, p = c * 2; i < frames; i++, p += blockAlign) o[i] = view.getInt16(p, true) / 32768;
            break;
          case 'pcm-s24':
            for (let i = 0, p = c * 3; i < frames; i++, p += blockAlign) {
              const v = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16);
              o[i] = ((v << 8) >> 8) / 8388608;
            }
            break;
          case 'pcm-s32':
            for (let i = 0, p = c * 4; i < frames; i++, p += blockAlign) o[i] = view.getInt32(p, true) / 2147483648;
            break;
          case 'pcm-f32':
            for (let i = 0, p = c * 4; i < frames; i++, p += blockAlign) o[i] = view.getFloat32(p, true);
            break;
          case 'pcm-f64':
            for (let i = 0, p = c * 8; i < frames; i++, p += blockAlign) o[i] = view.getFloat64(p, true);
            break;
          case 'pcm-u8':
            for (let i = 0, p = c; i < frames; i++, p += blockAlign) o[i] = (bytes[p] - 128) / 128;
            break;
          case 'ulaw':
            for (let i = 0, p = c; i < frames; i++, p += blockAlign) o[i] = ULAW[bytes[p]];
            break;
          case 'alaw':
            for (let i = 0, p = c; i < frames; i++, p += blockAlign) o[i] = ALAW[bytes[p]];
            break;
        }
      }
      return out;
    },
  };
}

/**
 * A whole WAV file in memory → planar PCM (for tests, scripts and small files; the CLI and the
 * worker stream instead). Throws AudioPathError with the parser's code on bad input.
 */
export function decodeWavBytes(bytes: Uint8Array): PcmAudio {
  const parsed = parseWavHeader(bytes, bytes.length);
  if (!parsed.ok) throw new AudioPathError(parsed.error.code, parsed.error.message);
  const { layout } = parsed.value;
  const channels = createWavDecoder(layout).decode(bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes));
  return { sampleRateHz: layout.sampleRateHz, channels };
}
