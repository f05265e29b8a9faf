import { describe, expect, it } from 'vitest';
import { createZeroRuns } from '../../../src/core/dropouts/zero-runs';

const sr = 16000;
function sine(seconds: number, amplitude = 0.5, freqHz = 220): Float32Array {
  const x = new Float32Array(Math.round(seconds * sr));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sr + 0.3);
  return x;
}

function run(x: Float32Array, chunk: number) {
  const acc = createZeroRuns(sr, 1);
  for (let i = 0; i < x.length; i += chunk) acc.push([x.subarray(i, i + chunk)]);
  return acc.finish();
}

describe('zero runs', () => {
  it('finds a 20 ms hole cut into a sine, with abrupt edges, at the right time', () => {
    const x = sine(1);
    x.fill(0, 8000, 8320); // 20 ms at 0.5 s
    for (const chunk of [1, 333, 4096]) {
      const r = run(x, chunk);
      expect(r.runs).toHaveLength(1);
      expect(r.runs[0].startSec).toBeCloseTo(0.5, 6);
      expect(r.runs[0].durationSec).toBeCloseTo(0.02, 6);
      // A sine cut at a random phase: |x| / RMS is between 0 and √2; here the phase gives > 0.3.
      expect(Math.max(r.runs[0].abruptnessBefore, r.runs[0].abruptnessAfter)).toBeGreaterThan(0.3);
    }
  });

  it('reads a faded-out gap as gentle', () => {
    const x = sine(1);
    // 30 ms fade to zero, 20 ms of zeros, 30 ms fade in.
    const fade = 480;
    for (let i = 0; i < fade; i++) {
      x[8000 - fade + i] *= 1 - i / fade;
      x[8320 + i] *= i / fade;
    }
    x.fill(0, 8000, 8320);
    const r = run(x, 1024);
    const gap = r.runs.find((g) => g.durationSec > 0.015);
    expect(gap).toBeDefined();
    expect(gap!.abruptnessBefore).toBeLessThan(0.15);
    expect(gap!.abruptnessAfter).toBeLessThan(0.15);
  });

  it('ignores zero crossings and runs shorter than 2 ms, and trailing silence', () => {
    const x = new Float32Array(sr);
    x.set(sine(0.5));
    x.fill(0, 4000, 4016); // 1 ms
    const r = run(x, 500);
    expect(r.runs).toHaveLength(0);
  });

  it('counts a frame as zero only when every channel is: cancelling stereo is signal, a hole in both is not', () => {
    const left = sine(1);
    const right = left.map((v) => -v); // phase-inverted: the channels sum to exactly 0
    right.fill(0, 8000, 8320);
    left.fill(0, 8000, 8320); // and a real 20 ms hole in both
    for (const channels of [2, 3]) {
      const acc = createZeroRuns(sr, channels);
      const planes = channels === 2 ? [left, right] : [left, right, new Float32Array(left.length)];
      for (let i = 0; i < left.length; i += 4096) acc.push(planes.map((p) => p.subarray(i, i + 4096)));
      const r = acc.finish();
      expect(r.runs).toHaveLength(1);
      expect(r.runs[0].startSec).toBeCloseTo(0.5, 6);
      expect(r.runs[0].durationSec).toBeCloseTo(0.02, 6);
    }
  });

  it('two equal channels read as the one channel, however chunked: the stereo scan and its partial mix (holes, NaN, on mix-block edges)', () => {
    const x = sine(3, 0.4, 173);
    // Holes of 3–40 ms, some across or right at the 1024-frame blocks the stereo mix is made in,
    // one with NaN and ±∞ inside (they count as 0), one reaching a chunk's end.
    for (const [at, ms] of [[1020, 5], [2048, 3], [9000, 40], [20470, 12], [33000, 8], [47000, 20]]) x.fill(0, at, at + (ms * sr) / 1000);
    x[9100] = NaN;
    x[9200] = Infinity;
    x[9300] = -Infinity;
    const mono = run(x, 4096);
    expect(mono.runs).toHaveLength(6);
    for (const chunk of [1, 777, 1024, 4096, 65536]) {
      const acc = createZeroRuns(sr, 2);
      for (let i = 0; i < x.length; i += chunk) acc.push([x.subarray(i, i + chunk), x.subarray(i, i + chunk)]);
      expect(acc.finish()).toEqual(mono);
    }
  });
});

