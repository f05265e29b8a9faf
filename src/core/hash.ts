/**
 * The content hash that stands in for a file's name in the summary: the first 16 hex digits of
 * SHA-256 over the SHA-256 digests of the file's consecutive 16 MiB pieces (the last one shorter;
 * a file of 16 MiB or less is one piece). One level of tree, so a long file can be hashed piece
 * by piece by several threads or workers — the page hands each piece to the browser's native
 * SHA-256 (crypto.subtle), the CLI to Node's — and every reader, however it splits the file,
 * gives the same digest. From a shell:
 *   split -b 16M -d rec.wav p. && for f in p.*; do sha256sum "$f" | cut -c1-64 | tr a-f A-F | basenc --base16 -d; done | sha256sum | cut -c1-16
 * (an empty file is one empty piece).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export const HASH_PIECE_BYTES = 16 * 1024 * 1024;

/** A streaming SHA-256 (noble's by default; Node's crypto in the CLI, ~10× faster). */
export interface Sha256Stream {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

const nobleStream = (): Sha256Stream => sha256.create();

/** The content hash from the pieces' digests, in file order. */
export function contentHashOfPieces(digests: readonly Uint8Array[]): string {
  const all = new Uint8Array(32 * digests.length);
  digests.forEach((d, i) => all.set(d, 32 * i));
  return bytesToHex(sha256(all)).slice(0, 16);
}

/** The content hash of bytes fed in order, in pieces of any size. */
export function createContentHasher(newStream: () => Sha256Stream = nobleStream): { update(bytes: Uint8Array): void; digestHex16(): string } {
  const digests: Uint8Array[] = [];
  let piece = newStream();
  let inPiece = 0;
  return {
    update(bytes) {
      let at = 0;
      while (at < bytes.length) {
        const n = Math.min(bytes.length - at, HASH_PIECE_BYTES - inPiece);
        piece.update(at === 0 && n === bytes.length ? bytes : bytes.subarray(at, at + n));
        inPiece += n;
        at += n;
        if (inPiece === HASH_PIECE_BYTES) {
          digests.push(piece.digest());
          piece = newStream();
          inPiece = 0;
        }
      }
    },
    digestHex16() {
      if (inPiece > 0 || digests.length === 0) digests.push(piece.digest());
      inPiece = 0;
      return contentHashOfPieces(digests);
    },
  };
}
