import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createHasher, hashBlob } from '../../../workers/core-io';
import { createContentHasher } from '../../../src/core/hash';
import { mulberry32 as rng } from '../../../src/core/dsp/rng';

/** The page's content hash must be the CLI's: the first 16 hex digits of SHA-256 over the bytes. */
describe('the page hasher', () => {
  const r = rng(9);
  const bytes = Uint8Array.from({ length: (1 << 20) * 2 + 12_345 }, () => Math.floor(r() * 256));
  const expected = bytesToHex(sha256(bytes)).slice(0, 16);

  it('hashes a Blob across its 1 MiB reads as SHA-256 does', async () => {
    const fractions: number[] = [];
    expect(await hashBlob(new Blob([bytes]), (f) => fractions.push(f))).toBe(expected);
    expect(fractions.at(-1)).toBe(1);
    expect(await hashBlob(new Blob([]))).toBe(bytesToHex(sha256(new Uint8Array(0))).slice(0, 16));
  });

  it('gives the core hasher digest for pieces of any size', async () => {
    const h = await createHasher();
    const core = createContentHasher();
    for (let i = 0; i < bytes.length; ) {
      const end = Math.min(bytes.length, i + 1 + Math.floor(r() * 300_000));
      h.update(bytes.subarray(i, end));
      core.update(bytes.subarray(i, end));
      i = end;
    }
    expect(h.digestHex16()).toBe(expected);
    expect(core.digestHex16()).toBe(expected);
  });
});
