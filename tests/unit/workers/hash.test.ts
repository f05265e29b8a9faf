import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { openAsBlob, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashBlob, pieceDigest, readWav } from '../../../workers/core-io';
import { createContentHasher, HASH_PIECE_BYTES } from '../../../src/core/hash';
import { createNodeContentHasher } from '../../../src/node/hash';
import { encodeWav } from '../../../src/core/format/wav-encode';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';

/** The definition, written out: SHA-256 over the SHA-256 digests of the 16 MiB pieces. */
function byDefinition(bytes: Uint8Array): string {
  const outer = createHash('sha256');
  for (let at = 0; at < bytes.length || at === 0; at += HASH_PIECE_BYTES) {
    outer.update(createHash('sha256').update(bytes.subarray(at, at + HASH_PIECE_BYTES)).digest());
    if (bytes.length === 0) break;
  }
  return outer.digest('hex').slice(0, 16);
}

/** The page's content hash must be the CLI's, whoever reads the file and however it is cut. */
describe('the content hash', () => {
  const r = rng(9);
  const bytes = Uint8Array.from({ length: 2 * HASH_PIECE_BYTES + 12_345 }, () => Math.floor(r() * 256));
  const expected = byDefinition(bytes);

  it('is SHA-256 over the pieces’ digests: the core hasher (noble and Node streams) for updates of any size', () => {
    const noble = createContentHasher();
    const node = createNodeContentHasher();
    for (let i = 0; i < bytes.length; ) {
      const end = Math.min(bytes.length, i + 1 + Math.floor(r() * 5_000_000));
      noble.update(bytes.subarray(i, end));
      node.update(bytes.subarray(i, end));
      i = end;
    }
    expect(noble.digestHex16()).toBe(expected);
    expect(node.digestHex16()).toBe(expected);
    const one = createContentHasher();
    one.update(bytes.subarray(0, HASH_PIECE_BYTES));
    expect(one.digestHex16()).toBe(byDefinition(bytes.subarray(0, HASH_PIECE_BYTES)));
  });

  it('is the same from the page’s readers: a Blob hashed piece by piece, a WAV read for analysis', async () => {
    const fractions: number[] = [];
    expect(await hashBlob(new Blob([bytes]), (f) => fractions.push(f))).toBe(expected);
    expect(fractions.at(-1)).toBe(1);
    expect(await hashBlob(new Blob([]))).toBe(byDefinition(new Uint8Array(0)));
    expect(await pieceDigest(bytes.subarray(0, 1000))).toEqual(new Uint8Array(createHash('sha256').update(bytes.subarray(0, 1000)).digest()));
    // A WAV of two pieces and a bit (48 kHz stereo 16-bit, 180 s), read through the decoder.
    const dir = mkdtempSync(join(tmpdir(), 'apl-hash-'));
    try {
      const n = 48000 * 180;
      const wav = encodeWav([Float32Array.from({ length: n }, (_, i) => Math.sin(i / 7) * 0.3), new Float32Array(n)], 48000, 'pcm16');
      const path = join(dir, 'x.wav');
      writeFileSync(path, wav);
      const read = await readWav(await openAsBlob(path));
      if (!read.ok) throw new Error(read.error.message);
      let frames = 0;
      for await (const c of read.value.chunks) frames += c.channels[0].length;
      expect(frames).toBe(n);
      expect(await read.value.contentHash()).toBe(byDefinition(wav));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
