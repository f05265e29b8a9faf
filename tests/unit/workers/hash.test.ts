import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashBlob, readWav } from '../../../workers/core-io';
import { contentHashOfPieces, createContentHasher, HASH_PIECE_BYTES, hashPiece, pieceCount } from '../../../src/core/hash';
import { encodeWav } from '../../../src/core/format/wav-encode';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';

const L = HASH_PIECE_BYTES;
const r = rng(9);
const bytes = Uint8Array.from({ length: 3 * L + 1 }, () => Math.floor(r() * 256));

/** `b3sum --no-names | cut -c1-16` of the first n bytes (b3sum 1.2.0, Debian). */
const B3SUM: Array<[number, string]> = [
  [0, 'af1349b9f5f9a1a6'],
  [1, '813e9b729141e7f3'],
  [1023, '0ccd4624b4c3d7fb'],
  [1024, '3ba46e7427edd6e7'],
  [1025, '3469188341c47b77'],
  [4096, 'e9dfa997a281637d'],
  [4097, '79581a7d6147e181'],
  [5000, '918c71f09200bcc1'],
  [L - 1, 'feb8e4595c5ca927'],
  [L, '4537bc1c07d9b555'],
  [L + 1, '6d034355b87d8c0a'],
  [2 * L + 12345, '66d0f6601e5f15b2'],
  [3 * L, '752d7d1b6e142c6a'],
];

/** The hash from its pieces, each hashed on its own (as the page's segment workers do). */
function byPieces(data: Uint8Array): string {
  const n = pieceCount(data.length);
  return contentHashOfPieces(Array.from({ length: n }, (_, j) => hashPiece(data.subarray(j * L, (j + 1) * L), j, j === n - 1)));
}

describe('the content hash is BLAKE3, as b3sum prints it', () => {
  it('matches b3sum at chunk, block and piece edges, streamed in updates of any size and hashed piece by piece', () => {
    for (const [n, expected] of B3SUM) {
      const data = bytes.subarray(0, n);
      const h = createContentHasher();
      for (let i = 0; i < n; ) {
        const end = Math.min(n, i + 1 + Math.floor(r() * 6_000_000));
        h.update(data.subarray(i, end));
        i = end;
      }
      expect(h.digestHex16(), `${n} bytes`).toBe(expected);
      expect(byPieces(data), `${n} bytes by pieces`).toBe(expected);
    }
  });

  const b3sum = spawnSync('b3sum', ['--version']).status === 0;
  it.skipIf(!b3sum)('matches the b3sum installed here on other lengths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apl-b3-'));
    try {
      for (const n of [64, 65, 2048 + 17, L + 4096 * 3 + 5, 2 * L]) {
        const path = join(dir, `${n}.bin`);
        writeFileSync(path, bytes.subarray(0, n));
        const out = spawnSync('b3sum', ['--no-names', path], { encoding: 'utf8' }).stdout.slice(0, 16);
        expect(byPieces(bytes.subarray(0, n)), `${n} bytes`).toBe(out);
      }
      // Deeper trees: 16 MiB and more is 16+ pieces merged above them (xorshift bytes, quick to make).
      let x = 0x9e3779b9;
      const big = new Uint8Array(33 * L + 777);
      for (let i = 0; i < big.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        big[i] = x & 255;
      }
      for (const n of [16 * L, 16 * L + 1, big.length]) {
        const path = join(dir, `big-${n}.bin`);
        writeFileSync(path, big.subarray(0, n));
        const out = spawnSync('b3sum', ['--no-names', path], { encoding: 'utf8' }).stdout.slice(0, 16);
        expect(byPieces(big.subarray(0, n)), `${n} bytes`).toBe(out);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the same from the page’s readers: a Blob hashed piece by piece, a WAV read for analysis', async () => {
    const data = bytes.subarray(0, 2 * L + 12345);
    const fractions: number[] = [];
    expect(await hashBlob(new Blob([data]), (f) => fractions.push(f))).toBe('66d0f6601e5f15b2');
    expect(fractions.at(-1)).toBe(1);
    expect(await hashBlob(new Blob([]))).toBe('af1349b9f5f9a1a6');
    // A WAV of two pieces and a bit (48 kHz stereo 16-bit, 12 s), read through the decoder.
    const dir = mkdtempSync(join(tmpdir(), 'apl-hash-'));
    try {
      const n = 48000 * 12;
      const wav = encodeWav([Float32Array.from({ length: n }, (_, i) => Math.sin(i / 7) * 0.3), new Float32Array(n)], 48000, 'pcm16');
      const path = join(dir, 'x.wav');
      writeFileSync(path, wav);
      const read = await readWav(await openAsBlob(path));
      if (!read.ok) throw new Error(read.error.message);
      let frames = 0;
      for await (const c of read.value.chunks) frames += c.channels[0].length;
      expect(frames).toBe(n);
      const h = createContentHasher();
      h.update(wav);
      expect(await read.value.contentHash()).toBe(h.digestHex16());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
