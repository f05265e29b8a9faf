/**
 * finishSpectrogram's loudest value and 0..255 levels run in the kernels (spectro-out.c); the
 * TypeScript they replaced is kept here as the reference, and the kernels must give its bytes:
 * values at the floor, at the top, between, exactly half-way between two levels, NaN and ±∞.
 */
import { describe, expect, it } from 'vitest';
import { finishSpectrogram, type SpectrogramPartial } from '../../../src/core/display/spectrogram';

function reference(db: Float32Array[], frames: number, binCount: number, rangeDb: number): { topDb: number | null; channels: Uint8Array[] } {
  let top = -Infinity;
  for (const d of db) for (let i = 0; i < frames * binCount; i++) if (d[i] > top) top = d[i];
  const topDb = Number.isFinite(top) ? top : null;
  const channels = db.map((d) => {
    const q = new Uint8Array(frames * binCount);
    if (topDb === null) return q;
    for (let i = 0; i < q.length; i++) {
      const v = ((d[i] - (topDb - rangeDb)) / rangeDb) * 255;
      q[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
    return q;
  });
  return { topDb, channels };
}

function partial(db: Float32Array[], firstFrame: number, frameCount: number, binCount: number, rangeDb: number): SpectrogramPartial {
  return { sampleRateHz: 16000, fftSize: 512, hopSamples: 160, binCount, binHz: 31.25, rangeDb, firstFrame, frameCount, db };
}

describe('finishSpectrogram levels (kernels)', () => {
  it('gives the reference bytes, over two segments, for every kind of value', () => {
    const binCount = 37;
    const frames = [211, 150];
    const rangeDb = 90;
    let seed = 99;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const top = -3.25;
    const make = (count: number): Float32Array =>
      Float32Array.from({ length: count * binCount }, (_, i) => {
        const r = rnd();
        if (i % 97 === 0) return NaN;
        if (i % 89 === 0) return -Infinity;
        if (i % 83 === 0) return top - rangeDb; // the floor
        if (i % 79 === 0) return top - rangeDb - 1; // below it
        if (i % 73 === 0) return top - rangeDb + ((Math.floor(r * 255) + 0.5) * rangeDb) / 255; // near a half-way point
        return top - rangeDb * 1.2 * r;
      });
    const segs = frames.map((count) => [make(count), make(count)]);
    segs[1][1][5] = top; // the loudest value, in the second segment's second channel
    const parts = [partial(segs[0], 0, frames[0], binCount, rangeDb), partial(segs[1], frames[0], frames[1], binCount, rangeDb)];
    const whole = [0, 1].map((c) => Float32Array.from([...segs[0][c], ...segs[1][c]]));
    const want = reference(whole, frames[0] + frames[1], binCount, rangeDb);
    const got = finishSpectrogram(parts);
    expect(want.topDb).toBe(Math.fround(top));
    expect(got.topDb).toBe(want.topDb);
    expect(got.channels).toEqual(want.channels);
    // Every level was reached somewhere (the test covers the whole range), 0 and 255 included.
    expect(new Set(got.channels.flatMap((q) => Array.from(q))).size).toBeGreaterThan(200);
  });

  it('rounds half-way values up, as Math.round', () => {
    // With a 255 dB range a level is 1 dB: −254.5 dB below a top of 0 is level 0.5 exactly.
    const db = [Float32Array.from([0, -254.5, -127.5, -0.5, -1.5, -255, -256])];
    const got = finishSpectrogram([partial(db, 0, 1, 7, 255)]);
    expect(Array.from(got.channels[0])).toEqual([255, 1, 128, 255, 254, 0, 0]);
    expect(got.channels).toEqual(reference(db, 1, 7, 255).channels);
  });

  it('has no top when nothing is finite, and levels of 0 then; an empty spectrogram stays empty', () => {
    const allNaN = [Float32Array.from({ length: 12 }, (_, i) => (i % 2 ? NaN : -Infinity))];
    const got = finishSpectrogram([partial(allNaN, 0, 3, 4, 90)]);
    expect(got.topDb).toBeNull();
    expect(got.channels).toEqual([new Uint8Array(12)]);
    const empty = finishSpectrogram([partial([new Float32Array(0)], 0, 0, 4, 90)]);
    expect(empty.topDb).toBeNull();
    expect(empty.channels).toEqual([new Uint8Array(0)]);
  });
});
