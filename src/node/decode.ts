/**
 * Node file access for the CLI: probe and stream a file from disk in 1 MiB reads, so memory does
 * not grow with the file. The content hash is computed in the same read pass.
 * WAV is decoded by the core's streaming decoder; FLAC, MP3, Ogg Vorbis and Opus by the WASM
 * decoders (src/core/format/compressed-stream.ts, shared with the page); other containers get a
 * clear 'unsupported-codec' error naming them.
 *
 * Hostile files: the header is checked against the file's real size before anything is
 * allocated, and a compressed stream that turns to garbage part-way is analysed up to where it
 * stopped, with a warning saying where (added to `probe.warnings` while `chunks()` runs).
 */
import { open, stat } from 'node:fs/promises';
import { createContentHasher } from '../core/hash';
import { createWavDecoder, readWavHeader } from '../core/format/wav';
import { sniffContainer } from '../core/format/sniff';
import type { ByteSource } from '../core/format/source';
import { AudioPathError, fail, ok, type ContainerProbe, type Result } from '../core/types';

export interface OpenedAudio {
  /** The declared format. Its `warnings` can grow while `chunks()` runs (e.g. a corrupt tail). */
  probe: ContainerProbe;
  bytes: number;
  /** Planar chunks at the native rate, in order. Read once. */
  chunks(): AsyncIterable<Float32Array[]>;
  /** Available after chunks() has been read to the end. */
  contentHash(): Promise<string>;
}

const READ_BYTES = 1 << 20;
const HEAD_BYTES = 1 << 16;


type Handle = Awaited<ReturnType<typeof open>>;

function handleSource(handle: Handle, size: number): ByteSource {
  return {
    size,
    async read(offset, length) {
      const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      return buf.subarray(0, bytesRead);
    },
  };
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);

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
  let handle: Handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return fail('io-error', `Cannot open the file (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const source = handleSource(handle, size);
  try {
    const head = await source.read(0, Math.min(size, HEAD_BYTES));
    const opened = sniffContainer(head) === 'wav' ? await openWav(handle, source) : await openCompressed(handle, source);
    if (!opened.ok) await handle.close();
    return opened;
  } catch (error) {
    await handle.close().catch(() => undefined);
    return fail('io-error', `Reading failed: ${errorText(error)}`);
  }
}

async function openWav(handle: Handle, source: ByteSource): Promise<Result<OpenedAudio>> {
  const parsed = await readWavHeader(source);
  if (!parsed.ok) return parsed;
  const { layout, probe } = parsed.value;
  const size = source.size;
  const hasher = createContentHasher();
  let hashed = false;
  return ok({
    probe,
    bytes: size,
    async *chunks() {
      const decoder = createWavDecoder(layout, { toKernels: true });
      // Two buffers: the next read runs (in libuv's pool) while this piece is analysed.
      const bufs = [new Uint8Array(READ_BYTES), new Uint8Array(READ_BYTES)];
      const dataEnd = layout.dataOffset + layout.dataBytes;
      let pos = 0;
      let turn = 0;
      const readAt = (at: number) => (at < size ? handle.read(bufs[turn++ & 1], 0, Math.min(READ_BYTES, size - at), at) : null);
      let pending = readAt(0);
      try {
        while (pending) {
          const { bytesRead, buffer } = await pending;
          if (bytesRead === 0) break;
          const piece = buffer.subarray(0, bytesRead);
          pending = readAt(pos + bytesRead);
          hasher.update(piece);
          const from = Math.max(pos, layout.dataOffset);
          const to = Math.min(pos + bytesRead, dataEnd);
          pos += bytesRead;
          if (to > from) {
            const planar = decoder.decode(piece.subarray(from - (pos - bytesRead), to - (pos - bytesRead)));
            if ((planar[0]?.length ?? 0) > 0) yield planar;
          }
        }
        if (pos < dataEnd) {
          // The file shrank while we read it.
          throw new AudioPathError('io-error', `The file ended at byte ${pos} while being read (it was ${size} bytes when opened).`);
        }
        hashed = true;
      } finally {
        await pending?.catch(() => undefined);
        await handle.close();
      }
    },
    async contentHash() {
      if (!hashed) throw new Error('contentHash() before the file was read');
      return hasher.digestHex16();
    },
  });
}

async function openCompressed(handle: Handle, source: ByteSource): Promise<Result<OpenedAudio>> {
  // Loaded on first use: a WAV-only run never pays for mediabunny and the WASM decoders.
  const [{ probeSource }, { openCompressedStream }] = await Promise.all([import('../core/format/probe'), import('../core/format/compressed-stream')]);
  const probed = await probeSource(source);
  if (!probed.ok) return probed;
  const opened = await openCompressedStream(source, probed.value, () => handle.close());
  if (!opened.ok) return opened;
  const stream = opened.value;
  return ok({
    probe: stream.probe,
    bytes: source.size,
    async *chunks() {
      for await (const { channels } of stream.chunks()) yield channels;
    },
    async contentHash() {
      return stream.contentHash();
    },
  });
}
