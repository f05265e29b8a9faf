/**
 * The content hash that stands in for a file's name in the summary: the first 16 hex digits of
 * the file's BLAKE3 hash — what `b3sum` prints (Debian package b3sum).
 *
 * BLAKE3 is a tree over 1 KiB chunks, so a long file is hashed in 1 MiB pieces by whoever reads
 * them (the page's segment workers, the CLI's threads) and the pieces' results are merged into
 * exactly the whole file's hash (src/core/kernels/c/blake3.c); it runs in the analysis kernels,
 * four chunks at a time in SIMD lanes, so it costs a few percent of an analysis in the browser
 * too (where SHA-256 ran at ~120 MB/s, as long as the rest of the analysis).
 */
import { kernels } from './kernels/runtime';

/**
 * A piece is also what a reader holds at a time, so it is small: with 16 MiB pieces each CLI
 * thread's piece buffer alone was 4096 fresh pages (~14 µs each to touch on this VM), and the
 * page's workers held three such buffers. The hash does not depend on it (any power-of-two
 * number of chunks is a subtree).
 */
export const HASH_PIECE_BYTES = 1024 * 1024;

/** Pieces of a file of `bytes` bytes (an empty file is one empty piece). */
export const pieceCount = (bytes: number): number => Math.max(1, Math.ceil(bytes / HASH_PIECE_BYTES));

/** Words of the last piece's record: stack length, up to 14 chaining values (10 for 1 MiB), the open chunk. */
const LAST_WORDS = 1 + 8 * 14 + 28;

let pieceBuffer = 0;
let wordsBuffer = 0;

/**
 * The realm's piece buffer in kernel memory (allocated on first use): a reader that copies each
 * piece here once can hash it and decode it in place. Call before pushing, never while holding views.
 */
export function hashPieceBuffer(): number {
  const k = kernels();
  if (pieceBuffer === 0) pieceBuffer = k.alloc(HASH_PIECE_BYTES);
  if (wordsBuffer === 0) wordsBuffer = k.alloc(4 * LAST_WORDS);
  return pieceBuffer;
}

/**
 * One piece's share of the hash (bytes [index·1 MiB, …) of the file; `last`: the file's last
 * piece). Allocates kernel memory on first use: call it between pushes, never while holding
 * views of kernel memory.
 */
export function hashPiece(bytes: Uint8Array, index: number, last: boolean): Uint32Array {
  if (bytes.length > HASH_PIECE_BYTES || (!last && bytes.length !== HASH_PIECE_BYTES)) {
    throw new RangeError('a piece is 1 MiB, only the last one shorter');
  }
  const k = kernels();
  // Bytes already in kernel memory are hashed where they are; others are copied in first.
  const inKernel = k.holds(bytes);
  const length = bytes.length;
  const given = inKernel ? bytes.byteOffset : 0;
  hashPieceBuffer(); // may grow the memory: the pointer above stays valid, views do not
  const at = inKernel ? given : pieceBuffer;
  if (!inKernel) k.u8(pieceBuffer, length).set(bytes);
  if (!last) {
    k.exports.b3_piece_cv(at, index, wordsBuffer);
    return new Uint32Array(k.u8(wordsBuffer, 32).slice().buffer);
  }
  k.exports.b3_last_piece(at, length, index, wordsBuffer);
  const n = k.i32(wordsBuffer, 1)[0];
  return new Uint32Array(k.u8(wordsBuffer, 4 * (1 + 8 * n + 28)).slice().buffer);
}

/** The content hash from every piece's share, in file order (the last piece's record last). */
export function contentHashOfPieces(pieces: readonly Uint32Array[]): string {
  if (pieces.length === 0) throw new RangeError('no pieces');
  const k = kernels();
  const cvs = k.alloc(32 * Math.max(1, pieces.length - 1));
  const last = k.alloc(4 * LAST_WORDS);
  const out = k.alloc(32);
  try {
    const words = k.i32(cvs, 8 * (pieces.length - 1));
    pieces.slice(0, -1).forEach((cv, i) => words.set(new Int32Array(cv.buffer, cv.byteOffset, 8), 8 * i));
    const record = pieces[pieces.length - 1];
    k.i32(last, record.length).set(new Int32Array(record.buffer, record.byteOffset, record.length));
    k.exports.b3_finish(cvs, pieces.length - 1, last, out);
    return Array.from(k.u8(out, 8), (b) => b.toString(16).padStart(2, '0')).join('');
  } finally {
    k.exports.free(cvs);
    k.exports.free(last);
    k.exports.free(out);
  }
}

/** The content hash of bytes fed in order, in pieces of any size. */
export function createContentHasher(): { update(bytes: Uint8Array): void; digestHex16(): string } {
  const pieces: Uint32Array[] = [];
  // The current piece's bytes: a piece is hashed once a byte beyond it shows it is not the last.
  const buffer = new Uint8Array(HASH_PIECE_BYTES);
  let fill = 0;
  return {
    update(bytes) {
      let at = 0;
      while (at < bytes.length) {
        if (fill === HASH_PIECE_BYTES) {
          pieces.push(hashPiece(buffer, pieces.length, false));
          fill = 0;
        }
        const n = Math.min(bytes.length - at, HASH_PIECE_BYTES - fill);
        buffer.set(bytes.subarray(at, at + n), fill);
        fill += n;
        at += n;
      }
    },
    digestHex16() {
      return contentHashOfPieces([...pieces, hashPiece(buffer.subarray(0, fill), pieces.length, true)]);
    },
  };
}
