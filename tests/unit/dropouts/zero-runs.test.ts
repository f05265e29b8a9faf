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

  it('skips zeros in the kernels as the sample-by-sample loop would: quiet 16-bit noise full of isolated zeros and short runs, holes, NaN, runs across chunks; one sample per push gives the same runs as any chunking, mono, stereo and 3 channels', () => {
    // ±1-2 LSB noise (a third of its samples exactly 0, runs of 2–20 zeros) with speech-like
    // bursts, holes of 1–60 ms (some just under and over the 2 ms minimum: 32 samples), NaN.
    let s = 12345;
    const r = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const x = new Float32Array(2 * sr);
    for (let i = 0; i < x.length; i++) {
      const burst = Math.floor(i / 4000) % 2 === 1 ? 0.3 * Math.sin(i / 7) : 0;
      x[i] = burst + Math.round((r() - 0.5) * 3.2) / 32768;
    }
    for (const [at, len] of [[1000, 31], [2000, 32], [3000, 33], [7999, 400], [12000, 960], [20003, 64], [25000, 17]]) {
      x.fill(0, at, at + len);
      x[at - 1] = x[at + len] = 1 / 32768; // the hole's own length, not joined to the noise's zeros
    }
    x[12100] = NaN;
    x[20030] = Infinity;
    const runsOf = (channels: number, chunk: number) => {
      const acc = createZeroRuns(sr, channels);
      for (let i = 0; i < x.length; i += chunk) acc.push(Array.from({ length: channels }, () => x.subarray(i, i + chunk)));
      return acc.finish();
    };
    const reference = runsOf(1, 1);
    // The holes of 2 ms or more, and no run made of the noise's short ones.
    expect(reference.runs.map((z) => Math.round(z.startSec * sr))).toEqual([2000, 3000, 7999, 12000, 20003]);
    for (const channels of [1, 2, 3]) {
      for (const chunk of channels === 1 ? [3, 1000, 4096, 65536] : [1, 4096]) expect(runsOf(channels, chunk), `${channels} ch, ${chunk}`).toEqual(reference);
    }
  });
});
