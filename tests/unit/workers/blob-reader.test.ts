import { describe, expect, it } from 'vitest';
import { blobReader } from '../../../workers/core-io';

describe('blobReader (one byte stream, BYOB reads)', () => {
  // Bytes that say where they are: a misplaced or short read cannot pass.
  const size = 3 * 1024 * 1024 + 12_345;
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 11)) & 0xff);
  const file = new Blob([bytes]);

  it('returns exactly the bytes asked for, in sequence, across chunk boundaries, shorter at the end', async () => {
    const read = blobReader(file);
    const L = 1 << 20;
    const lengths: number[] = [];
    for (let at = 0; at < size; at += L) {
      const got = await read(at, L);
      lengths.push(got.length);
      expect(Buffer.from(got).equals(Buffer.from(bytes.subarray(at, at + got.length)))).toBe(true);
    }
    expect(lengths).toEqual([L, L, L, 12_345]);
    expect((await read(size, L)).length).toBe(0);
  });

  it('serves calls made before the last one resolved in the order made, and jumps to a new offset', async () => {
    const read = blobReader(file);
    // A read's bytes stay valid until the read after next (two buffers take turns).
    const [a, b] = await Promise.all([read(100, 5000), read(5100, 70_000)]);
    expect(Buffer.from(a).equals(Buffer.from(bytes.subarray(100, 5100)))).toBe(true);
    expect(Buffer.from(b).equals(Buffer.from(bytes.subarray(5100, 75_100)))).toBe(true);
    const c = await read(2_000_001, 999);
    expect(Buffer.from(b).equals(Buffer.from(bytes.subarray(5100, 75_100)))).toBe(true);
    expect(Buffer.from(c).equals(Buffer.from(bytes.subarray(2_000_001, 2_001_000)))).toBe(true);
    // Backwards works too (a fresh stream), and a larger read than the buffers so far.
    expect(Buffer.from(await read(7, 9)).equals(Buffer.from(bytes.subarray(7, 16)))).toBe(true);
    expect(Buffer.from(await read(1, size)).equals(Buffer.from(bytes.subarray(1)))).toBe(true);
  });
});
