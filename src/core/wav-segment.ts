/**
 * One segment of a split WAV file, read from wherever the bytes are (a File in the page's
 * workers, a file handle in the CLI's threads): reads go by content-hash piece (1 MiB, one
 * ahead), each piece the segment owns is hashed as it arrives (src/core/hash.ts), and its audio
 * bytes are decoded a piece at a time into kernel memory and pushed to the consumers — the
 * segment analyzer and, in the page, the display — from 2 s before the segment's start to past
 * its end, there 64 KiB at a time and only while a consumer still needs samples.
 */
import type { SegmentSpec } from './analyze';
import { createWavDecoder, type WavLayout } from './format/wav';
import { HASH_PIECE_BYTES, hashPiece, hashPieceBuffer, pieceCount } from './hash';
import { kernels } from './kernels/runtime';
import { AudioPathError } from './types';

export interface WavSegmentJob {
  layout: WavLayout;
  spec: SegmentSpec;
  /** The content-hash pieces this segment hashes: [from, to) piece indices (hashPiecesOf). */
  pieces: { from: number; to: number };
}

export interface SegmentConsumer {
  /** The first sample it wants (absolute): where reading starts. */
  readonly firstSample: number;
  push(channels: readonly Float32Array[]): void;
  /** True while it needs samples past the segment's end. */
  needsMore(): boolean;
}

/**
 * Bytes [offset, offset + length) of the file, fewer only at its end. A reader may read them into
 * `into` (the segment's piece buffer in kernel memory, `length` bytes at least) and return that
 * view, filled when the result is awaited: the segment asks for a piece ahead and awaits it only
 * after it is done with the previous one. Other readers return bytes of their own, copied in.
 */
export type ReadBytes = (offset: number, length: number, into: () => Uint8Array) => PromiseLike<Uint8Array>;

export interface SegmentReadOptions {
  onProgress?: (framesDone: number) => void;
  /**
   * Called between decoded chunks while the next piece is being read, for readers whose reads
   * only advance when the thread returns to its event loop (a Blob stream in a worker); a file
   * handle's reads run on other threads and need none.
   */
  letReadsRun?: () => Promise<void>;
}

/** Decoded per call inside the segment, and past its end. */
export const DECODE_BYTES = 1 << 20;
const TAIL_DECODE_BYTES = 1 << 16;
/** Decoded per call while a read waits for the event loop (letReadsRun): a Blob stream brings ≤ 2 MiB per turn. */
const READING_DECODE_BYTES = 1 << 19;

/**
 * Which content-hash pieces each segment hashes: piece j (bytes [j·L, (j+1)·L)) belongs to the
 * segment whose bytes hold its first byte (the first segment also holds the header), so a segment
 * reads past its end to finish its last piece, and no piece is hashed twice.
 */
export function hashPiecesOf(layout: WavLayout, specs: readonly SegmentSpec[], fileBytes: number): Array<{ from: number; to: number }> {
  const L = HASH_PIECE_BYTES;
  const starts = specs.map((spec, k) => (k === 0 ? 0 : layout.dataOffset + spec.start * layout.blockAlign));
  const count = pieceCount(fileBytes);
  return specs.map((_, k) => ({
    from: Math.ceil(starts[k] / L),
    to: k === specs.length - 1 ? count : Math.ceil(starts[k + 1] / L),
  }));
}

/**
 * Read, decode and hash one segment; `onProgress` gets the frames of its own stretch done so far.
 * Returns the shares of the pieces it hashed, in order (contentHashOfPieces merges every segment's).
 */
export async function readWavSegment(
  readBytes: ReadBytes,
  fileBytes: number,
  job: WavSegmentJob,
  consumers: readonly SegmentConsumer[],
  { onProgress, letReadsRun }: SegmentReadOptions = {},
): Promise<Uint32Array[]> {
  const { layout, spec, pieces } = job;
  const { blockAlign, dataOffset } = layout;
  const L = HASH_PIECE_BYTES;
  const totalFrames = Math.floor(layout.dataBytes / blockAlign);
  // Everything in kernel memory is allocated before the first piece (see src/core/kernels/runtime.ts):
  // each piece lands once in the segment's own piece buffer (segments read in one realm at once
  // must not share one), then is hashed and decoded in place.
  const decoder = createWavDecoder(layout, { toKernels: true, maxBytes: DECODE_BYTES });
  hashPieceBuffer(); // hashPiece's own buffers, allocated now
  const k = kernels();
  const pieceAt = k.alloc(L);
  const piece = (): Uint8Array => k.u8(pieceAt, L);
  try {
    return await readPieces();
  } finally {
    k.exports.free(pieceAt);
    decoder.release();
  }

  async function readPieces(): Promise<Uint32Array[]> {
    const end = spec.end ?? totalFrames;
    const dataEnd = dataOffset + totalFrames * blockAlign;
    const ownEnd = dataOffset + end * blockAlign;
    const lastPiece = pieceCount(fileBytes) - 1;
    const shares: Uint32Array[] = [];
    const firstSample = Math.min(...consumers.map((c) => c.firstSample));
    let audioAt = dataOffset + firstSample * blockAlign; // the next audio byte to decode
    const wantsAudio = (): boolean => audioAt < dataEnd && (audioAt < ownEnd || consumers.some((c) => c.needsMore()));
    const report = (): void => onProgress?.(Math.max(0, Math.min(Math.floor((audioAt - dataOffset) / blockAlign), end) - spec.start));
    let j = Math.floor(audioAt / L);
    let next: PromiseLike<Uint8Array> | null = readBytes(j * L, L, piece);
    while (next && (j < pieces.to || wantsAudio())) {
      const read = await next;
      const pieceStart = j * L;
      if (read.length < Math.min(L, fileBytes - pieceStart)) {
        throw new AudioPathError('io-error', `The file ended at byte ${pieceStart + read.length} while being read.`);
      }
      if (!(k.holds(read) && read.byteOffset === pieceAt)) k.u8(pieceAt, read.length).set(read);
      // The next piece is read ahead when it is sure to be needed: to hash it, or for audio inside the segment.
      const following = pieceStart + L;
      next = following < fileBytes && (j + 1 < pieces.to || following < ownEnd) ? readBytes(following, L, piece) : null;
      if (j >= pieces.from && j < pieces.to) shares.push(hashPiece(k.u8(pieceAt, read.length), j, j === lastPiece));
      const pieceEnd = pieceStart + read.length;
      while (audioAt < pieceEnd && wantsAudio()) {
        const inside = audioAt < ownEnd;
        const step = next && letReadsRun ? READING_DECODE_BYTES : DECODE_BYTES;
        const stop = Math.min(pieceEnd, dataEnd, inside ? Math.min(ownEnd, audioAt + step) : audioAt + TAIL_DECODE_BYTES);
        // Views of kernel memory, read in place by the consumers (they copy what they keep); made
        // after each wait, since a segment read beside this one in the realm may grow the memory.
        const chunk = decoder.decode(k.u8(pieceAt + (audioAt - pieceStart), stop - audioAt));
        const at = Math.floor((audioAt - dataOffset) / blockAlign);
        for (const c of consumers) {
          if (at + chunk[0].length <= c.firstSample) continue;
          if (inside || c.needsMore()) c.push(at >= c.firstSample ? chunk : chunk.map((x) => x.subarray(c.firstSample - at)));
        }
        audioAt = stop;
        report();
        if (next && letReadsRun) await letReadsRun();
      }
      j++;
      if (!next && following < fileBytes && (j < pieces.to || wantsAudio())) next = readBytes(following, L, piece);
    }
    report();
    return shares;
  }
}
