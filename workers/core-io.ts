/**
 * File access for the worker: a ByteSource over a Blob (the File never leaves the worker as a
 * whole), the container probe, and a streaming read that decodes WAV with the core decoder and
 * hashes every byte in the same pass, like the CLI's reader (src/node/decode.ts).
 */
import { probeSource, type ByteSource } from '../src/core/format/probe';
import { createWavDecoder, readWavHeader } from '../src/core/format/wav';
import { createContentHasher } from '../src/core/hash';
import { createSHA256 } from 'hash-wasm';
import { AudioPathError, ok, type ContainerProbe, type Result } from '../src/core/types';

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

interface Hasher {
  update(bytes: Uint8Array): void;
  digestHex16(): string;
}

/**
 * SHA-256 in WebAssembly (hash-wasm): about twice the core's @noble/hashes in V8, the same
 * digest. On a long file split across workers the hash is the one sequential task, so its speed
 * bounds the whole job. Falls back to the core's hasher where WebAssembly is unavailable.
 */
export async function createHasher(): Promise<Hasher> {
  try {
    const h = await createSHA256();
    h.init();
    return { update: (bytes) => void h.update(bytes), digestHex16: () => h.digest('hex').slice(0, 16) };
  } catch {
    return createContentHasher();
  }
}

export type ProbeWithWarnings = ContainerProbe & { warnings?: string[] };

const READ_BYTES = 1 << 20;

/** The core probe (WAV by our parser, other containers by mediabunny), over the File. */
export function probeBlob(file: Blob): Promise<Result<ProbeWithWarnings>> {
  return probeSource(blobSource(file));
}

export interface WavRead {
  /** Planar chunks at the native rate, in order, with the bytes read so far. */
  chunks: AsyncIterable<{ channels: Float32Array[]; bytesRead: number }>;
  /** After `chunks` has been read to the end: the content hash of every byte of the file. */
  contentHash(): string;
}

/** Decode a WAV File in 1 MiB reads, hashing the bytes in the same pass. */
export async function readWav(file: Blob): Promise<Result<WavRead>> {
  const source = blobSource(file);
  // The same header walk as the probe and the CLI: sizes checked against the bytes present.
  const parsed = await readWavHeader(source);
  if (!parsed.ok) return parsed;
  const { layout } = parsed.value;
  const hasher = await createHasher();
  let done = false;
  async function* chunks(): AsyncGenerator<{ channels: Float32Array[]; bytesRead: number }> {
    const decoder = createWavDecoder(layout, { toKernels: true });
    const dataEnd = layout.dataOffset + layout.dataBytes;
    let pos = 0;
    while (pos < source.size) {
      const piece = await source.read(pos, READ_BYTES);
      if (piece.length === 0) break;
      hasher.update(piece);
      const from = Math.max(pos, layout.dataOffset);
      const to = Math.min(pos + piece.length, dataEnd);
      if (to > from) {
        const planar = decoder.decode(piece.subarray(from - pos, to - pos));
        pos += piece.length;
        if ((planar[0]?.length ?? 0) > 0) yield { channels: planar, bytesRead: pos };
      } else {
        pos += piece.length;
      }
    }
    if (pos < dataEnd) throw new AudioPathError('io-error', `The file ended at byte ${pos} while being read (it was ${source.size} bytes when opened).`);
    done = true;
  }
  return ok({
    chunks: chunks(),
    contentHash() {
      if (!done) throw new Error('contentHash() before the file was read');
      return hasher.digestHex16();
    },
  });
}

/**
 * Content hash of a whole Blob, read in 1 MiB pieces (for audio the page decoded itself, and
 * alongside the segments of a split WAV): the next piece loads while this one is hashed.
 */
export async function hashBlob(file: Blob, onProgress?: (fraction: number) => void): Promise<string> {
  const source = blobSource(file);
  const hasher = await createHasher();
  let next = source.read(0, READ_BYTES);
  for (let pos = 0; pos < source.size; pos += READ_BYTES) {
    const piece = await next;
    if (pos + READ_BYTES < source.size) next = source.read(pos + READ_BYTES, READ_BYTES);
    hasher.update(piece);
    onProgress?.(Math.min(1, (pos + READ_BYTES) / Math.max(1, source.size)));
  }
  return hasher.digestHex16();
}
