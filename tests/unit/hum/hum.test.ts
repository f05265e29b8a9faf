import { describe, expect, it } from 'vitest';
import { createHumAnalysis } from '../../../src/core/hum/hum';

function noise(length: number, amplitude: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    x[i] = amplitude * (s / 2 ** 32 - 0.5) * 2;
  }
  return x;
}

function addSine(x: Float32Array, sampleRateHz: number, freqHz: number, amplitude: number): void {
  for (let i = 0; i < x.length; i++) x[i] += amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRateHz);
}

function run(x: Float32Array, sampleRateHz: number, chunk = 4096) {
  const hum = createHumAnalysis(sampleRateHz, 1);
  for (let i = 0; i < x.length; i += chunk) hum.push([x.subarray(i, i + chunk)]);
  return hum.finish();
}

describe('mains hum', () => {
  const sr = 16000;
  it('finds a 50 Hz line in noise and measures its level', () => {
    const x = noise(sr * 20, 0.05, 1);
    addSine(x, sr, 50, 0.01); // −43 dBFS RMS
    const r = run(x, sr);
    expect(r.mainsHz).toBe(50);
    expect(r.prominenceDb).toBeGreaterThan(15);
    const fundamental = r.lines.find((l) => l.frequencyHz === 50);
    expect(fundamental?.levelDbfs).toBeCloseTo(20 * Math.log10(0.01 / Math.SQRT2), 0);
  });

  it('tells 60 Hz from 50 Hz, including a hum that is mostly the second harmonic', () => {
    const x = noise(sr * 20, 0.05, 2);
    addSine(x, sr, 120, 0.01);
    addSine(x, sr, 60, 0.003);
    const r = run(x, sr, 1000);
    expect(r.mainsHz).toBe(60);
    expect(r.prominenceDb).toBeGreaterThan(15);
  });

  it('stays low on white noise alone', () => {
    const r = run(noise(sr * 20, 0.1, 3), sr);
    expect(r.prominenceDb).toBeLessThan(6);
  });

  it('does not depend on chunking', () => {
    const x = noise(sr * 9, 0.05, 4);
    addSine(x, sr, 50, 0.02);
    const a = run(x, sr, 4096);
    const b = run(x, sr, 777);
    expect(b.prominenceDb).toBe(a.prominenceDb); // the decimated blocks are the same bits
  });
});
