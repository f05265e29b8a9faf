/**
 * Node file access for the CLI: probe and stream a file from disk in 1 MiB reads, so memory does
 * not grow with the file. The content hash is computed in the same read pass.
 * WAV is decoded by the core's streaming decoder. Compressed formats are not decoded in Node yet:
 * they get a clear 'unsupported-codec' error naming the container.
 */
import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createWavDecoder, parseWavHeader } from '../core/format/wav';
import { probeSource } from '../core/format/probe';
import { sniffContainer } from '../core/format/sniff';
import { createChunkDecoder } from './compressed';
import { AudioPathError, fail, ok, type ContainerProbe, type Result } from '../core/types';

export interface OpenedAudio {
  probe: ContainerProbe;
  bytes: number;
  /** Planar chunks at the native rate, in order. Read once. */
  chunks(): AsyncIterable<Float32Array[]>;
  /** Available after chunks() has been read to the end. */
  contentHash(): Promise<string>;
}

const READ_BYTES = 1 << 20;

/** Node's native SHA-256: the same digest as the core's (@noble/hashes) hasher, ~10× faster. */
function createContentHasher(): { update(bytes: Uint8Array): void; digestHex16(): string } {
  const h = createHash('sha256');
  return { update: (b) => void h.update(b), digestHex16: () => h.digest('hex').slice(0, 16) };
}
const HEAD_BYTES = 1 << 16;


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
    if (container !== 'wav') return await openCompressed(handle, size);
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

type Handle = Awaited<ReturnType<typeof open>>;

async function openCompressed(handle: Handle, size: number): Promise<Result<OpenedAudio>> {
  const probed = await probeSource({
    size,
    async read(offset, length) {
      const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      await handle.read(buf, 0, buf.length, offset);
      return buf;
    },
  });
  if (!probed.ok) {
    await handle.close();
    return probed;
  }
  const probe = probed.value;
  const decoder = createChunkDecoder(probe.container, probe.codec, probe.channels);
  if (decoder === null) {
    await handle.close();
    return fail('unsupported-codec', `${probe.container}/${probe.codec} is not decoded by the CLI; open it in the page, where the browser decodes it.`);
  }
  await decoder.ready;
  const hasher = createContentHasher();
  let hashed = false;
  let decodedRate = probe.decodedSampleRateHz;
  return ok({
    probe,
    bytes: size,
    async *chunks() {
      const buf = new Uint8Array(READ_BYTES);
      let pos = 0;
      let frames = 0;
      const take = (d: { channelData: Float32Array[]; samplesDecoded: number; sampleRate: number } | null): Float32Array[] | null => {
        if (!d || d.samplesDecoded === 0) return null;
        if (d.sampleRate > 0) decodedRate = d.sampleRate;
        if (decodedRate !== probe.decodedSampleRateHz) {
          throw new AudioPathError('decode-failed', `The decoder produced ${decodedRate} Hz where the header says ${probe.decodedSampleRateHz} Hz.`);
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
          pos += bytesRead;
          const out = take(await decoder.decode(piece));
          if (out) yield out;
        }
        const tail = take(await decoder.flush());
        if (tail) yield tail;
        if (frames === 0) throw new AudioPathError('decode-failed', `No audio could be decoded from this ${probe.codec} stream.`);
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
