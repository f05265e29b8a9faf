import { describe, expect, it } from 'vitest';
import { effectiveBandwidth, longTermSpectrum } from '../../../src/core/bandwidth/bandwidth';
import { deriveFrameMeasurements } from '../../../src/core/frames/derive';
import { fixture, table, toneBursts, whiteNoise, scaled } from '../frames/signals';

const SMOOTH_HZ = 60;

describe('effective bandwidth', () => {
  it('reads a (faded) tone burst at f as f, plus the Hann main lobe and side lobes down to −50 dB', () => {
    for (const [sr, f] of [
      [8000, 2500],
      [16000, 1000],
      [16000, 6000],
      [44100, 5000],
      [48000, 1000],
    ] as const) {
      const t = table([toneBursts(sr, 4, [[0.5, 1.5], [2, 3]], f, 0.5, 0.02)], sr);
      const bw = deriveFrameMeasurements(t).bandwidth;
      // Hann side lobes fall below −50 dB about 5.5 bins from the peak; smoothing adds ±60 Hz.
      const binHz = t.spectrum.binHz;
      expect(bw.effectiveHz).toBeGreaterThanOrEqual(f);
      expect(bw.effectiveHz).toBeLessThanOrEqual(f + 6 * binHz + SMOOTH_HZ);
      expect(bw.fractionOfNyquist).toBeCloseTo((bw.effectiveHz as number) / (sr / 2), 12);
    }
  });

  it('reads a flat multi-tone spectrum up to 3 kHz as ≈ 3 kHz', () => {
    const sr = 16000;
    const x = new Float32Array(sr * 4);
    let phase = 1;
    for (let f = 100; f <= 3000; f += 50) {
      phase = (phase * 7.1) % (2 * Math.PI);
      for (let i = 0; i < x.length; i++) x[i] += 0.01 * Math.sin((2 * Math.PI * f * i) / sr + phase);
    }
    // Speech-like on/off envelope (1 s on, 1 s off, 20 ms raised-cosine fades) so the VAD finds
    // "speech" frames without an abrupt onset splattering energy across the spectrum.
    for (let i = 0; i < x.length; i++) {
      const s = i / sr;
      const on = (s >= 1 && s < 2) || (s >= 3 && s < 4);
      const edge = Math.min(Math.abs(s - Math.floor(s)), Math.abs(Math.ceil(s) - s));
      x[i] *= on ? (edge < 0.02 ? 0.5 - 0.5 * Math.cos((Math.PI * edge) / 0.02) : 1) : 0;
    }
    const t = table([x], sr);
    const bw = deriveFrameMeasurements(t).bandwidth.effectiveHz as number;
    expect(bw).toBeGreaterThanOrEqual(3000);
    expect(bw).toBeLessThanOrEqual(3000 + 6 * t.spectrum.binHz + SMOOTH_HZ);
  });

  it('white noise fills the band: effective bandwidth at Nyquist', () => {
    const sr = 16000;
    const x = scaled(whiteNoise(sr * 6, 3), 0.1);
    for (let i = 0; i < x.length; i++) if (Math.floor(i / sr) % 2 === 0) x[i] = 0;
    const bw = deriveFrameMeasurements(table([x], sr)).bandwidth;
    expect(bw.effectiveHz).toBeGreaterThan(7800);
    expect(bw.fractionOfNyquist).toBeGreaterThan(0.97);
  });

  it('real speech: 8 kHz upsampled to 48 kHz reads 3.5–4.3 kHz, native 16 kHz reads ≥ 7 kHz', () => {
    const up = fixture('generated/upsampled-8k-to-48k.wav');
    const upBw = deriveFrameMeasurements(table([up.samples], up.sampleRateHz)).bandwidth;
    expect(upBw.effectiveHz).toBeGreaterThanOrEqual(3500);
    expect(upBw.effectiveHz).toBeLessThanOrEqual(4300);
    const native = fixture('generated/clean-16k-mono.wav');
    const nBw = deriveFrameMeasurements(table([native.samples], native.sampleRateHz)).bandwidth;
    expect(nBw.effectiveHz).toBeGreaterThanOrEqual(7000);
  });

  it('has no answer without speech-level frames', () => {
    const t = table([new Float32Array(16000)], 16000);
    expect(effectiveBandwidth(t.spectrum, 16000, null)).toEqual({ effectiveHz: null, fractionOfNyquist: null });
    expect(longTermSpectrum(t.spectrum, -200)).toBeNull();
  });
});
