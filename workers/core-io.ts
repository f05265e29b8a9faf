/**
 * File access for the worker: a ByteSource over a Blob, and thin adapters to the core's
 * container probe, streaming WAV decoder and content hash.
 *
 * TEMPORARY: until src/core/format/{probe,wav-stream}.ts and src/core/hash.ts land, this reads
 * plain PCM WAV headers itself so the page can be built and driven end to end.
 */
import { AudioPathError, fail, ok, type ContainerProbe, type Result } from '../src/core/types';

export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    async read(offset, length) {
      const end = Math.min(blob.size, offset + length);
      if (end <= offset) return new Uint8Array(0);
      return new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    },
  };
}

export type ProbeWithWarnings = ContainerProbe & { warnings?: string[] };

interface WavLayout {
  dataOffset: number;
  dataBytes: number;
  blockAlign: number;
  bits: number;
  format: number;
}


export async function probeBlob(file: Blob): Promise<Result<ProbeWithWarnings>> {
  const r = await parse(blobSource(file));
  return r.ok ? ok(r.value.probe) : r;
}

async function parse(source: ByteSource): Promise<Result<{ probe: ProbeWithWarnings; layout: WavLayout }>> {
  const file = { size: source.size };
  if (file.size === 0) return fail('empty-file', 'The file is empty.');
  const head = await source.read(0, 65536);
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const tag = (o: number): string => String.fromCharCode(head[o], head[o + 1], head[o + 2], head[o + 3]);
  if (head.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    return fail('unsupported-codec', 'Only WAV is readable until the core probe lands.');
  }
  let off = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number; blockAlign: number } | null = null;
  while (off + 8 <= head.length) {
    const id = tag(off);
    const size = v.getUint32(off + 4, true);
    if (id === 'fmt ') {
      let format = v.getUint16(off + 8, true);
      if (format === 0xfffe) format = v.getUint16(off + 32, true);
      fmt = { format, channels: v.getUint16(off + 10, true), rate: v.getUint32(off + 12, true), blockAlign: v.getUint16(off + 20, true), bits: v.getUint16(off + 22, true) };
    } else if (id === 'data') {
      if (!fmt) return fail('absurd-header', 'data before fmt');
      const dataBytes = Math.min(size, file.size - off - 8);
      const codec = fmt.format === 3 ? 'pcm-f32' : fmt.format === 7 ? 'ulaw' : fmt.format === 6 ? 'alaw' : `pcm-s${fmt.bits}`;
      const probe: ProbeWithWarnings = {
        container: 'wav',
        codec: fmt.bits === 8 && fmt.format === 1 ? 'pcm-u8' : codec,
        sampleRateHz: fmt.rate,
        decodedSampleRateHz: fmt.rate,
        channels: fmt.channels,
        bitDepth: fmt.format === 3 ? 32 : fmt.bits,
        durationSec: Math.floor(dataBytes / fmt.blockAlign) / fmt.rate,
        bytes: file.size,
      };
      return ok({ probe, layout: { dataOffset: off + 8, dataBytes, blockAlign: fmt.blockAlign, bits: fmt.bits, format: fmt.format } });
    }
    off += 8 + size + (size & 1);
  }
  return fail('truncated', 'No data chunk.');
}

export async function* wavChunks(source: ByteSource, probe: ContainerProbe): AsyncGenerator<{ channels: Float32Array[]; bytesRead: number }> {
  const parsed = await parse(source);
  if (!parsed.ok) throw new AudioPathError(parsed.error.code, parsed.error.message);
  const l = parsed.value.layout;
  const framesPerChunk = 65536;
  const n = probe.channels;
  const bytesPer = l.bits / 8;
  for (let pos = 0; pos < l.dataBytes; pos += framesPerChunk * l.blockAlign) {
    const bytes = await source.read(l.dataOffset + pos, Math.min(framesPerChunk * l.blockAlign, l.dataBytes - pos));
    const frames = Math.floor(bytes.length / l.blockAlign);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const channels = Array.from({ length: n }, () => new Float32Array(frames));
    for (let f = 0; f < frames; f++) {
      for (let c = 0; c < n; c++) {
        const o = f * l.blockAlign + c * bytesPer;
        let x = 0;
        if (l.format === 3) x = v.getFloat32(o, true);
        else if (l.bits === 16) x = v.getInt16(o, true) / 32768;
        else if (l.bits === 24) x = ((v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getInt8(o + 2) << 16)) / 8388608);
        else if (l.bits === 32) x = v.getInt32(o, true) / 2147483648;
        else if (l.bits === 8) x = (v.getUint8(o) - 128) / 128;
        channels[c][f] = x;
      }
    }
    yield { channels, bytesRead: l.dataOffset + pos + bytes.length };
  }
}


/** TEMPORARY content hash (SHA-256 via WebCrypto over the whole file). */
export async function hashBlob(file: Blob, onProgress?: (fraction: number) => void): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  onProgress?.(1);
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}
