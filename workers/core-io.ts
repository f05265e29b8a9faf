/**
 * File access for the worker: a ByteSource over a Blob (the File never leaves the worker as a
 * whole), the container probe, and a streaming read that decodes WAV with the core decoder and
 * hashes every byte in the same pass, like the CLI's reader (src/node/decode.ts).
 */
import { probeSource, probeSourceLayout, type ByteSource, type ProbedLayout } from '../src/core/format/probe';
import { createWavDecoder, readWavHeader } from '../src/core/format/wav';
import { contentHashOfPieces, HASH_PIECE_BYTES, hashPiece, pieceCount } from '../src/core/hash';
import { DECODE_BYTES } from '../src/core/wav-segment';
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

/** The worker's channel to itself for letReadsRun, and who waits on it, oldest first. */
let selfChannel: { port: { postMessage(message: null): void }; waiting: Array<() => void> } | null = null;

/**
 * One turn of the worker's event loop (a message to itself, not a clamped timer): a Blob
 * stream's next chunk arrives as a task, so a long synchronous decode-and-analyse loop lets it
 * in between chunks, and the read ahead keeps going while the worker computes. One channel
 * serves every call (messages arrive in the order sent): with a new MessageChannel per call,
 * the ~1 350 turns of an hour of 48 kHz stereo took 131–149 ms of the workers' time in a
 * Chromium trace, 70–74 ms with one.
 */
export function letReadsRun(): Promise<void> {
  if (selfChannel === null) {
    const { port1, port2 } = new MessageChannel();
    const waiting: Array<() => void> = [];
    // The DOM's MessagePort (this runs in a worker; Node's typings describe worker_threads' port).
    (port1 as unknown as { onmessage: () => void }).onmessage = () => waiting.shift()?.();
    // Node's ports (the unit tests) would keep the process alive; browsers' have no unref.
    (port1 as unknown as { unref?: () => void }).unref?.();
    selfChannel = { port: port2, waiting };
  }
  const { port, waiting } = selfChannel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}

/** Files up to this size are read with `slice().arrayBuffer()`: the stream's speed does not matter there. */
export const SMALL_BLOB_BYTES = 4 << 20;

/**
 * A Blob stream read that brings nothing in this long is given up. Chromium's Blob stream can
 * stall for good: a BYOB read of a 93.5 KiB File never resolved, in about one run in ten of the
 * hostile e2e test on 2 busy cores (the worker idle, its other reads done). A 1 MiB read takes
 * milliseconds; a wrong guess costs one read made again.
 */
export const STREAM_STALL_MS = 5_000;

const stalled = Symbol('stalled');

/**
 * The stall watch of one reader: `start()` a request's wait (its promise settles with `stalled`
 * once `ms` pass with no `progress()`), `end()` it. One timer, set when a request starts and none
 * is set, and moved on only when it fires. A timer set and cleared around each 64 KiB chunk
 * (~10 800 over an hour of 48 kHz stereo) took 55–60 ms of the workers' time in a Chromium
 * trace, one per 1 MiB request still ~45 ms; now a few.
 */
function stallWatch(ms: number): { start(): Promise<typeof stalled>; progress(): void; end(): void } {
  let last = 0;
  let armed = false;
  let onStall: ((s: typeof stalled) => void) | null = null;
  const check = (): void => {
    armed = false;
    if (onStall === null) return; // no request waiting: the next one sets the timer again
    const quiet = performance.now() - last;
    if (quiet >= ms) {
      onStall(stalled);
      onStall = null;
    } else arm(ms - quiet);
  };
  const arm = (after: number): void => {
    armed = true;
    setTimeout(check, after);
  };
  return {
    start() {
      last = performance.now();
      const stall = new Promise<typeof stalled>((resolve) => (onStall = resolve));
      if (!armed) arm(ms);
      return stall;
    },
    progress: () => (last = performance.now()),
    end: () => (onStall = null),
  };
}

/**
 * Sequential reads of a Blob through one byte stream (`Blob.stream()` read with a BYOB reader
 * into each request's own buffer). Measured in headless Chromium here on a 691 MB File: 0.7 s and
 * ~1.3 CPU-s in all, where 16 MiB `slice().arrayBuffer()` reads took 2.5 s and ~3.6 CPU-s (64 MiB
 * slices, FileReaderSync, `bytes()` and default stream reads: 2.2–2.8 s, 3.2–4.0 CPU-s). A read
 * that does not start where the last one ended opens a new stream there. Calls are served one
 * at a time, in the order made.
 *
 * The bytes of a read stay valid until the read after next: two buffers take turns, because a
 * fresh ArrayBuffer per read costs ~1 ns per byte in a Chromium worker here (~10× Node's),
 * ~0.7 s over an hour of 48 kHz stereo.
 *
 * A file of at most SMALL_BLOB_BYTES, and a request whose stream stalls (STREAM_STALL_MS), is
 * read with `slice().arrayBuffer()` instead; the read after a stall opens a fresh stream.
 */
export function blobReader(file: Blob, stallMs = STREAM_STALL_MS): (offset: number, length: number) => Promise<Uint8Array> {
  let reader: ReadableStreamBYOBReader | null = null;
  let position = -1;
  let queue: Promise<unknown> = Promise.resolve();
  const buffers: Array<ArrayBuffer | null> = [null, null];
  let turn = 0;
  // Small files, and a request whose stream stalled: one `slice().arrayBuffer()` each.
  const sliced = blobSource(file).read;
  const watch = stallWatch(stallMs);
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const wanted = Math.max(0, Math.min(length, file.size - offset));
    if (file.size <= SMALL_BLOB_BYTES) return sliced(offset, wanted);
    if (reader === null || position !== offset) {
      void reader?.cancel().catch(() => undefined);
      reader = file.slice(offset).stream().getReader({ mode: 'byob' });
      position = offset;
    }
    const slot = turn;
    turn ^= 1;
    const kept = buffers[slot];
    let buffer = kept !== null && kept.byteLength >= wanted ? kept : new ArrayBuffer(wanted);
    buffers[slot] = null; // detached by the reads below; the filled one is kept
    let filled = 0;
    const stall = watch.start();
    try {
      while (filled < wanted) {
        const got = await Promise.race([reader.read(new Uint8Array(buffer, filled, wanted - filled)), stall]);
        if (got === stalled) {
          // The stream is dropped with this slot's buffer (detached into its pending read).
          void reader.cancel().catch(() => undefined);
          reader = null;
          return sliced(offset, wanted);
        }
        const { done, value } = got;
        if (done || !value) break;
        watch.progress();
        buffer = value.buffer;
        filled += value.byteLength;
      }
    } finally {
      watch.end();
    }
    buffers[slot] = buffer;
    position += filled;
    return new Uint8Array(buffer, 0, filled);
  };
  return (offset, length) => {
    const result = queue.then(() => read(offset, length));
    queue = result.catch(() => undefined);
    return result;
  };
}

export type ProbeWithWarnings = ContainerProbe & { warnings?: string[] };

/**
 * Reads follow the content hash's 1 MiB pieces, through one byte stream (blobReader), one
 * piece ahead, each hashed as read and decoded in one call, so the decoded floats stay small.
 */
const READ_BYTES = HASH_PIECE_BYTES;

/** The core probe (WAV by our parser, other containers by mediabunny), over the File. */
export function probeBlob(file: Blob): Promise<Result<ProbeWithWarnings>> {
  return probeSource(blobSource(file));
}

/** probeBlob, with a WAV's layout beside the probe (for planWavSplit, workers/segments.ts). */
export function probeBlobLayout(file: Blob): Promise<Result<ProbedLayout>> {
  return probeSourceLayout(blobSource(file));
}

export interface WavRead {
  /** Planar chunks at the native rate, in order, with the bytes read so far. */
  chunks: AsyncIterable<{ channels: Float32Array[]; bytesRead: number }>;
  /** After `chunks` has been read to the end: the content hash of every byte of the file. */
  contentHash(): Promise<string>;
}

/** Decode a WAV File in 1 MiB reads (one ahead), hashing each as it is read (in the kernels). */
export async function readWav(file: Blob): Promise<Result<WavRead>> {
  const source = blobSource(file);
  // The same header walk as the probe and the CLI: sizes checked against the bytes present.
  const parsed = await readWavHeader(source);
  if (!parsed.ok) return parsed;
  const { layout } = parsed.value;
  const pieces: Uint32Array[] = [];
  const count = pieceCount(source.size);
  let done = false;
  async function* chunks(): AsyncGenerator<{ channels: Float32Array[]; bytesRead: number }> {
    const decoder = createWavDecoder(layout, { toKernels: true });
    const dataEnd = layout.dataOffset + layout.dataBytes;
    const readBytes = blobReader(file);
    let pos = 0;
    let next: Promise<Uint8Array> | null = readBytes(0, READ_BYTES);
    while (next) {
      const piece: Uint8Array = await next;
      next = pos + piece.length < source.size ? readBytes(pos + piece.length, READ_BYTES) : null;
      if (piece.length === 0) break;
      pieces.push(hashPiece(piece, pieces.length, pieces.length === count - 1));
      const from = Math.max(pos, layout.dataOffset);
      const to = Math.min(pos + piece.length, dataEnd);
      for (let at = from; at < to; at += DECODE_BYTES) {
        const planar = decoder.decode(piece.subarray(at - pos, Math.min(to, at + DECODE_BYTES) - pos));
        if ((planar[0]?.length ?? 0) > 0) yield { channels: planar, bytesRead: Math.min(to, at + DECODE_BYTES) };
        if (next) await letReadsRun();
      }
      pos += piece.length;
    }
    if (pos < dataEnd) throw new AudioPathError('io-error', `The file ended at byte ${pos} while being read (it was ${source.size} bytes when opened).`);
    done = true;
  }
  return ok({
    chunks: chunks(),
    async contentHash() {
      if (!done) throw new Error('contentHash() before the file was read');
      return contentHashOfPieces(pieces);
    },
  });
}

/**
 * Content hash of a whole Blob (for audio decoded elsewhere: WebCodecs, the page), read piece by
 * piece with the next piece loading while this one is hashed.
 */
export async function hashBlob(file: Blob, onProgress?: (fraction: number) => void): Promise<string> {
  const pieces: Uint32Array[] = [];
  const count = pieceCount(file.size);
  const readBytes = blobReader(file);
  let next = readBytes(0, READ_BYTES);
  for (let j = 0; j < count; j++) {
    const piece = await next;
    if (j + 1 < count) next = readBytes((j + 1) * READ_BYTES, READ_BYTES);
    pieces.push(hashPiece(piece, j, j === count - 1));
    onProgress?.(Math.min(1, ((j + 1) * READ_BYTES) / Math.max(1, file.size)));
  }
  return contentHashOfPieces(pieces);
}
