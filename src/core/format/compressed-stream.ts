/**
 * A compressed file (FLAC, MP3, Ogg Vorbis, Ogg Opus) read and decoded in one streaming pass, the
 * same in the CLI (a file handle) and the page's worker (a File): pieces of the file are hashed
 * for the content hash and fed to the WASM decoder 16 KiB at a time; planar chunks come out at the
 * decoder's native rate. A stream that turns to garbage part-way is analysed up to where it
 * stopped, and `probe.warnings` (which grows while `chunks()` runs) says where; stream errors
 * the decoder reports are counted and named.
 */
import { createContentHasher } from '../hash';
import { AudioPathError, fail, ok, type ContainerProbe, type Result } from '../types';
import type { ByteSource } from './source';
import { createChunkDecoder } from './compressed-decoders';

export interface CompressedStream {
  probe: ContainerProbe;
  /** Planar chunks at the native rate, in order, with the bytes read so far. Read once. */
  chunks(): AsyncIterable<{ channels: Float32Array[]; bytesRead: number }>;
  /** Available after chunks() has been read to the end. */
  contentHash(): string;
}

/** File bytes per read (hashed and decoded); the decoder takes them 16 KiB at a time. */
const READ_BYTES = 1 << 22;
/**
 * Compressed bytes per decoder call: small enough that a stream turning to garbage loses at most
 * this much good audio before the point where it stopped (about 1 s of 128 kbit/s MP3).
 */
const DECODE_BYTES = 1 << 14;

interface Decoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors?: Array<{ message: string }>;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);

/** True when the WASM decoders read this container/codec. */
export const decodesCompressed = (probe: ContainerProbe): boolean => createChunkDecoder(probe.container, probe.codec, probe.channels) !== null;

/**
 * Open the stream of a probed compressed file; 'unsupported-codec' when no WASM decoder reads it
 * (the page then uses the browser's decoder). `close` runs when the chunks end or the caller stops.
 */
export async function openCompressedStream(source: ByteSource, probe: ContainerProbe, close: () => Promise<void> = async () => undefined): Promise<Result<CompressedStream>> {
  const size = source.size;
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
    async *chunks() {
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
        // (The decoders return fresh arrays: views of them, no copy.)
        const out = d.channelData.slice(0, probe.channels).map((c) => (c.length === d.samplesDecoded ? c : c.subarray(0, d.samplesDecoded)));
        while (out.length < probe.channels) out.push(new Float32Array(d.samplesDecoded));
        frames += d.samplesDecoded;
        return out;
      };
      /**
       * A decoder call that reported one stream error waits here: if the next call reports errors
       * too (or this one several), the stream has turned to garbage and decoding stops at the
       * first error — what the decoder made of the garbage after it is not audio, and an Opus or
       * MP3 decoder fed garbage can output loud noise; if the next call is clean, it was an
       * isolated bad packet, counted in a warning, and the audio goes on.
       */
      let held: { out: Float32Array[] | null; framesBefore: number; error: { message: string; outputSamples?: number }; byteOffset: number; count: number } | null = null;
      const release = (): Float32Array[] | null => {
        const h = held;
        held = null;
        if (!h) return null;
        if (errors === 0) {
          firstErrorSec = (h.error.outputSamples ?? h.framesBefore) / rate;
          firstError = h.error.message;
        }
        errors += h.count;
        return h.out;
      };
      /** Stop at the held call's first error: its audio before the error is kept. */
      const stopAtHeld = (): Float32Array[] | null => {
        const h = held as NonNullable<typeof held>;
        held = null;
        const at = Math.max(0, Math.min(h.out?.[0].length ?? 0, (h.error.outputSamples ?? h.framesBefore) - h.framesBefore));
        frames = h.framesBefore + at;
        stoppedAt = h.byteOffset;
        stopReason = h.error.message;
        return h.out && at > 0 ? h.out.map((c) => c.subarray(0, at)) : null;
      };
      try {
        let next = size > 0 ? source.read(0, READ_BYTES) : null;
        while (next) {
          const piece = await next;
          next = pos + piece.length < size && piece.length > 0 ? source.read(pos + piece.length, READ_BYTES) : null;
          if (piece.length === 0) break;
          hasher.update(piece);
          for (let o = 0; o < piece.length && stoppedAt === null; o += DECODE_BYTES) {
            let decoded: Decoded;
            const framesBefore = frames;
            try {
              decoded = await decoder.decode(piece.subarray(o, o + DECODE_BYTES));
            } catch (error) {
              if (frames === 0) throw new AudioPathError('decode-failed', `The ${probe.codec} decoder failed: ${errorText(error)}`);
              const kept = held ? stopAtHeld() : null;
              if (kept) yield { channels: kept, bytesRead: pos + o };
              if (stoppedAt === null) {
                stoppedAt = pos + o;
                stopReason = errorText(error);
              }
              break;
            }
            const out = take(decoded, pos + o);
            const bad = (decoded.errors?.length ?? 0) > 0;
            if (held) {
              const previous = bad ? stopAtHeld() : release();
              if (previous) yield { channels: previous, bytesRead: pos + o };
              if (bad) break;
            }
            if (stoppedAt !== null) break;
            if (bad && decoded.errors) {
              held = { out, framesBefore, error: decoded.errors[0], byteOffset: pos + o, count: decoded.errors.length };
              // Several bad packets in one call: garbage already, no need to wait for the next.
              if (decoded.errors.length > 1) {
                const kept = stopAtHeld();
                if (kept) yield { channels: kept, bytesRead: pos + o };
                break;
              }
              continue;
            }
            if (out) yield { channels: out, bytesRead: pos + Math.min(piece.length, o + DECODE_BYTES) };
          }
          pos += piece.length;
        }
        const last = release();
        if (last) yield { channels: last, bytesRead: size };
        if (pos < size) throw new AudioPathError('io-error', `The file ended at byte ${pos} while being read (it was ${size} bytes when opened).`);
        if (stoppedAt === null) {
          const tail = take(await decoder.flush().catch(() => null), size);
          if (tail) yield { channels: tail, bytesRead: size };
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
        await close();
      }
    },
    contentHash() {
      if (!hashed) throw new Error('contentHash() before the file was read');
      return hasher.digestHex16();
    },
  });
}
