/**
 * The kernels' memory is capped at 2 GiB, and what the analysis holds there grows only with the
 * recording's length. A recording that needs more gets `too-long` (exit 16 in the CLI, "Too long
 * to analyse here" on the page), with nothing left broken: once the memory is free again, the next
 * file is analysed. (This file runs alone in its worker: it grows the kernel memory to ~2 GiB,
 * which never shrinks; the memory is reserved, not touched.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeAnalysisThreads } from '../../../src/cli/parallel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernels } from '../../../src/core/kernels/runtime';
import { analyzeFile } from '../../../src/cli/analyze-file';
import { EXIT_CODES } from '../../../src/cli/run';

function wav16(samples: Float32Array, sampleRateHz: number): Uint8Array {
  const data = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) data[i] = Math.round(samples[i] * 32767);
  const out = new Uint8Array(44 + data.byteLength);
  const v = new DataView(out.buffer);
  const text = (at: number, s: string): void => s.split('').forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  v.setUint32(4, 36 + data.byteLength, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, sampleRateHz, true);
  v.setUint32(28, 2 * sampleRateHz, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  text(36, 'data');
  v.setUint32(40, data.byteLength, true);
  out.set(new Uint8Array(data.buffer), 44);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'apl-oom-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeAnalysisThreads();
});

describe('a recording too long for the kernels\' memory', () => {
  it('is a too-long failure with its own message, and the next file is analysed once the memory is free', async () => {
    const sr = 16000;
    // 4 minutes: long enough to be cut into a segment per thread (two 102.4 s cells).
    const x = new Float32Array(240 * sr);
    for (let i = 0; i < x.length; i++) x[i] = (Math.floor(i / sr) % 2 === 0 ? 0.3 : 0.001) * Math.sin((2 * Math.PI * 220 * i) / sr);
    const file = join(dir, 'speechlike.wav');
    writeFileSync(file, wav16(x, sr));
    const before = await analyzeFile(file, { threads: 1 });
    expect(before.ok).toBe(true);
    const split = await analyzeFile(file, { threads: 2 });
    expect(split.ok).toBe(true);
    if (split.ok && before.ok) expect(split.value).toEqual(before.value);

    // Fill the kernel memory to within 1 MB of its 2 GiB (malloc reserves; nothing is touched).
    const k = kernels();
    const hog: number[] = [];
    for (let size = 1 << 30; size >= 1 << 20; ) {
      try {
        hog.push(k.allocUnzeroed(size));
      } catch {
        size /= 2;
      }
    }
    // One pass, and split across threads (the main thread's realm is the full one).
    for (const threads of [1, 2]) {
      const failed = await analyzeFile(file, { threads });
      expect(failed.ok, `${threads} threads`).toBe(false);
      if (!failed.ok) {
        expect(failed.error.code).toBe('too-long');
        expect(failed.error.message).toMatch(/^This recording is too long to analyse here: the analysis ran out of its 2 GiB of working memory/);
        expect(EXIT_CODES[failed.error.code]).toBe(16);
      }
    }

    for (const ptr of hog) k.exports.free(ptr);
    for (const threads of [1, 2]) {
      const after = await analyzeFile(file, { threads });
      expect(after.ok).toBe(true);
      if (after.ok && before.ok) expect(after.value).toEqual(before.value);
    }
  });
});
