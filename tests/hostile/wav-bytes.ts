import { G711 } from '../../src/core/format/wav';

/**
 * Byte-level WAV builders for the hostile-input corpus: every field can be set to a lie. Writing
 * correct files is the core's job (src/core/format/wav-encode.ts); these exist to write wrong ones.
 */
export type SampleEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64' | 'alaw' | 'ulaw';

const BYTES: Record<SampleEncoding, number> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8, alaw: 1, ulaw: 1 };

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One RIFF chunk: id, size (the real one unless `declaredSize` lies), body, pad byte if odd. */
export function chunk(id: string, body: Uint8Array, declaredSize = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set(ascii(id.padEnd(4).slice(0, 4)));
  new DataView(out.buffer).setUint32(4, declaredSize >>> 0, true);
  out.set(body, 8);
  return out;
}

/** "RIFF" size "WAVE" + chunks. `riffSize` defaults to the truth. */
export function riff(chunks: Uint8Array[], options: { magic?: 'RIFF' | 'RF64'; riffSize?: number } = {}): Uint8Array {
  const body = concat(ascii('WAVE'), ...chunks);
  const head = new Uint8Array(8);
  head.set(ascii(options.magic ?? 'RIFF'));
  new DataView(head.buffer).setUint32(4, (options.riffSize ?? body.length) >>> 0, true);
  return concat(head, body);
}

export interface FmtFields {
  format: number;
  channels: number;
  rateHz: number;
  bits: number;
  /** Defaults to channels × whole bytes per sample. */
  blockAlign?: number;
}

/** The 16-byte WAVEFORMAT body. */
export function fmtBody(f: FmtFields): Uint8Array {
  const body = new Uint8Array(16);
  const v = new DataView(body.buffer);
  const blockAlign = f.blockAlign ?? f.channels * Math.ceil(f.bits / 8);
  v.setUint16(0, f.format, true);
  v.setUint16(2, f.channels, true);
  v.setUint32(4, f.rateHz >>> 0, true);
  v.setUint32(8, (f.rateHz * blockAlign) >>> 0, true);
  v.setUint16(12, blockAlign & 0xffff, true);
  v.setUint16(14, f.bits, true);
  return body;
}

/** KSDATAFORMAT_SUBTYPE_PCM (1) / _IEEE_FLOAT (3): the tag, then the fixed GUID tail. */
export function subformatGuid(tag: number): Uint8Array {
  const g = Uint8Array.from([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71].map((x) => x));
  return concat(Uint8Array.from([tag & 0xff, tag >> 8]), g);
}

/** The 40-byte WAVE_FORMAT_EXTENSIBLE body. */
export function fmtExtensible(f: Omit<FmtFields, 'format'> & { validBits: number; channelMask: number; subformat: Uint8Array }): Uint8Array {
  const body = new Uint8Array(40);
  body.set(fmtBody({ ...f, format: 0xfffe }));
  const v = new DataView(body.buffer);
  v.setUint16(16, 22, true);
  v.setUint16(18, f.validBits, true);
  v.setUint32(20, f.channelMask >>> 0, true);
  body.set(f.subformat.subarray(0, 16), 24);
  return body;
}

/** G.711 by nearest level of the decoder's own table: enough for test signals. */
function nearest(table: Float32Array, x: number): number {
  let best = 0;
  for (let i = 1; i < 256; i++) if (Math.abs(table[i] - x) < Math.abs(table[best] - x)) best = i;
  return best;
}

/** Planar float → interleaved bytes of `encoding`. Integer codes round and clamp; floats are written as given (NaN stays NaN). */
export function sampleBytes(channels: readonly Float32Array[], encoding: SampleEncoding, keepBits?: number): Uint8Array {
  const n = channels[0]?.length ?? 0;
  const b = BYTES[encoding];
  const out = new Uint8Array(n * channels.length * b);
  const v = new DataView(out.buffer);
  const int = (x: number, bits: number): number => {
    const scale = 2 ** (bits - 1);
    let q = Math.max(-scale, Math.min(scale - 1, Math.round(x * scale))) || 0;
    // Odd widths (12-bit in 16) are left-justified: the low bits are zero.
    if (keepBits !== undefined && keepBits < bits) q = Math.floor(q / 2 ** (bits - keepBits)) * 2 ** (bits - keepBits);
    return q;
  };
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels.length; c++) {
      const p = (i * channels.length + c) * b;
      const x = channels[c][i];
      switch (encoding) {
        case 'u8':
          out[p] = int(x, 8) + 128;
          break;
        case 's16':
          v.setInt16(p, int(x, 16), true);
          break;
        case 's24': {
          const q = int(x, 24);
          out[p] = q & 0xff;
          out[p + 1] = (q >> 8) & 0xff;
          out[p + 2] = (q >> 16) & 0xff;
          break;
        }
        case 's32':
          v.setInt32(p, int(x, 32), true);
          break;
        case 'f32':
          v.setFloat32(p, x, true);
          break;
        case 'f64':
          v.setFloat64(p, x, true);
          break;
        case 'alaw':
        case 'ulaw':
          out[p] = nearest(G711[encoding], x);
          break;
      }
    }
  }
  return out;
}

/** `seconds` of a sine at `amplitude` (peak −6.02 dBFS for 0.5) on every channel. */
export function sine(rateHz: number, seconds: number, channels = 1, amplitude = 0.5, freqHz = 440): Float32Array[] {
  const n = Math.round(rateHz * seconds);
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(n);
    const f = freqHz * (1 + c / 10);
    for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * f * i) / rateHz);
    return x;
  });
}

/** Deterministic noise bytes (a 32-bit LCG): "garbage" that is the same in every run. */
export function garbage(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A canonical WAV of `channels` in `encoding` (format tag and bits from the encoding). */
export function simpleWav(rateHz: number, channels: readonly Float32Array[], encoding: SampleEncoding): Uint8Array {
  const format = encoding === 'f32' || encoding === 'f64' ? 3 : encoding === 'alaw' ? 6 : encoding === 'ulaw' ? 7 : 1;
  const bits = BYTES[encoding] * 8;
  return riff([chunk('fmt ', fmtBody({ format, channels: channels.length, rateHz, bits })), chunk('data', sampleBytes(channels, encoding))]);
}
