/**
 * Node file access for the CLI: probe and stream a file from disk in 1 MiB reads, so memory does
 * not grow with the file. The content hash is computed in the same read pass.
 * WAV is decoded by the core's streaming decoder; FLAC, MP3, Ogg Vorbis and Opus by the WASM
 * decoders (compressed.ts); other containers get a clear 'unsupported-codec' error naming them.
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
/**
 * Compressed bytes per decoder call: small enough that a stream turning to garbage loses at most
 * this much good audio before the point where it stopped (about 1 s of 128 kbit/s MP3).
 */
const DECODE_BYTES = 1 << 14;
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

interface Decoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors?: Array<{ message: string }>;
}

async function openCompressed(handle: Handle, source: ByteSource): Promise<Result<OpenedAudio>> {
  const size = source.size;
  // Loaded on first use: a WAV-only run never pays for mediabunny and the WASM decoders.
  const [{ probeSource }, { createChunkDecoder }] = await Promise.all([import('../core/format/probe'), import('./compressed')]);
  const probed = await probeSource(source);
  if (!probed.ok) return probed;
  const probe = probed.value;
  const decoder = createChunkDecoder(probe.container, probe.codec, probe.channels);
  if (decoder === null) {
    return fail('unsupported-codec', `${probe.container}/${probe.codec} is not decoded by the CLI; open it in the page, where the browser decodes it.`);
  }
  try {
    await decoder.ready;
  } catch (error) {
    decoder.free();
    return fail('decode-failed', `The ${probe.codec} decoder could not start: ${errorText(error)}`);
  }
  const hasher = createContentHasher();
  let hashed = false;
  const rate = probe.decodedSampleRateHz;
  return ok({
    probe,
    bytes: size,
    async *chunks() {
      const buf = new Uint8Array(READ_BYTES);
      let pos = 0;
      let frames = 0;
      let errors = 0;
      let firstErrorSec = 0;
      let firstError = '';
      /** Set when the stream stops making sense: the rest of the file is hashed, not decoded. */
      let stoppedAt: number | null = null;
      let stopReason = '';
      const take = (d: Decoded | null, byteOffset: number): Float32Array[] | null => {
        if (!d) return null;
        if (d.errors && d.errors.length > 0) {
          if (errors === 0) {
            firstErrorSec = frames / rate;
            firstError = d.errors[0].message;
          }
          errors += d.errors.length;
        }
        if (d.samplesDecoded === 0) return null;
        if (d.sampleRate > 0 && d.sampleRate !== rate) {
          // A rate change part-way is garbage that happened to look like a frame header.
          if (frames === 0) {
            throw new AudioPathError('decode-failed', `The decoder produced ${d.sampleRate} Hz where the header says ${rate} Hz.`);
          }
          stoppedAt = byteOffset;
          stopReason = `a frame at ${d.sampleRate} Hz in a ${rate} Hz stream`;
          return null;
        }
        // Decoders may return more channels than declared (e.g. forced stereo); keep the declared count.
        const out = d.channelData.slice(0, probe.channels).map((c) => c.slice(0, d.samplesDecoded));
        while (out.length < probe.channels) out.push(new Float32Array(d.samplesDecoded));
        frames += d.samplesDecoded;
        return out;
      };
      try {
        while (pos < size) {
          const { bytesRead } = await handle.read(buf, 0, Math.min(READ_BYTES, size - pos), pos);
          if (bytesRead === 0) break;
          const piece = buf.slice(0, bytesRead);
          hasher.update(piece);
          for (let o = 0; o < piece.length && stoppedAt === null; o += DECODE_BYTES) {
            let decoded: Decoded;
            try {
              decoded = await decoder.decode(piece.subarray(o, o + DECODE_BYTES));
            } catch (error) {
              if (frames === 0) throw new AudioPathError('decode-failed', `The ${probe.codec} decoder failed: ${errorText(error)}`);
              stoppedAt = pos + o;
              stopReason = errorText(error);
              break;
            }
            const out = take(decoded, pos + o);
            if (out) yield out;
          }
          pos += bytesRead;
        }
        if (stoppedAt === null) {
          const tail = take(await decoder.flush().catch(() => null), size);
          if (tail) yield tail;
        }
        if (frames === 0) throw new AudioPathError('decode-failed', `No audio could be decoded from this ${probe.codec} stream.`);
        const warnings = (probe.warnings ??= []);
        if (stoppedAt !== null) {
          warnings.push(
            `Decoding stopped at ${(frames / rate).toFixed(3)} s (byte ${stoppedAt} of ${size}): the rest is not valid ${probe.codec} (${stopReason}); the part before was analysed.`,
          );
        }
        if (errors > 0) {
          warnings.push(`The ${probe.codec} decoder reported ${errors} stream error${errors === 1 ? '' : 's'}, the first at ${firstErrorSec.toFixed(3)} s (${firstError}): the audio around ${errors === 1 ? 'it' : 'them'} may be damaged.`);
        }
        hashed = true;
      } finally {
        decoder.free();
        await handle.close();
      }
    },
    async contentHash() {
      if (!hashed) throw new Error('contentHash() before the file was read');
      return hasher.digestHex16();
    },
  });
}
