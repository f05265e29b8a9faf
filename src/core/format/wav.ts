/**
 * WAV (RIFF, and RF64/BW64 for files over 4 GB) header parsing and a streaming PCM decoder, pure
 * and chunk-agnostic. Covers PCM 8 (unsigned) / 16 / 24 / 32-bit int (and odd widths such as 12
 * or 20 bits, stored in whole-byte containers), 32/64-bit float, A-law, µ-law and
 * WAVE_FORMAT_EXTENSIBLE, any chunk order (even data before fmt), odd-size padding, metadata
 * chunks of any size before the audio. Scaling matches SoX: int16/32768, int24/8388608,
 * int32/2147483648, (u8 − 128)/128, so levels agree with `sox stats`.
 *
 * The file is hostile until proven otherwise: every header field is checked against the bytes
 * actually present, so nothing downstream allocates or loops by what a header merely claims.
 * A data size larger than the file is clamped to what is there, with a warning saying where the
 * audio stops. Failures are typed (`Result`), never thrown.
 */
import { AudioPathError, fail, ok, type ContainerProbe, type PcmAudio, type Result } from '../types';
import type { ByteSource } from './source';
import { kernels, owned, type KernelHeld } from '../kernels/runtime';

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

export interface ParsedWav {
  layout: WavLayout;
  probe: ContainerProbe;
}

export const MAX_CHANNELS = 256;
export const MAX_SAMPLE_RATE_HZ = 768_000;
/** Below this a "sample rate" is not audio (10 ms would hold fewer than 10 samples). */
export const MIN_SAMPLE_RATE_HZ = 1000;
/** Real files have a handful of chunks before the audio; thousands is a header built to stall us. */
export const MAX_CHUNKS = 1024;
/** The largest fmt chunk any writer produces is 40 bytes (extensible) plus a few of slack. */
const MAX_FMT_BYTES = 4096;
const FMT_PCM = 1;
const FMT_FLOAT = 3;
const FMT_ALAW = 6;
const FMT_ULAW = 7;
const FMT_EXTENSIBLE = 0xfffe;
/** KSDATAFORMAT_SUBTYPE_*: the format tag in the first two bytes, then this fixed tail. */
const SUBTYPE_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const tag = (b: Uint8Array, o: number): string => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);
const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, o: number): number => u32(b, o) + u32(b, o + 4) * 2 ** 32;

/** True when the bytes start like a RIFF/WAVE (or RF64/BW64) file. */
export function looksLikeWav(head: Uint8Array): boolean {
  if (head.length < 12 || tag(head, 8) !== 'WAVE') return false;
  const magic = tag(head, 0);
  return magic === 'RIFF' || magic === 'RF64' || magic === 'BW64';
}

interface Fmt {
  format: number;
  channels: number;
  rate: number;
  blockAlign: number;
  bits: number;
}

/** A read the parser needs: `length` bytes at `offset` (fewer come back only at the end of the file). */
interface ReadRequest {
  offset: number;
  length: number;
}

/**
 * The header walk, written once as a generator that asks for the bytes it needs, so the same code
 * runs over bytes in memory (`parseWavHeader`) and over a file read piece by piece
 * (`readWavHeader`). Every request is small (a chunk header or a fmt body) and there are at most
 * MAX_CHUNKS of them, so a hostile header costs a bounded amount of work.
 */
function* wavHeaderSteps(fileBytes: number): Generator<ReadRequest, Result<ParsedWav>, Uint8Array> {
  if (fileBytes === 0) return fail('empty-file', 'The file is empty (0 bytes).');
  const riff = yield { offset: 0, length: 12 };
  if (!looksLikeWav(riff)) return fail('not-audio', 'This is not a WAV file (no RIFF/WAVE header).');
  const rf64 = tag(riff, 0) !== 'RIFF';
  const warnings: string[] = [];
  let fmt: Fmt | null = null;
  let data: { offset: number; declaredBytes: number } | null = null;
  let ds64DataBytes: number | null = null;
  let offset = 12;
  let endedInside: string | null = null;
  for (let n = 0; !(fmt && data); n++) {
    if (offset + 8 > fileBytes) {
      if (offset < fileBytes) endedInside = 'a chunk header';
      else if (offset > fileBytes) endedInside = 'a chunk that claims more bytes than the file holds';
      break;
    }
    if (n >= MAX_CHUNKS) return fail('absurd-header', `The WAV header has more than ${MAX_CHUNKS} chunks before its audio.`);
    const h = yield { offset, length: 8 };
    if (h.length < 8) {
      endedInside = 'a chunk header';
      break;
    }
    const id = tag(h, 0);
    const size = u32(h, 4);
    const body = offset + 8;
    if (id === 'ds64' && rf64) {
      const b = yield { offset: body, length: 16 };
      if (b.length < 16) return fail('truncated', 'The RF64 size chunk (ds64) is cut short.');
      ds64DataBytes = u64(b, 8);
    } else if (id === 'fmt ' && fmt === null) {
      if (size < 16) return fail('absurd-header', `The WAV format chunk is ${size} bytes long (it needs at least 16).`);
      if (size > MAX_FMT_BYTES) return fail('absurd-header', `The WAV format chunk claims ${size} bytes (real ones have at most 40).`);
      const b = yield { offset: body, length: Math.min(size, 40) };
      if (b.length < 16) return fail('truncated', 'The WAV format chunk is cut short.');
      const parsed = parseFmt(b, size, warnings);
      if (!parsed.ok) return parsed;
      fmt = parsed.value;
    } else if (id === 'data' && data === null) {
      data = { offset: body, declaredBytes: rf64 && size === 0xffffffff && ds64DataBytes !== null ? ds64DataBytes : size };
      // A streamed WAV's data runs to the end of the file: nothing to find after it.
      if (fmt === null && (size === 0xffffffff || size === 0)) break;
      if (fmt === null) warnings.push('The data chunk comes before the format chunk (unusual, but readable).');
    }
    const next = body + (id === 'data' && data?.offset === body ? data.declaredBytes : size);
    offset = next + (next & 1);
  }
  if (fmt === null) {
    if (data !== null) return fail('absurd-header', 'The WAV file has a data chunk but no format chunk: its sample format is unknown.');
    return fail('truncated', `The WAV file ends${endedInside ? ` inside ${endedInside}` : ''} before its format chunk.`);
  }
  if (data === null) return fail('truncated', `The WAV file ends${endedInside ? ` inside ${endedInside}` : ''} before its data chunk: it holds no audio.`);
  const layout = toLayout(fmt, data.offset, data.declaredBytes, fileBytes, rf64, warnings);
  if (!layout.ok) return layout;
  const l = layout.value;
  return ok({
    layout: l,
    probe: {
      container: 'wav',
      codec: l.codec,
      sampleRateHz: l.sampleRateHz,
      decodedSampleRateHz: l.sampleRateHz,
      channels: l.channels,
      bitDepth: l.codec === 'alaw' || l.codec === 'ulaw' ? 8 : l.bytesPerSample * 8,
      durationSec: l.dataBytes / l.blockAlign / l.sampleRateHz,
      bytes: fileBytes,
      ...(warnings.length > 0 ? { warnings } : {}),
    },
  });
}

function parseFmt(b: Uint8Array, size: number, warnings: string[]): Result<Fmt> {
  let format = u16(b, 0);
  const channels = u16(b, 2);
  const rate = u32(b, 4);
  const blockAlign = u16(b, 12);
  const bits = u16(b, 14);
  if (format === FMT_EXTENSIBLE) {
    if (size < 40 || b.length < 40 || u16(b, 16) < 22) {
      return fail('absurd-header', 'A WAVE_FORMAT_EXTENSIBLE header without its extension.');
    }
    const valid = u16(b, 18);
    const guidTail = b.subarray(26, 40);
    if (SUBTYPE_TAIL.some((x, i) => guidTail[i] !== x)) {
      const hex = [...b.subarray(24, 40)].map((x) => x.toString(16).padStart(2, '0')).join('');
      return fail('unsupported-codec', `WAVE_FORMAT_EXTENSIBLE with an unknown sample format (subformat GUID ${hex}).`);
    }
    format = u16(b, 24);
    if (valid > bits) return fail('absurd-header', `The header declares ${valid} valid bits in ${bits}-bit samples.`);
    if (valid > 0 && valid < bits) warnings.push(`${valid} valid bits in ${bits}-bit containers.`);
  }
  return ok({ format, channels, rate, blockAlign, bits });
}

function toLayout(fmt: Fmt, dataOffset: number, declaredBytes: number, fileBytes: number, rf64: boolean, warnings: string[]): Result<WavLayout> {
  const { format, channels, rate, bits } = fmt;
  if (channels === 0) return fail('absurd-header', 'The WAV header declares 0 channels.');
  if (channels > MAX_CHANNELS) return fail('too-many-channels', `The WAV header declares ${channels} channels (at most ${MAX_CHANNELS} are supported).`);
  if (rate === 0 || rate > MAX_SAMPLE_RATE_HZ || rate < MIN_SAMPLE_RATE_HZ) {
    return fail('absurd-header', `The WAV header declares a sample rate of ${rate} Hz (audio is ${MIN_SAMPLE_RATE_HZ} to ${MAX_SAMPLE_RATE_HZ} Hz).`);
  }
  if (bits === 0) return fail('absurd-header', 'The WAV header declares 0 bits per sample.');
  let codec: WavCodec;
  if (format === FMT_PCM && bits <= 32) {
    // Widths that are not whole bytes live in the next whole-byte container, left-justified
    // (the WAVE spec), so they decode like that container.
    const container = Math.ceil(bits / 8);
    codec = container === 1 ? 'pcm-u8' : container === 2 ? 'pcm-s16' : container === 3 ? 'pcm-s24' : 'pcm-s32';
    if (bits % 8 !== 0) warnings.push(`${bits}-bit samples, read from ${container * 8}-bit containers.`);
  } else if (format === FMT_FLOAT && bits === 32) codec = 'pcm-f32';
  else if (format === FMT_FLOAT && bits === 64) codec = 'pcm-f64';
  else if (format === FMT_ALAW && bits === 8) codec = 'alaw';
  else if (format === FMT_ULAW && bits === 8) codec = 'ulaw';
  else return fail('unsupported-codec', `WAV format tag 0x${format.toString(16)} with ${bits}-bit samples is not supported.`);
  const bytesPerSample = codec === 'pcm-u8' || codec === 'alaw' || codec === 'ulaw' ? 1 : codec === 'pcm-f64' ? 8 : Math.ceil(bits / 8);
  const blockAlign = bytesPerSample * channels;
  if (fmt.blockAlign !== blockAlign) warnings.push(`The header's block align (${fmt.blockAlign}) is wrong; using ${blockAlign}.`);
  const present = Math.max(0, fileBytes - dataOffset);
  const sec = (bytes: number): string => (bytes / blockAlign / rate).toFixed(3);
  let dataBytes = declaredBytes;
  if (declaredBytes === 0xffffffff && !rf64) dataBytes = present; // streamed WAVs (e.g. ffmpeg to a pipe)
  else if (declaredBytes === 0 && present > 0) {
    warnings.push(`The header's data size is 0 (an unfinished recording?); the ${present} bytes after it were read as audio.`);
    dataBytes = present;
  }
  const truncated = dataBytes > present;
  if (truncated) {
    warnings.push(
      `The audio stops at ${sec(present - (present % blockAlign))} s, but the header declares ${sec(dataBytes)} s: the file is truncated; the part present was analysed.`,
    );
    dataBytes = present;
  }
  const partialFrameBytes = dataBytes % blockAlign;
  // (a truncated file's last frame is cut short by the truncation, which its warning says)
  if (partialFrameBytes > 0 && !truncated && dataBytes >= blockAlign) {
    warnings.push(
      `The data chunk ends with ${partialFrameBytes === 1 ? '1 byte that does' : `${partialFrameBytes} bytes that do`} not make a whole sample frame (${blockAlign} bytes); ${partialFrameBytes === 1 ? 'it was' : 'they were'} not read.`,
    );
  }
  dataBytes -= partialFrameBytes;
  if (dataBytes === 0) {
    return declaredBytes === 0
      ? fail('empty-file', 'The WAV file holds no audio (its data chunk is empty).')
      : fail('truncated', `The file ends before its first complete sample frame (the header declares ${sec(declaredBytes)} s).`);
  }
  return ok({ codec, sampleRateHz: rate, channels, bytesPerSample, blockAlign, dataOffset, dataBytes });
}

/**
 * Parse the header from the first bytes of the file (`head`: the whole file, or at least 64 KiB
 * of it) and the file's total size. A header that needs bytes past `head` fails as absurd; to read
 * any header from a file, use `readWavHeader`.
 */
export function parseWavHeader(head: Uint8Array, fileBytes: number): Result<ParsedWav> {
  const steps = wavHeaderSteps(fileBytes);
  let step = steps.next(new Uint8Array(0));
  while (!step.done) {
    const { offset, length } = step.value;
    const end = Math.min(offset + length, fileBytes);
    if (end > head.length) {
      return fail('absurd-header', `The WAV header runs past the first ${Math.round(head.length / 1024)} KiB before reaching the audio.`);
    }
    step = steps.next(head.subarray(offset, Math.max(offset, end)));
  }
  return step.value;
}

const WINDOW_BYTES = 1 << 16;

/** Parse the header of a file read piece by piece: metadata chunks of any size before the audio are fine. */
export async function readWavHeader(source: ByteSource): Promise<Result<ParsedWav>> {
  const steps = wavHeaderSteps(source.size);
  let window: { offset: number; bytes: Uint8Array } = { offset: 0, bytes: new Uint8Array(0) };
  let step = steps.next(window.bytes);
  while (!step.done) {
    const { offset, length } = step.value;
    const end = Math.min(offset + length, source.size);
    if (offset < window.offset || end > window.offset + window.bytes.length) {
      window = { offset, bytes: await source.read(offset, Math.max(length, WINDOW_BYTES)) };
    }
    const from = offset - window.offset;
    step = steps.next(window.bytes.subarray(from, Math.max(from, end - window.offset)));
  }
  return step.value;
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
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Interleaved 16-bit → planar floats (x/32768), in a small function of its own so it optimises alone. */
function deinterleaveS16(i16: Int16Array, out: Float32Array[], frames: number): void {
  const channels = out.length;
  if (channels === 1) {
    const o = out[0];
    for (let i = 0; i < frames; i++) o[i] = i16[i] / 32768;
  } else if (channels === 2) {
    const o0 = out[0];
    const o1 = out[1];
    for (let i = 0, p = 0; i < frames; i++, p += 2) {
      o0[i] = i16[p] / 32768;
      o1[i] = i16[p + 1] / 32768;
    }
  } else {
    for (let c = 0; c < channels; c++) {
      const o = out[c];
      for (let i = 0, p = c; i < frames; i++, p += channels) o[i] = i16[p] / 32768;
    }
  }
}

/** The G.711 byte → sample tables the decoder uses (read-only by convention; tests encode with them). */
export const G711: Readonly<Record<'alaw' | 'ulaw', Float32Array>> = { alaw: ALAW, ulaw: ULAW };

export interface WavDecoderOptions {
  /**
   * Decode into buffers in the analysis kernels' memory (src/core/kernels/runtime.ts), so the
   * analyzer reads the samples in place; 16-bit PCM is then converted by the kernels too. The
   * result is views of those buffers, overwritten by the next call (and invalid once the kernel
   * memory grows): push them, then decode the next piece. Off by default: plain arrays that live.
   */
  toKernels?: boolean;
  /** With `toKernels`: the most bytes one call is given, so the buffers are sized (allocated) now. */
  maxBytes?: number;
}

/**
 * Streaming decoder: feed the data chunk's bytes in pieces of any size (split anywhere, even
 * inside a frame); each call returns the whole frames completed so far as planar Float32.
 */
export function createWavDecoder(layout: WavLayout, options: WavDecoderOptions = {}): KernelHeld & { decode(bytes: Uint8Array): Float32Array[] } {
  const { channels, blockAlign, codec } = layout;
  let carry = new Uint8Array(0);
  const k = options.toKernels ? kernels() : null;
  // Kernel buffers (grown when a piece needs more): planar floats, and the raw bytes of 16-bit PCM.
  let floats = 0;
  let floatFrames = 0;
  let raw = 0;
  let rawBytes = 0;
  const s16 = codec === 'pcm-s16' && blockAlign === 2 * channels;
  if (k && options.maxBytes) {
    floatFrames = Math.ceil((options.maxBytes + blockAlign) / blockAlign);
    floats = k.alloc(4 * channels * floatFrames);
    rawBytes = options.maxBytes + blockAlign;
    if (s16) raw = k.alloc(rawBytes);
  }
  const decoder = {
    decode(input: Uint8Array): Float32Array[] {
      let bytes = input;
      if (carry.length > 0) {
        bytes = new Uint8Array(carry.length + input.length);
        bytes.set(carry);
        bytes.set(input, carry.length);
      }
      const frames = Math.floor(bytes.length / blockAlign);
      const used = frames * blockAlign;
      carry = bytes.slice(used);
      let out: Float32Array[];
      if (k) {
        if (frames > floatFrames) {
          // Growing the kernel memory cuts off every view of it: bytes held there move out first.
          if (k.holds(bytes)) bytes = bytes.slice();
          if (floats !== 0) k.exports.free(floats);
          floatFrames = Math.max(frames, 2 * floatFrames);
          floats = k.alloc(4 * channels * floatFrames);
        }
        if (s16) {
          // Bytes already in kernel memory (no carried partial frame) are converted where they are.
          let src = k.holds(bytes) ? bytes.byteOffset : 0;
          if (src === 0) {
            if (used > rawBytes) {
              // (bytes is a plain array here: growing the memory cannot cut it off)
              if (raw !== 0) k.exports.free(raw);
              rawBytes = Math.max(used, 2 * rawBytes);
              raw = k.alloc(rawBytes);
            }
            k.u8(raw, used).set(bytes.subarray(0, used));
            src = raw;
          }
          k.exports.pcm16_deinterleave(src, frames, channels, floats, floatFrames);
        }
        out = Array.from({ length: channels }, (_, c) => k.f32(floats + 4 * c * floatFrames, frames));
        if (s16) return out;
      } else out = Array.from({ length: channels }, () => new Float32Array(frames));
      const view = new DataView(bytes.buffer, bytes.byteOffset, used);
      // 16-bit on a little-endian machine with aligned bytes (the usual case): read an Int16Array
      // view, several times faster than DataView; the same values.
      const i16 =
        codec === 'pcm-s16' && LITTLE_ENDIAN && bytes.byteOffset % 2 === 0 && blockAlign === 2 * channels
          ? new Int16Array(bytes.buffer, bytes.byteOffset, used / 2)
          : null;
      if (i16) {
        deinterleaveS16(i16, out, frames);
        return out;
      }
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
    release: (): void => undefined,
  };
  if (k) {
    decoder.release = owned(decoder, () => {
      if (floats !== 0) k.exports.free(floats);
      if (raw !== 0) k.exports.free(raw);
    });
  }
  return decoder;
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
