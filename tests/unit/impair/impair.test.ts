import { describe, expect, it } from 'vitest';
import { applyRecipe, validateRecipe } from '../../../src/core/impair/recipe';
import { IMPAIRMENTS } from '../../../src/core/impair/registry';
import { activeLevelRms } from '../../../src/core/impair/level';
import { resampleChannel } from '../../../src/core/dsp/resample';
import { whiteNoise } from '../../../src/core/dsp/noise';
import { createPowerSpectrum } from '../../../src/core/dsp/fft';
import type { PcmAudio } from '../../../src/core/types';
import type { Recipe } from '../../../src/core/impair/types';
import { fixture, sine } from '../frames/signals';

const speech = (): PcmAudio => {
  const f = fixture('speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav');
  return { sampleRateHz: f.sampleRateHz, channels: [f.samples] };
};
const one = (audio: PcmAudio, id: string, params: Record<string, number | string> = {}, seed = 1): PcmAudio =>
  applyRecipe(audio, { seed, steps: [{ id, params }] });
const rms = (x: Float32Array): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
const db = (x: number): number => 20 * Math.log10(x);

describe('impairments', () => {
  it('every impairment has a description and defaults inside its own ranges', () => {
    for (const imp of IMPAIRMENTS) {
      expect(imp.description.length).toBeGreaterThan(20);
      expect(validateRecipe({ seed: 1, steps: [{ id: imp.id }] })).toEqual([]);
    }
  });

  it('recipes are deterministic per seed, never touch the input, and reject bad steps clearly', () => {
    const a = speech();
    const copy = a.channels[0].slice();
    const recipe: Recipe = { seed: 7, steps: [{ id: 'add-noise', params: { snrDb: 10, kind: 'babble' } }, { id: 'packet-loss', params: { lossPercent: 5 } }] };
    const x = applyRecipe(a, recipe).channels[0];
    const y = applyRecipe(a, recipe).channels[0];
    expect(Buffer.from(x.buffer).equals(Buffer.from(y.buffer))).toBe(true);
    expect(applyRecipe(a, { ...recipe, seed: 8 }).channels[0]).not.toEqual(x);
    expect(a.channels[0]).toEqual(copy);
    expect(validateRecipe({ seed: 1, steps: [{ id: 'nope' }, { id: 'gain', params: { gainDb: 99 } }, { id: 'add-noise', params: { kind: 'brown' } }] })).toEqual([
      'step 1: unknown impairment "nope"',
      'step 2 (gain): gainDb must be a number in [-120, 40] dB',
      'step 3 (add-noise): kind must be one of white, pink, babble',
    ]);
    expect(() => applyRecipe(a, { seed: 1, steps: [{ id: 'nope' }] })).toThrow(RangeError);
  });

  it('gain, DC and clipping are exact', () => {
    const a = { sampleRateHz: 16000, channels: [sine(16000, 1, 440, 0.5)] };
    expect(db(rms(one(a, 'gain', { gainDb: -30 }).channels[0]) / rms(a.channels[0]))).toBeCloseTo(-30, 5);
    const dc = one(a, 'dc-offset', { offset: 0.05 }).channels[0];
    expect(dc.reduce((s, v) => s + v, 0) / dc.length).toBeCloseTo(0.05, 5);
    const clipped = one(a, 'hard-clip', { driveDb: 12 }).channels[0];
    expect(Math.max(...clipped.map(Math.abs))).toBe(1);
    const flat = one(a, 'clip-then-attenuate', { driveDb: 12, attenuationDb: 6 }).channels[0];
    expect(db(Math.max(...flat.map(Math.abs)))).toBeCloseTo(-6, 4);
  });

  it('adds noise at the asked SNR (active speech RMS over noise RMS)', () => {
    const a = speech();
    const speechRms = activeLevelRms(a);
    for (const kind of ['white', 'pink', 'babble']) {
      const out = one(a, 'add-noise', { snrDb: 5, kind }).channels[0];
      const noise = out.map((v, i) => v - a.channels[0][i]);
      expect(Math.abs(db(speechRms / rms(noise)) - 5)).toBeLessThan(0.01);
    }
  });

  it('resamples without changing a tone below the cutoff, and band-limits what is above', () => {
    const x = sine(16000, 1, 1000, 0.5);
    const up = resampleChannel(x, 16000, 48000);
    expect(up.length).toBe(48000);
    // Away from the zero-padded edges the tone keeps its amplitude within 0.01 dB.
    expect(Math.abs(db(rms(up.subarray(4800, 43200)) / rms(x)))).toBeLessThan(0.01);
    // White noise through an 8 kHz leg: above 4.2 kHz at least 60 dB down.
    const a = { sampleRateHz: 48000, channels: [whiteNoise(48000, 3).map((v) => v * 0.1)] };
    const band = one(a, 'band-limit', { viaRateHz: 8000 }).channels[0];
    expect(band.length).toBe(48000);
    const n = 4096;
    const spec = createPowerSpectrum(n);
    const p = new Float64Array(n / 2 + 1);
    const pass = new Float64Array(n / 2 + 1);
    const block = new Float64Array(n);
    for (let off = 8192; off + n <= 40000; off += n) {
      for (let i = 0; i < n; i++) block[i] = band[off + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
      spec.power(block, p);
      for (let k = 0; k < p.length; k++) pass[k] += p[k];
    }
    const binHz = 48000 / n;
    const mean = (lo: number, hi: number): number => {
      let s = 0;
      let c = 0;
      for (let k = Math.ceil(lo / binHz); k <= Math.floor(hi / binHz); k++, c++) s += pass[k];
      return s / c;
    };
    expect(10 * Math.log10(mean(4200, 20000) / mean(500, 3500))).toBeLessThan(-60);
  });

  it('wrong-rate relabels; resample changes the length by the ratio', () => {
    const a = speech();
    expect(one(a, 'wrong-rate', { declaredRateHz: 22050 }).sampleRateHz).toBe(22050);
    const r = one(a, 'resample', { toRateHz: 11000 });
    expect(r.sampleRateHz).toBe(11000);
    expect(r.channels[0].length).toBe(Math.floor((a.channels[0].length * 11000) / 16000));
  });

  it('channel operations', () => {
    const a = speech();
    const inv = one(a, 'channels', { op: 'invert', channel: 1 });
    expect(inv.channels.length).toBe(2);
    expect(inv.channels[1][1234]).toBe(-inv.channels[0][1234]);
    expect(Math.max(...one(a, 'channels', { op: 'kill', channel: 1 }).channels[1].map(Math.abs))).toBe(0);
    const imb = one(a, 'channels', { op: 'imbalance', channel: 0, imbalanceDb: 6 });
    expect(db(rms(imb.channels[0]) / rms(imb.channels[1]))).toBeCloseTo(-6, 4);
    const sw = one(inv, 'channels', { op: 'swap' });
    expect(sw.channels[0]).toEqual(inv.channels[1]);
  });

  it('packet loss drops whole packets at about the asked rate; repeat concealment copies the previous packet', () => {
    const a = { sampleRateHz: 16000, channels: [whiteNoise(16000 * 60, 5).map((v) => v * 0.1)] };
    const out = one(a, 'packet-loss', { frameMs: 20, lossPercent: 10 }, 3).channels[0];
    const frame = 320;
    let lost = 0;
    const packets = Math.floor(out.length / frame);
    for (let k = 0; k < packets; k++) if (out.subarray(k * frame, (k + 1) * frame).every((v) => v === 0)) lost++;
    // 3000 packets at p = 0.1: 3σ ≈ 1.6 % points.
    expect(Math.abs(lost / packets - 0.1)).toBeLessThan(0.016);
    const rep = one(a, 'packet-loss', { frameMs: 20, lossPercent: 10, conceal: 'repeat' }, 3).channels[0];
    const k = Array.from({ length: packets }, (_, i) => i).find((i) => i > 0 && out[i * frame] === 0 && out[i * frame + 1] === 0) as number;
    expect(rep.subarray(k * frame, (k + 1) * frame)).toEqual(rep.subarray((k - 1) * frame, k * frame));
  });

  it('echo adds a delayed, attenuated copy; gaps, trim and padding change the length exactly', () => {
    const imp = new Float32Array(16000);
    imp[100] = 1;
    const e = one({ sampleRateHz: 16000, channels: [imp] }, 'echo', { delayMs: 150, decayDb: -6 }).channels[0];
    expect(e[100 + 2400]).toBeCloseTo(10 ** (-6 / 20), 6);
    const a = speech();
    const n = a.channels[0].length;
    expect(one(a, 'gaps', { count: 4, gapMs: 40 }).channels[0].length).toBe(n + 4 * 640);
    expect(one(a, 'trim', { startSec: 0.5, endSec: 0.25 }).channels[0].length).toBe(n - 8000 - 4000);
    const padded = one(a, 'pad-silence', { leadingSec: 3, trailingSec: 1, noiseDbfs: -120 }).channels[0];
    expect(padded.length).toBe(n + 64000);
    expect(padded.subarray(0, 48000).every((v) => v === 0)).toBe(true);
  });

  it('mains hum lands at the asked level relative to the speech', () => {
    const a = speech();
    const out = one(a, 'mains-hum', { mainsHz: 50, levelDb: -20 }).channels[0];
    const hum = out.map((v, i) => v - a.channels[0][i]);
    expect(db(rms(hum) / activeLevelRms(a))).toBeCloseTo(-20, 1);
  });
});
