/** The shared post-processing every engine goes through (src/core/vad-engines/postprocess.ts). */
import { describe, expect, it } from 'vitest';
import { decideFrames, mixDown, monoAt, resolveEngineSettings, segmentsFromDecisions, DEFAULT_POSTPROCESS } from '../../../src/core/vad-engines/postprocess';

describe('decideFrames', () => {
  it('is a plain threshold without an offset threshold', () => {
    expect(Array.from(decideFrames(Float32Array.from([0.1, 0.5, 0.49, 0.9]), 0.5))).toEqual([0, 1, 0, 1]);
  });
  it('holds speech down to the offset threshold (hysteresis)', () => {
    const p = Float32Array.from([0.2, 0.6, 0.4, 0.36, 0.34, 0.45, 0.6]);
    expect(Array.from(decideFrames(p, 0.5, 0.35))).toEqual([0, 1, 1, 1, 0, 0, 1]);
  });
});

describe('resolveEngineSettings', () => {
  it('fills the shared post-processing defaults and the engine default threshold', () => {
    expect(resolveEngineSettings(undefined, 2)).toEqual({ threshold: 2, ...DEFAULT_POSTPROCESS });
  });
  it('keeps given values, replaces non-finite ones, clamps negatives to 0', () => {
    const s = resolveEngineSettings({ threshold: Number.NaN, minSpeechSec: -1, minSilenceSec: 0.5, padSec: Infinity }, 0.5);
    expect(s).toEqual({ threshold: 0.5, minSpeechSec: 0, minSilenceSec: 0.5, padSec: DEFAULT_POSTPROCESS.padSec });
  });
});

describe('segmentsFromDecisions', () => {
  it('bridges short pauses, drops short bursts, pads, on the frame hop’s time axis', () => {
    // 32 ms hop (Silero): speech in frames 10–19 and 25–34 (a 0.19 s pause), a 2-frame blip at 50.
    const raw = new Uint8Array(60);
    raw.fill(1, 10, 20);
    raw.fill(1, 25, 35);
    raw.fill(1, 50, 52);
    const s = segmentsFromDecisions(raw, 0.032, 60 * 0.032, { threshold: 0.5, minSpeechSec: 0.1, minSilenceSec: 0.3, padSec: 0.05 });
    expect(s).toHaveLength(1);
    expect(s[0].startSec).toBeCloseTo(10 * 0.032 - 0.05, 9);
    expect(s[0].endSec).toBeCloseTo(35 * 0.032 + 0.05, 9);
  });
});

describe('mixDown and monoAt', () => {
  it('averages channels; a phase-inverted pair cancels (what a mono recogniser hears)', () => {
    const a = Float32Array.from([0.5, -0.25, 1]);
    const b = Float32Array.from([-0.5, 0.25, 0]);
    expect(Array.from(mixDown({ sampleRateHz: 8000, channels: [a, b] }))).toEqual([0, 0, 0.5]);
    expect(mixDown({ sampleRateHz: 8000, channels: [a] })).toBe(a);
  });
  it('resamples to the engine rate keeping the duration', () => {
    const x = new Float32Array(8000).map((_, i) => Math.sin((2 * Math.PI * 440 * i) / 8000));
    const y = monoAt({ sampleRateHz: 8000, channels: [x] }, 16000);
    expect(y.length).toBe(16000);
    // A 440 Hz sine stays a sine of the same amplitude (away from the zero-padded edges).
    let peak = 0;
    for (let i = 2000; i < 14000; i++) peak = Math.max(peak, Math.abs(y[i]));
    expect(peak).toBeGreaterThan(0.99);
    expect(peak).toBeLessThan(1.01);
  });
});
