import { describe, expect, it } from 'vitest';
import { activeSpeechSnr } from '../../../src/core/snr/active-snr';
import { runVad } from '../../../src/core/vad/vad';
import { add, rms, scaled, speechInSilence, table, toneBursts, whiteNoise, pinkNoise } from '../frames/signals';

function snrOf(x: Float32Array, sr: number): ReturnType<typeof activeSpeechSnr> {
  const t = table([x], sr);
  return activeSpeechSnr(t, runVad(t).decisions);
}

describe('active-speech SNR', () => {
  it('measures tone bursts over white noise at a known SNR', () => {
    const sr = 16000;
    const A = 0.1; // tone power A²/2 = 0.005
    for (const snr of [0, 10, 20]) {
      const sigma = Math.sqrt((A * A) / 2 / 10 ** (snr / 10));
      const x = add(toneBursts(sr, 12, [[1, 3], [5, 6], [8, 11]], 700, A), scaled(whiteNoise(sr * 12, snr + 1), sigma));
      const r = snrOf(x, sr);
      // Padding puts ~0.1 s of noise per segment into the speech frames: (Ps − Pn) drops ≤ 0.1 dB.
      expect(Math.abs((r.db as number) - snr)).toBeLessThan(0.5);
      expect(r.noiseIsDigitalSilence).toBe(false);
      expect(r.noiseDbfs).toBeCloseTo(10 * Math.log10(sigma * sigma), 0);
    }
  });

  it('measures real speech over white and pink noise within 1.5 dB at 5–20 dB', () => {
    const s = speechInSilence('speech/librivox/sense_and_sensibility_01_austen_64kb-0870.wav', 1.5, 1.5);
    // The whole reading, its pauses included, around its mean: this LibriVox file carries
    // 6.7e-3 of DC, which is neither speech nor noise (the frame powers take the DC out too).
    let mean = 0;
    for (let i = s.start; i < s.end; i++) mean += s.samples[i] / (s.end - s.start);
    const speechRms = Math.sqrt(Math.max(0, rms(s.samples, s.start, s.end) ** 2 - mean * mean));
    for (const [kind, snr] of [['white', 20], ['pink', 10], ['white', 5]] as const) {
      const n = kind === 'white' ? whiteNoise(s.samples.length, snr) : pinkNoise(s.samples.length, snr);
      const k = speechRms / 10 ** (snr / 20) / rms(n);
      const r = snrOf(add(s.samples, scaled(n, k)), s.sampleRateHz);
      expect(Math.abs((r.db as number) - snr)).toBeLessThan(1.5);
    }
  });

  it('reports the 60 dB cap when the pauses are exact digital silence', () => {
    const t = table([toneBursts(16000, 4, [[1, 2]], 1000, 0.3)], 16000);
    const decisions = runVad(t).decisions;
    const r = activeSpeechSnr(t, decisions);
    expect(r.db).toBe(60);
    expect(r.noiseIsDigitalSilence).toBe(true);
    expect(r.noiseDbfs).toBeNull();
    // A few non-zero hops among the silent ones (a decay tail) do not make it "noise".
    const tail = toneBursts(16000, 4, [[1, 2]], 1000, 0.3);
    tail[Math.round(2.5 * 16000)] = 1e-4;
    expect(snrOf(tail, 16000).noiseIsDigitalSilence).toBe(true);
    // Speech frames = the 1 s tone plus its padding, which is silent: power diluted accordingly.
    const speechSec = decisions.reduce((a, d) => a + d, 0) * t.hopSec;
    expect(r.speechDbfs).toBeCloseTo(10 * Math.log10((0.3 * 0.3) / 2 / speechSec), 2);
  });

  it('leaves spliced-in digital silence out of the noise: padding a file does not change its SNR', () => {
    const sr = 16000;
    const A = 0.1;
    const sigma = Math.sqrt((A * A) / 2 / 10); // 10 dB
    const x = add(toneBursts(sr, 6, [[1, 2.5], [3.5, 5]], 700, A), scaled(whiteNoise(sr * 6, 12), sigma));
    const padded = new Float32Array(x.length + 4 * sr);
    padded.set(x, 2 * sr);
    // Decisions = the bursts themselves, so this checks the SNR rule, not the VAD.
    const decide = (t: ReturnType<typeof table>, offsetSec: number): Uint8Array => {
      const d = new Uint8Array(t.frameCount);
      for (const [a, b] of [[1, 2.5], [3.5, 5]]) d.fill(1, Math.round((a + offsetSec) / t.hopSec), Math.round((b + offsetSec) / t.hopSec));
      return d;
    };
    const ta = table([x], sr);
    const tb = table([padded], sr);
    const a = activeSpeechSnr(ta, decide(ta, 0));
    const b = activeSpeechSnr(tb, decide(tb, 2));
    expect(Math.abs((a.db as number) - 10)).toBeLessThan(0.3);
    expect(Math.abs((b.db as number) - (a.db as number))).toBeLessThan(0.05);
    expect(b.noiseDbfs).toBeCloseTo(a.noiseDbfs as number, 1);
  });

  it('caps very clean recordings at 60 dB and has no answer without pauses or without speech', () => {
    const sr = 16000;
    const clean = add(toneBursts(sr, 4, [[1, 2]], 1000, 0.5), scaled(whiteNoise(sr * 4, 2), 1e-6));
    expect(snrOf(clean, sr).db).toBe(60);
    expect(snrOf(clean, sr).noiseIsDigitalSilence).toBe(false);
    const t = table([clean], sr);
    expect(activeSpeechSnr(t, new Uint8Array(t.frameCount).fill(1)).db).toBeNull();
    expect(activeSpeechSnr(t, new Uint8Array(t.frameCount)).db).toBeNull();
  });
});
