/**
 * Node file access for the CLI: probe and stream a file from disk in 1 MiB reads, so memory does
 * not grow with the file. The content hash is computed in the same read pass.
 * WAV is decoded by the core's streaming decoder. Compressed formats are not decoded in Node yet:
 * they get a clear 'unsupported-codec' error naming the container.
 */
import { open, stat } from 'node:fs/promises';
import { createContentHasher } from '../core/hash';
import { createWavDecoder, looksLikeWav, parseWavHeader } from '../core/format/wav';
import { fail, ok, type ContainerProbe, type Result } from '../core/types';

export interface OpenedAudio {
  probe: ContainerProbe;
  bytes: number;
  /** Planar chunks at the native rate, in order. Read once. */
  chunks(): AsyncIterable<Float32Array[]>;
  /** Available after chunks() has been read to the end. */
  contentHash(): Promise<string>;
}

const READ_BYTES = 1 << 20;
const HEAD_BYTES = 1 << 16;

/** Name the container from magic bytes, for a specific message when we cannot decode it. */
export function sniffContainer(head: Uint8Array): string | null {
  const s = (o: number, n: number): string => String.fromCharCode(...head.subarray(o, o + n));
  if (looksLikeWav(head)) return 'wav';
  if (s(0, 4) === 'fLaC') return 'flac';
  if (s(0, 4) === 'OggS') return 'ogg';
  if (s(0, 3) === 'ID3' || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)) return 'mp3';
  if (s(4, 4) === 'ftyp') return 'mp4';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  return null;
}

export async function openAudioFile(path: string): Promise<Result<OpenedAudio>> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) return fail('io-error', 'Not a regular file.');
    size = st.size;
  } catch (error) {
    return fail('io-error', `Cannot open the file (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (size === 0) return fail('empty-file', 'The file is empty (0 bytes).');
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    const container = sniffContainer(head);
    if (container === null) {
      await handle.close();
      return fail('not-audio', 'This does not look like an audio file (no known container signature).');
    }
    if (container !== 'wav') {
      await handle.close();
      return fail('unsupported-codec', `${container.toUpperCase()} files are not decoded by the CLI yet; the page decodes them in the browser.`);
    }
    const parsed = parseWavHeader(head, size);
    if (!parsed.ok) {
      await handle.close();
      return parsed;
    }
    const { layout, probe } = parsed.value;
    const hasher = createContentHasher();
    let hashed = false;
    return ok({
      probe,
      bytes: size,
      async *chunks() {
        const decoder = createWavDecoder(layout);
        const buf = new Uint8Array(READ_BYTES);
        const dataEnd = layout.dataOffset + layout.dataBytes;
        let pos = 0;
        try {
          while (pos < size) {
            const { bytesRead } = await handle.read(buf, 0, Math.min(READ_BYTES, size - pos), pos);
            if (bytesRead === 0) break;
            const piece = buf.subarray(0, bytesRead);
            hasher.update(piece);
            const from = Math.max(pos, layout.dataOffset);
            const to = Math.min(pos + bytesRead, dataEnd);
            pos += bytesRead;
            if (to > from) {
              const planar = decoder.decode(piece.subarray(from - (pos - bytesRead), to - (pos - bytesRead)));
              if ((planar[0]?.length ?? 0) > 0) yield planar;
            }
          }
          hashed = true;
        } finally {
          await handle.close();
        }
      },
      async contentHash() {
        if (!hashed) throw new Error('contentHash() before the file was read');
        return hasher.digestHex16();
      },
    });
  } catch (error) {
    await handle.close().catch(() => undefined);
    return fail('io-error', `Reading failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
